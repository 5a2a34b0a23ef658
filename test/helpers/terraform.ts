import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmp } from "./cli";

export const TERRAFORM_INSTALL = "HashiCorp's terraform 1.11 in /usr/local/bin (not packaged by Debian)";

export interface TerraformRun {
  readonly status: number | null;
  /** stdout and stderr together, without colour. */
  readonly output: string;
}

/**
 * Runs terraform in `dir` without touching it or the user's settings: plugins and modules go to
 * a throw-away data directory, and no ~/.terraformrc is read.
 */
export function terraform(dir: string, args: string[]): TerraformRun {
  const scratch = tmp("shelfstack-terraform-");
  const cliConfig = join(scratch, "terraformrc");
  writeFileSync(cliConfig, "");
  const r = spawnSync("terraform", [...args], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      TF_DATA_DIR: join(scratch, "data"),
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * `terraform init -backend=false` on a copy of the stack directory. Terraform parses and checks the
 * whole configuration before it installs a provider; with no registry reachable it then fails at
 * "Initializing provider plugins…", which is the expected end here. Returns what it said.
 */
export function terraformInit(stackDir: string): TerraformRun {
  const copy = tmp("shelfstack-init-");
  cpSync(stackDir, copy, { recursive: true });
  return terraform(copy, ["init", "-backend=false", "-input=false", "-no-color"]);
}

/**
 * Whether init got past the configuration: it either succeeded (a machine with registry access)
 * or stopped only at fetching providers. A configuration error ("Invalid expression", an unknown
 * block, broken JSON/HCL) stops it before "Initializing provider plugins…" is ever printed.
 */
export function configurationAccepted(run: TerraformRun): { accepted: boolean; why: string } {
  if (/problems with the configuration|Error: (Invalid|Unsupported|Missing|Duplicate|Argument|Syntax)/.test(run.output)) {
    return { accepted: false, why: `configuration error:\n${run.output}` };
  }
  if (run.status === 0) return { accepted: true, why: "init succeeded" };
  const reachedProviders = run.output.includes("Initializing provider plugins...");
  const failedOnlyAtDownload =
    reachedProviders &&
    [...run.output.matchAll(/^Error: (.*)$/gm)].every((m) =>
      /^(Failed to query available provider packages|Failed to install provider|Failed to resolve provider packages)/.test(m[1]),
    );
  return failedOnlyAtDownload
    ? { accepted: true, why: "stopped at downloading providers (no registry here)" }
    : { accepted: false, why: `init failed before or apart from downloading providers:\n${run.output}` };
}

type Block = Record<string, unknown>;
interface TerraformJson {
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  [key: string]: unknown;
}

const META = new Set(["depends_on", "lifecycle", "count", "for_each", "provider", "connection", "provisioner"]);

/**
 * The stack with every provider resource replaced by Terraform's built-in `terraform_data`
 * (its arguments become `input`, `x.attr` becomes `x.output.attr`), so `terraform validate` can
 * check references, meta-arguments (depends_on, lifecycle conditions) and expressions with no
 * provider installed. It checks no provider schema: the plan-stability test does that part.
 */
export function withBuiltinResources(json: TerraformJson): TerraformJson {
  const types = Object.keys(json.resource ?? {});
  const rename = (type: string, name: string) => `${type}__${name}`;
  const refs = new RegExp(`\\b(${types.map((t) => t.replace(/[^a-z0-9_]/g, "")).join("|")})\\.([A-Za-z0-9_-]+)(\\.[A-Za-z0-9_]+)?`, "g");
  const inExpressions = (text: string) =>
    text.replace(/\$\{[^}]*\}/g, (expr) =>
      expr
        .replace(refs, (_, type: string, name: string, attr?: string) => `terraform_data.${rename(type, name)}${attr ? `.output${attr}` : ""}`)
        .replace(/\bself\.([A-Za-z0-9_]+)/g, "self.output.$1"),
    );
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string") return inExpressions(value);
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  // Attributes the provider computes (an image's image_id, a container's id or exit_code) become
  // placeholders in the stand-in's input, so references to them type-check.
  const computed = new Map<string, Set<string>>();
  const need = (key: string, attr: string) => computed.set(key, (computed.get(key) ?? new Set()).add(attr));
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const text = JSON.stringify(body);
      for (const m of text.matchAll(refs)) if (m[3]) need(rename(m[1], m[2]), m[3].slice(1));
      for (const m of text.matchAll(/\bself\.([A-Za-z0-9_]+)/g)) need(rename(type, name), m[1]);
    }
  }
  const data: Record<string, Block> = {};
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const input: Block = Object.fromEntries(Object.entries(body).filter(([k]) => !META.has(k)));
      for (const attr of computed.get(rename(type, name)) ?? []) if (!(attr in input)) input[attr] = `(${attr} of ${type}.${name})`;
      const meta = Object.fromEntries(Object.entries(body).filter(([k]) => META.has(k) && k !== "provider"));
      if (Array.isArray(meta.depends_on)) {
        meta.depends_on = meta.depends_on.map((d: string) => {
          const [t, n] = d.split(".");
          return types.includes(t) ? `terraform_data.${rename(t, n)}` : d;
        });
      }
      data[rename(type, name)] = { input: rewrite(input), ...(rewrite(meta) as Block) };
    }
  }
  const { provider: _provider, resource: _resource, terraform: tf, ...rest } = json;
  const { required_providers: _required, ...tfRest } = (tf ?? {}) as Block;
  return { ...(rewrite(rest) as Block), terraform: tfRest, resource: { terraform_data: data } };
}

/** `terraform validate` of withBuiltinResources(json): no provider, no network. */
export function validateWithBuiltins(json: TerraformJson): TerraformRun & { diagnostics: string[] } {
  const dir = tmp("shelfstack-validate-");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(withBuiltinResources(json), null, 2));
  const init = terraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  if (init.status !== 0) return { ...init, diagnostics: [init.output] };
  const run = terraform(dir, ["validate", "-json", "-no-color"]);
  const result = JSON.parse(run.output.slice(run.output.indexOf("{"))) as { valid: boolean; diagnostics: { severity: string; summary: string; detail?: string }[] };
  return {
    ...run,
    diagnostics: result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.summary}: ${d.detail ?? ""}`),
  };
}
