import { TerraformVariable } from "cdktf";
import type { StackConfig } from "../config/resolve";
import { RenderedFile } from "../constructs/rendered-file";
import { buildInMemory } from "./synth";

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  description?: string;
}

/** One environment variable a deploy of this stack reads a secret from. */
export interface SecretVariable {
  readonly name: string;
  /** The stack.yaml fields that name it, each with what it is for. */
  readonly usedBy: readonly { readonly field: string; readonly description?: string }[];
  /** `cdktf deploy` reads it as TF_VAR_<name>; optional when it may stay unset. */
  readonly terraform?: "required" | "optional";
  /** `docker compose up` reads it as <name>. */
  readonly compose?: "required" | "optional";
}

/** The fields holding `{ env: NAME }`, by their YAML path, e.g. backup.koofr.password. */
function secretFields(value: unknown, path: string, found: Map<string, string[]>): void {
  if (!value || typeof value !== "object") return;
  const keys = Object.keys(value);
  const env = (value as { env?: unknown }).env;
  if (keys.length === 1 && typeof env === "string") {
    found.set(env, [...(found.get(env) ?? []), path]);
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => secretFields(item, `${path}[${i}]`, found));
  else for (const key of keys) if (key !== "source") secretFields((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, found);
}

function describe(schema: JsonSchema, field: string): string | undefined {
  let node: JsonSchema | undefined = schema;
  for (const part of field.replace(/\[\d+\]/g, ".[]").split(".")) node = part === "[]" ? node?.items : node?.properties?.[part];
  return node?.description;
}

/**
 * Every secret variable a deploy of this stack needs, from the stack as synth builds it: the
 * sensitive Terraform variables and the compose file's `${NAME…}` interpolations. Sorted by name.
 */
export function secretVariables(config: StackConfig, schema: object): SecretVariable[] {
  const stack = buildInMemory(config);
  const terraform = new Map<string, "required" | "optional">();
  for (const node of stack.node.findAll()) {
    if (node instanceof TerraformVariable) terraform.set(node.node.id, node.default === undefined ? "required" : "optional");
  }
  const composeFile = RenderedFile.all(stack).find((f) => f.path === "docker-compose.yml")?.content ?? "";
  const compose = new Map<string, "required" | "optional">();
  const composeLines = composeFile.split("\n").filter((line) => !line.trimStart().startsWith("#"));
  for (const m of composeLines.join("\n").matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*):([?-])/g)) compose.set(m[1], m[2] === "?" ? "required" : "optional");
  const fields = new Map<string, string[]>();
  secretFields(config, "", fields);
  return [...new Set([...terraform.keys(), ...compose.keys()])].sort().map((name) => ({
    name,
    usedBy: (fields.get(name) ?? []).map((field) => ({ field, description: describe(schema as JsonSchema, field) })),
    terraform: terraform.get(name),
    compose: compose.get(name),
  }));
}
