import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { parseStack } from "../../config/load";
import type { StackConfig } from "../../config/resolve";
import { runBootstrap } from "../../runtimes/jobs/bootstrap";
import type { AbsStandIn } from "./abs-stand-in";

export const ROOT = join(__dirname, "..", "..");
export const EXAMPLE = join(ROOT, "examples", "stack.yaml");
export const PASSWORD = "correct horse battery staple";
export const CLIENTS = ["abs-opds", "etl", "ingest", "shelfbridge"] as const;

/** The bundled example, optionally with more YAML appended (top-level sections it doesn't set). */
export function exampleConfig(extraYaml = ""): StackConfig {
  return parseStack(readFileSync(EXAMPLE, "utf8") + extraYaml, "stack.yaml");
}

/** The bundled example with its server's application state below `appdata` (a temporary directory). */
export function exampleWithAppdata(appdata: string): StackConfig {
  const doc = parse(readFileSync(EXAMPLE, "utf8")) as { server: { paths?: Record<string, string> } };
  doc.server.paths = { ...doc.server.paths, appdata };
  return parseStack(stringify(doc), "stack.yaml");
}

const dirs: string[] = [];
export function tmp(prefix = "shelfstack-bootstrap-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function cleanTmp(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** One bootstrap run in-process; without keysDir, the keys go where stack.yaml puts them (<appdata>/abs-keys). */
export function run(config: StackConfig, url: string, keysDir?: string, timeoutSeconds = 5) {
  const lines: string[] = [];
  const report = runBootstrap(config, { url, keysDir, timeoutSeconds, env: { ABS_ROOT_PASSWORD: PASSWORD }, log: (l) => lines.push(l) });
  return report.then((r) => ({ ...r, lines }));
}

/** Server state that a run could change, for "a second run changes nothing". */
export function serverState(abs: AbsStandIn): string {
  return JSON.stringify({ users: abs.users, libraries: abs.libraries, apiKeys: abs.apiKeys });
}

export function keyFile(keysDir: string, client: string): string {
  return join(keysDir, client, "api-key");
}

/** Asks the stand-in whether it accepts a key, as any client would. */
export async function accepted(url: string, key: string): Promise<boolean> {
  const res = await fetch(`${url}/api/me`, { headers: { Authorization: `Bearer ${key}` } });
  return res.status === 200;
}

/** The state stack.yaml declares for the example, asserted on the stand-in and the key files. */
export async function expectDeclaredState(abs: AbsStandIn, keysDir: string, clients: readonly string[] = CLIENTS): Promise<void> {
  expect(abs.users.map((u) => [u.username, u.type])).toEqual([["root", "root"]]);
  expect(abs.root!.password).toBe(PASSWORD);
  const libraries = abs.libraries.map((l) => ({
    name: l.name,
    mediaType: l.mediaType,
    folders: l.folders.map((f) => f.fullPath),
    precedence: l.settings.metadataPrecedence,
  }));
  const precedence = ["folderStructure", "audioMetatags", "nfoFile", "txtFiles", "absMetadata", "opfFile"];
  expect(libraries.sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
    { name: "Audiobooks", mediaType: "book", folders: ["/audiobooks"], precedence },
    { name: "Ebooks", mediaType: "book", folders: ["/ebooks"], precedence },
  ]);
  expect(abs.apiKeys.map((k) => k.name).sort()).toEqual(clients.map((c) => `shelfstack ${c}`));
  for (const k of abs.apiKeys) {
    expect(k.isActive).toBe(true);
    expect(k.userId).toBe(abs.root!.id);
  }
  for (const client of clients) {
    const file = keyFile(keysDir, client);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(keysDir, client)).mode & 0o077).toBe(0);
    const key = readFileSync(file, "utf8");
    expect(key).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const keyId = JSON.parse(Buffer.from(key.split(".")[1], "base64url").toString()).keyId;
    expect(abs.apiKeys.find((k) => k.id === keyId)?.name).toBe(`shelfstack ${client}`);
    expect(await accepted(abs.url, key)).toBe(true);
  }
}
