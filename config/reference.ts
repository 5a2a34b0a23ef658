/**
 * The stack.yaml reference in the README, generated from the JSON Schema so the two cannot
 * drift (a test compares them). One row per field: its YAML path, what it takes, its default.
 */
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  format?: string;
  anyOf?: JsonSchema[];
}

function isSecret(s: JsonSchema): boolean {
  return s.type === "object" && Object.keys(s.properties ?? {}).join() === "env";
}

function kind(s: JsonSchema): string {
  if (isSecret(s)) return "secret: `{ env: NAME }`";
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(kind).join(" or ");
  if (s.type === "array") return s.items?.type === "object" && !isSecret(s.items) ? "list of mappings" : `list of ${kind(s.items ?? {})}`;
  if (s.format === "email") return "e-mail";
  return String(s.type ?? "any");
}

function defaultText(s: JsonSchema, required: boolean): string {
  if (s.default !== undefined) {
    if (isSecret(s)) return `env \`${(s.default as { env: string }).env}\``;
    if (typeof s.default === "object") return s.type === "array" ? "none" : "see fields";
    return `\`${String(s.default)}\``;
  }
  return required ? "**required**" : "—";
}

/** Angle brackets would read as HTML in the README; pipes would split the table cell. */
function escape(text: string): string {
  return text.replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|");
}

export function referenceMarkdown(schema: JsonSchema): string {
  const rows: string[] = ["| field | takes | default |", "|---|---|---|"];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      const path = `${prefix}${key}`;
      const required = s.required?.includes(key) ?? false;
      rows.push(`| \`${path}\` | ${kind(child)}${child.description ? ` — ${escape(child.description)}` : ""} | ${defaultText(child, required)} |`);
      if (child.type === "object" && !isSecret(child)) walk(child, `${path}.`);
      if (child.type === "array" && child.items?.type === "object" && !isSecret(child.items)) walk(child.items, `${path}[].`);
    }
  };
  walk(schema, "");
  return rows.join("\n") + "\n";
}
