import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { Document } from "yaml";
import type { z } from "zod";
import { canonicalDeviceId, isValidDeviceId } from "../../config/device-id";
import { parseStack } from "../../config/load";
import { dnsLabel, email, timezone } from "../../config/schema/common";
import { deviceKinds } from "../../config/schema/devices";
import { serverSchema } from "../../config/schema/server";
import { tailnetSchema } from "../../config/schema/tailnet";
import { Secrets } from "../../constructs/secrets";
import { buildInMemory } from "../../stacks/synth";
import { EXIT, parse, UsageError, type Command } from "../cli";
import type { StackConfig } from "../../config/resolve";
import { CERTIFICATE_FILE, defaultKeyFile, generateIdentity, writeIdentityFiles, type Identity } from "../syncthing-identity";
import { stackJsonSchema } from "./schema";

const HELP = `usage: shelfstack init [dir] [options]

Writes a new stack.yaml in dir (default: here) from what only you know, with defaults left out,
plus .env.example (every secret the stack needs, and what it is for), a .gitignore, the editor
schema, and the server's Syncthing identity (so the first synth is already complete). Asks on a
terminal for each answer not given as a flag; --yes takes the defaults instead. Never replaces
an existing stack.yaml.
  --tailnet NAME        the tailnet's DNS name (admin console, DNS page), e.g. tail1234.ts.net
  --owner LOGIN         your tailnet login, e.g. alice@example.com
  --docker-host URL     the server's Docker, e.g. ssh://reader@homeserver
  --hostname NAME       the server's name on the tailnet (default shelf)
  --timezone TZ         the server's time zone (default UTC)
  --device SPEC         a device, name:kind[:syncthing-id]; repeat for each; kinds: ${deviceKinds.join(", ")}
  --koofr LOGIN         back up to Koofr with this login (default: the owner's login)
  --no-backup           no Koofr backup
  --key-file PATH       where the server's Syncthing private key goes, outside the repository
                        (default ~/.config/shelfstack/<hostname>-syncthing-key.pem)
  --no-identity         let the server make its Syncthing identity on first start instead
  -y, --yes             take the default for every question not answered by a flag`;

const OPTIONS = {
  tailnet: { type: "string" },
  owner: { type: "string" },
  "docker-host": { type: "string" },
  hostname: { type: "string" },
  timezone: { type: "string" },
  device: { type: "string", multiple: true },
  koofr: { type: "string" },
  "no-backup": { type: "boolean" },
  "key-file": { type: "string" },
  "no-identity": { type: "boolean" },
  yes: { type: "boolean", short: "y" },
} as const;

interface Device {
  name: string;
  kind: (typeof deviceKinds)[number];
  syncthingId?: string;
}

interface Answers {
  tailnet: string;
  owner: string;
  dockerHost: string;
  hostname: string;
  timezone: string;
  devices: Device[];
  koofr?: string;
  keyFile?: string;
}

const DEFAULT_HOSTNAME = "shelf";
const DEFAULT_TIMEZONE = "UTC";
const syncs = (kind: string) => kind.startsWith("android");

/** The first problem zod finds with one answer, in the schema's own words; undefined when it is fine. */
function problemWith(schema: z.ZodType, value: string): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

const checks = {
  tailnet: (v: string) => problemWith(tailnetSchema.shape.name, v),
  owner: (v: string) => problemWith(email, v),
  dockerHost: (v: string) => problemWith(serverSchema.shape.dockerHost, v),
  hostname: (v: string) => problemWith(dnsLabel, v),
  timezone: (v: string) => problemWith(timezone, v),
  deviceName: (v: string) => problemWith(dnsLabel, v),
  kind: (v: string) => ((deviceKinds as readonly string[]).includes(v) ? undefined : `use one of ${deviceKinds.join(", ")}`),
  syncthingId: (v: string) =>
    isValidDeviceId(v) ? undefined : "not a Syncthing device ID (8 groups of 7 characters, check characters included) — copy it again from the app's ‘Show device ID’",
};

/** Lines from the terminal, one per question. Buffered, so answers typed ahead are not lost. */
class Prompter {
  private readonly lines: AsyncIterator<string>;
  constructor(private readonly out: NodeJS.WritableStream) {
    this.lines = createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  }

  /** Asks until the answer passes `check`; an empty answer takes the default (when there is one). */
  async ask(question: string, check: (v: string) => string | undefined, fallback?: string, optional = false): Promise<string> {
    for (;;) {
      this.out.write(`${question}${fallback ? ` [${fallback}]` : ""}: `);
      const next = await this.lines.next();
      if (next.done) throw new UsageError(`no answer to "${question}" (input ended) — answer it, or give its flag (shelfstack init --help)`);
      const answer = next.value.trim() || fallback || "";
      if (!answer && optional) return "";
      const problem = answer ? check(answer) : "an answer is needed here";
      if (!problem) return answer;
      this.out.write(`  ${problem}\n`);
    }
  }

  async yesNo(question: string, fallback: boolean): Promise<boolean> {
    const answer = await this.ask(`${question} [${fallback ? "Y/n" : "y/N"}]`, (v) => (/^(y|yes|n|no)$/i.test(v) ? undefined : "answer y or n"), undefined, true);
    return answer ? /^y/i.test(answer) : fallback;
  }
}

function parseDevice(spec: string): Device {
  const [name = "", kind = "", id, ...rest] = spec.split(":");
  const problem = rest.length
    ? "too many parts"
    : (checks.deviceName(name) ?? checks.kind(kind) ?? (id ? (syncs(kind) ? checks.syncthingId(id) : "only an Android device has a Syncthing ID") : undefined));
  if (problem) throw new UsageError(`--device ${spec}: ${problem} (write name:kind[:syncthing-id], e.g. palma:android-ereader:MFZWI3D-…)`);
  return { name, kind: kind as Device["kind"], syncthingId: id ? canonicalDeviceId(id) : undefined };
}

function flagValue(name: string, value: string | undefined, check: (v: string) => string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = check(value);
  if (problem) throw new UsageError(`--${name} ${value}: ${problem}`);
  return value;
}

async function gather(values: ReturnType<typeof parseInit>["values"], prompter: Prompter | undefined): Promise<Answers> {
  const need = async (flag: string, given: string | undefined, question: string, check: (v: string) => string | undefined, fallback?: string): Promise<string> => {
    if (given !== undefined) return given;
    if (!prompter) {
      if (fallback !== undefined && values.yes) return fallback;
      throw new UsageError(
        `--${flag} is needed: ${question.charAt(0).toLowerCase()}${question.slice(1)}${fallback !== undefined ? ` (or --yes for the default, ${fallback})` : ""}`,
      );
    }
    return prompter.ask(question, check, fallback);
  };
  const tailnet = await need("tailnet", flagValue("tailnet", values.tailnet, checks.tailnet), "Tailnet name (admin console → DNS), e.g. tail1234.ts.net", checks.tailnet);
  const owner = await need("owner", flagValue("owner", values.owner, checks.owner), "Your tailnet login, e.g. alice@example.com", checks.owner);
  const dockerHost = await need(
    "docker-host",
    flagValue("docker-host", values["docker-host"], checks.dockerHost),
    "The server's Docker, e.g. ssh://reader@homeserver",
    checks.dockerHost,
  );
  const hostname = await need("hostname", flagValue("hostname", values.hostname, checks.hostname), "The server's name on the tailnet", checks.hostname, DEFAULT_HOSTNAME);
  const timezoneAnswer = await need(
    "timezone",
    flagValue("timezone", values.timezone, checks.timezone),
    "The server's time zone, e.g. Europe/Berlin",
    checks.timezone,
    DEFAULT_TIMEZONE,
  );

  const devices = (values.device ?? []).map(parseDevice);
  if (!devices.length) {
    if (!prompter) throw new UsageError("--device is needed: at least one device that reads from the library, name:kind[:syncthing-id]");
    for (;;) {
      const first = devices.length === 0;
      const name = await prompter.ask(first ? "Device name, e.g. palma" : "Another device's name (empty when done)", checks.deviceName, undefined, !first);
      if (!name) break;
      if (devices.some((d) => d.name === name)) {
        process.stdout.write(`  ${name} is already listed — give each device its own name\n`);
        continue;
      }
      const kind = (await prompter.ask(`Kind of ${name} (${deviceKinds.join(", ")})`, checks.kind, "android-ereader")) as Device["kind"];
      const id = syncs(kind) ? await prompter.ask(`Syncthing ID of ${name} (its Syncthing app → Show device ID; empty to add it later)`, checks.syncthingId, undefined, true) : "";
      devices.push({ name, kind, syncthingId: id ? canonicalDeviceId(id) : undefined });
    }
  }

  let koofr: string | undefined;
  if (values["no-backup"]) {
    if (values.koofr) throw new UsageError("give --koofr LOGIN or --no-backup, not both");
  } else if (values.koofr !== undefined) koofr = flagValue("koofr", values.koofr, (v) => problemWith(email, v));
  else if (!prompter && !values.yes)
    throw new UsageError("--koofr LOGIN or --no-backup is needed: whether to back up the library to Koofr (or --yes for the default, a backup with the owner's login)");
  else if (!prompter || (await prompter.yesNo("Back up the library to Koofr (encrypted, nightly)?", true))) {
    koofr = prompter ? await prompter.ask("Your Koofr login", (v) => problemWith(email, v), owner) : owner;
  }

  let keyFile: string | undefined;
  const anySync = devices.some((d) => syncs(d.kind));
  if (!values["no-identity"] && anySync) {
    const fallback = defaultKeyFile(hostname);
    const checkKey = (v: string) => (/^(\/|~\/)/.test(v) ? undefined : "write an absolute path or one starting with ~/ (outside the repository)");
    if (values["key-file"] !== undefined) keyFile = flagValue("key-file", values["key-file"], checkKey);
    else if (!prompter && !values.yes)
      throw new UsageError(`--key-file PATH or --no-identity is needed: where the server's Syncthing private key goes (or --yes for the default, ${fallback})`);
    else if (!prompter) keyFile = fallback;
    else if (await prompter.yesNo("Make the server's Syncthing identity now (the readers' configs are then complete from the first deploy)?", true)) {
      keyFile = await prompter.ask("Where to keep its private key (outside the repository)", checkKey, fallback);
    }
  }
  return { tailnet, owner, dockerHost, hostname, timezone: timezoneAnswer, devices, koofr, keyFile };
}

function parseInit(args: string[]) {
  return parse(args, OPTIONS, HELP);
}

/** stack.yaml in the example's shape: the schema header, then only what is not a default. */
export function stackYaml(a: Answers, identity?: Identity): string {
  const server: Record<string, string> = { dockerHost: a.dockerHost };
  if (a.hostname !== DEFAULT_HOSTNAME) server.hostname = a.hostname;
  if (a.timezone !== DEFAULT_TIMEZONE) server.timezone = a.timezone;
  const doc = new Document({
    server,
    tailnet: { name: a.tailnet, owner: a.owner },
    devices: a.devices.map((d) => ({ name: d.name, kind: d.kind, ...(d.syncthingId ? { syncthingId: d.syncthingId } : {}) })),
    ...(a.koofr ? { backup: { koofr: { user: a.koofr } } } : {}),
    ...(identity && a.keyFile ? { syncthing: { serverId: identity.deviceId, identity: { certificate: CERTIFICATE_FILE, keyFile: a.keyFile } } } : {}),
  });
  doc.commentBefore = [
    " yaml-language-server: $schema=./stack.schema.json",
    " Written by `shelfstack init`. Secrets never appear here: each is read from an environment",
    " variable at deploy time (.env.example lists them).",
  ].join("\n");
  for (const key of ["tailnet", "devices", "backup", "syncthing"]) {
    const pair =
      doc.contents && "items" in doc.contents ? (doc.contents.items as { key: { spaceBefore?: boolean; value?: unknown } }[]).find((p) => p.key.value === key) : undefined;
    if (pair) pair.key.spaceBefore = true;
  }
  return doc.toString({ lineWidth: 0 });
}

/** What a secret is for, from the schema's descriptions, by environment variable name. */
function secretPurposes(config: unknown): Map<string, { path: string; description?: string }> {
  type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; description?: string; anyOf?: Schema[] };
  const found = new Map<string, { path: string; description?: string }>();
  const walk = (schema: Schema | undefined, value: unknown, path: string) => {
    if (!schema || value === null || typeof value !== "object") return;
    const props = schema.properties ?? schema.anyOf?.find((s) => s.properties)?.properties;
    if (props && Object.keys(props).join() === "env" && typeof (value as { env?: unknown }).env === "string") {
      const env = (value as { env: string }).env;
      if (!found.has(env)) found.set(env, { path, description: schema.description });
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => walk(schema.items ?? schema.anyOf?.find((s) => s.items)?.items, v, `${path}[${i}]`));
    else for (const [k, v] of Object.entries(value)) walk(props?.[k], v, path ? `${path}.${k}` : k);
  };
  walk(stackJsonSchema() as Schema, config, "");
  return found;
}

/** Every secret the stack reads (as synth would ask for it), each with what it is for. */
export function envExample(config: StackConfig, keyFile: string | undefined): string {
  const names = Secrets.of(buildInMemory(config)).names;
  const purposes = secretPurposes(config);
  const lines = [
    "# The secrets this stack reads, one environment variable each. Copy to .env (never commit it),",
    "# fill in the values, and export them: docker compose reads these names; `cdktf deploy` reads",
    "# each as TF_VAR_<NAME>. Generated by `shelfstack init`; `shelfstack validate` checks stack.yaml.",
  ];
  for (const name of names) {
    const p = purposes.get(name);
    lines.push("", `# ${p?.description ?? "a secret"}${p ? ` (stack.yaml: ${p.path})` : ""}`, `${name}=`);
  }
  if (keyFile) {
    lines.push(
      "",
      `# The server's Syncthing private key is no variable: it is the file ${keyFile} (syncthing.identity.keyFile),`,
      "# outside this repository. Keep a copy somewhere safe; the deploy uploads it from there.",
    );
  }
  return lines.join("\n") + "\n";
}

const GITIGNORE = [
  "# shelfstack: outputs, Terraform state, secrets and local databases stay out of the repository",
  // cdktf.out is a link to the current output, a hidden versioned sibling beside it.
  "cdktf.out",
  ".cdktf.out.shelfstack-*",
  "*.tfstate",
  "*.tfstate.*",
  ".terraform/",
  ".env",
  // What `bootstrap --keys-dir ./keys` writes, and a try-out run's embedded warehouse.
  "keys/",
  "shelfstack-etl/",
  "*.key",
  "*-key.pem",
  "key.pem",
  "*.sqlite3",
  "*.sqlite3-*",
  "*.db",
  "node_modules/",
];

/** Adds what the user's .gitignore lacks, keeping what is there. */
function gitignore(existing: string | undefined): string {
  const have = new Set((existing ?? "").split("\n").map((l) => l.trim()));
  const missing = GITIGNORE.filter((l) => l.startsWith("#") || !have.has(l));
  if (existing !== undefined && missing.length <= 1) return existing;
  return `${existing ? `${existing.replace(/\n*$/, "\n\n")}` : ""}${missing.join("\n")}\n`;
}

const init: Command = async (args) => {
  const { values, positionals } = parseInit(args);
  if (positionals.length > 1) throw new UsageError(`one directory at most, got ${positionals.join(" ")}`);
  const dir = resolve(positionals[0] ?? ".");
  const stackPath = join(dir, "stack.yaml");
  if (existsSync(stackPath)) throw new UsageError(`${stackPath} already exists — init never replaces it; edit it, or init another directory`);
  const interactive = !values.yes && process.stdin.isTTY === true;
  const prompter = interactive ? new Prompter(process.stdout) : undefined;
  const answers = await gather(values, prompter);

  // Checked whole before anything is written: a stack.yaml that init writes always loads.
  // (The identity adds no secret variable; its certificate exists only once written.)
  const draft = parseStack(stackYaml(answers), `${stackPath} (from your answers; nothing written)`);
  const env = envExample(draft, answers.keyFile);
  const identity = answers.keyFile ? await generateIdentity() : undefined;
  const text = stackYaml(answers, identity);

  mkdirSync(dir, { recursive: true });
  if (identity && answers.keyFile) writeIdentityFiles(identity, dir, answers.keyFile);
  writeFileSync(stackPath, text, { flag: "wx" });
  const written = ["stack.yaml"];
  const envPath = join(dir, ".env.example");
  if (!existsSync(envPath)) {
    writeFileSync(envPath, env);
    written.push(".env.example");
  }
  const ignorePath = join(dir, ".gitignore");
  const before = existsSync(ignorePath) ? readFileSync(ignorePath, "utf8") : undefined;
  const after = gitignore(before);
  if (after !== before) {
    writeFileSync(ignorePath, after);
    written.push(".gitignore");
  }
  const schemaPath = join(dir, "stack.schema.json");
  if (!existsSync(schemaPath)) {
    writeFileSync(schemaPath, JSON.stringify(stackJsonSchema(), null, 2) + "\n");
    written.push("stack.schema.json");
  }
  if (identity) written.push(CERTIFICATE_FILE);
  console.log(`wrote ${written.join(", ")} in ${dir}`);
  if (identity) {
    console.log(`server Syncthing device ID: ${identity.deviceId}`);
    console.log(`its private key: ${answers.keyFile} (keep it, never commit it)`);
  }
  console.log(`next: shelfstack synth${positionals[0] ? ` -c ${join(positionals[0], "stack.yaml")}` : ""}   (then README, Deploying)`);
  return EXIT.ok;
};
export default init;
