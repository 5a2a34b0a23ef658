import { createServer } from "node:net";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BootstrapError, NotReachableError } from "../../runtimes/jobs/bootstrap";
import { AbsStandIn } from "./abs-stand-in";
import { accepted, cleanTmp, exampleConfig, expectDeclaredState, keyFile, PASSWORD, run, serverState, tmp } from "./helpers";

const config = exampleConfig();
let abs: AbsStandIn;

beforeEach(async () => {
  abs = new AbsStandIn();
  await abs.listen();
});
afterEach(async () => {
  await abs.close();
  cleanTmp();
});

/** Requests that change something on the server (login only reads). */
const writes = (from = 0) => abs.requests.slice(from).filter((r) => r.method !== "GET" && r.path !== "/login");

test("fresh server: root user, both libraries (scanned), one active key per client in its own file", async () => {
  const keys = tmp();
  const report = await run(config, abs.url, keys);
  await expectDeclaredState(abs, keys);
  expect(abs.scans.sort()).toEqual(abs.libraries.map((l) => l.id).sort());
  expect(report.differences).toEqual([]);
  expect(report.changes).toEqual([
    'created the root user "root"',
    'created the library "Ebooks" over /ebooks and started its scan',
    'created the library "Audiobooks" over /audiobooks and started its scan',
    ...["abs-opds", "etl", "ingest", "shelfbridge"].map((c) => `created the API key "shelfstack ${c}" (no key file yet) and wrote it to ${keyFile(keys, c)}`),
  ]);
});

test("a second run changes nothing: same server state, same key files, no write request", async () => {
  const keys = tmp();
  await run(config, abs.url, keys);
  const before = serverState(abs);
  const files = ["abs-opds", "etl", "ingest", "shelfbridge"].map((c) => readFileSync(keyFile(keys, c), "utf8"));
  const from = abs.requests.length;

  const again = await run(config, abs.url, keys);
  expect(again.changes).toEqual([]);
  expect(serverState(abs)).toBe(before);
  expect(["abs-opds", "etl", "ingest", "shelfbridge"].map((c) => readFileSync(keyFile(keys, c), "utf8"))).toEqual(files);
  expect(writes(from)).toEqual([]);
  expect(abs.requests.slice(from).filter((r) => r.path === "/login")).toHaveLength(1);
});

test("half-initialized server: the root user and what exists are reused, the rest is created, nothing duplicated", async () => {
  const keys = tmp();
  const root = abs.addUser("root", PASSWORD);
  const ebooks = abs.addLibrary("Ebooks", "/ebooks", { metadataPrecedence: ["folderStructure", "audioMetatags", "nfoFile", "txtFiles", "absMetadata", "opfFile"] });
  // abs-opds' key is on the server and in its file: kept. ingest's is on the server but its file was lost: replaced.
  const opds = abs.addApiKey("shelfstack abs-opds", root.id);
  mkdirSync(join(keys, "abs-opds"), { recursive: true, mode: 0o700 });
  writeFileSync(keyFile(keys, "abs-opds"), opds.key, { mode: 0o600 });
  const lostIngest = abs.addApiKey("shelfstack ingest", root.id);

  const report = await run(config, abs.url, keys);
  await expectDeclaredState(abs, keys);
  expect(abs.users).toHaveLength(1);
  expect(abs.libraries.find((l) => l.name === "Ebooks")!.id).toBe(ebooks.id);
  expect(abs.scans).toEqual([abs.libraries.find((l) => l.name === "Audiobooks")!.id]);
  expect(readFileSync(keyFile(keys, "abs-opds"), "utf8")).toBe(opds.key);
  expect(abs.apiKeys.find((k) => k.name === "shelfstack abs-opds")!.id).toBe(opds.record.id);
  expect(abs.apiKeys.some((k) => k.id === lostIngest.record.id)).toBe(false);
  expect(await accepted(abs.url, lostIngest.key)).toBe(false);
  expect(report.changes.filter((c) => c.startsWith("created the root user"))).toEqual([]);
  expect(report.changes).toContain(`deleted the API key "shelfstack ingest" ${lostIngest.record.id}, which no client holds any more`);
});

test("fully initialized server (set up by hand as declared): nothing is created, changed or rewritten", async () => {
  const keys = tmp();
  const root = abs.addUser("root", PASSWORD);
  const precedence = { metadataPrecedence: ["folderStructure", "audioMetatags", "nfoFile", "txtFiles", "absMetadata", "opfFile"] };
  abs.addLibrary("Ebooks", "/ebooks", precedence);
  abs.addLibrary("Audiobooks", "/audiobooks", precedence);
  for (const client of ["abs-opds", "etl", "ingest", "shelfbridge"]) {
    mkdirSync(join(keys, client), { mode: 0o700 });
    writeFileSync(keyFile(keys, client), abs.addApiKey(`shelfstack ${client}`, root.id).key, { mode: 0o600 });
  }
  const before = serverState(abs);
  const report = await run(config, abs.url, keys);
  expect(report).toMatchObject({ changes: [], differences: [] });
  expect(serverState(abs)).toBe(before);
  expect(writes()).toEqual([]);
  expect(abs.scans).toEqual([]);
  await expectDeclaredState(abs, keys);
});

test("server down, then up: the bootstrap waits for it and then finishes", async () => {
  await abs.close();
  const port = await freePort();
  abs = new AbsStandIn();
  const keys = tmp();
  const pending = run(config, `http://127.0.0.1:${port}`, keys, 20);
  await new Promise((r) => setTimeout(r, 1500));
  await abs.listen(port);
  const report = await pending;
  expect(report.lines[0]).toMatch(/^waiting for Audiobookshelf to answer \(.*ECONNREFUSED/);
  await expectDeclaredState(abs, keys);
});

test("server never up: a clear error once the timeout has passed", async () => {
  const port = await freePort();
  const started = Date.now();
  await expect(run(config, `http://127.0.0.1:${port}`, tmp(), 1)).rejects.toThrow(NotReachableError);
  expect(Date.now() - started).toBeLessThan(5000);
  await expect(run(config, `http://127.0.0.1:${port}`, tmp(), 1)).rejects.toThrow(/did not answer within 1 s/);
});

test("something else at the address (a 404 for /status) is not waited for", async () => {
  const keys = tmp();
  await expect(run(config, `${abs.url}/nothing-here/`, keys, 30)).rejects.toThrow(/GET status with 404.*is Audiobookshelf the server/);
});

test("a library that differs from stack.yaml is reported and left as it is; the rest still happens", async () => {
  const keys = tmp();
  abs.addUser("root", PASSWORD);
  const odd = abs.addLibrary("Ebooks", "/books");
  const renamed = abs.addLibrary("Hörbücher", "/audiobooks");
  const snapshot = JSON.stringify([odd, renamed]);

  const report = await run(config, abs.url, keys);
  expect(JSON.stringify(abs.libraries)).toBe(snapshot);
  expect(report.differences).toEqual([
    expect.stringMatching(/^library "Ebooks" reads \/books on the server, stack.yaml declares \/ebooks — shelfstack leaves an existing library as it is/),
    expect.stringMatching(/^library "Ebooks" ranks metadata sources .*opfFile < absMetadata on the server/),
    expect.stringMatching(/^the library over \/audiobooks is named "Hörbücher" on the server, stack.yaml says "Audiobooks"/),
    expect.stringMatching(/^library "Audiobooks" ranks metadata sources/),
  ]);
  expect(abs.apiKeys).toHaveLength(4);
  expect(abs.scans).toEqual([]);
});

test("wrong password: the login is refused with a message naming the variable", async () => {
  abs.addUser("root", "another password");
  await expect(run(config, abs.url, tmp())).rejects.toThrow(BootstrapError);
  await expect(run(config, abs.url, tmp())).rejects.toThrow(/refused the login of "root": either ABS_ROOT_PASSWORD is not that user's password/);
  expect(abs.libraries).toEqual([]);
});

test("a corrupt key file is replaced, and the key it once held is deleted", async () => {
  const keys = tmp();
  await run(config, abs.url, keys);
  const old = abs.apiKeys.find((k) => k.name === "shelfstack shelfbridge")!;
  writeFileSync(keyFile(keys, "shelfbridge"), "\u0000garbage\n");
  const report = await run(config, abs.url, keys);
  await expectDeclaredState(abs, keys);
  expect(abs.apiKeys.some((k) => k.id === old.id)).toBe(false);
  expect(report.changes[0]).toMatch(/created the API key "shelfstack shelfbridge" \(the key file holds no Audiobookshelf API key\)/);
});

test("a truncated key file (its signature cut short) is refused by the server and replaced", async () => {
  const keys = tmp();
  await run(config, abs.url, keys);
  const whole = readFileSync(keyFile(keys, "etl"), "utf8");
  writeFileSync(keyFile(keys, "etl"), whole.slice(0, -5));
  const report = await run(config, abs.url, keys);
  await expectDeclaredState(abs, keys);
  expect(report.changes[0]).toMatch(/created the API key "shelfstack etl" \(the server refuses its key\)/);
});

test("a write killed half-way leaves only a temporary file beside the key: the key file still holds the whole old key", async () => {
  const keys = tmp();
  await run(config, abs.url, keys);
  const whole = readFileSync(keyFile(keys, "ingest"), "utf8");
  writeFileSync(`${keyFile(keys, "ingest")}.tmp-99999`, whole.slice(0, 10));
  const report = await run(config, abs.url, keys);
  expect(report.changes).toEqual([]);
  expect(readFileSync(keyFile(keys, "ingest"), "utf8")).toBe(whole);
});

test("a key deactivated or deleted in the web UI is replaced", async () => {
  const keys = tmp();
  await run(config, abs.url, keys);
  abs.apiKeys.find((k) => k.name === "shelfstack etl")!.isActive = false;
  abs.apiKeys.splice(
    abs.apiKeys.findIndex((k) => k.name === "shelfstack ingest"),
    1,
  );
  const report = await run(config, abs.url, keys);
  await expectDeclaredState(abs, keys);
  expect(report.changes.filter((c) => c.startsWith("created"))).toEqual([
    `created the API key "shelfstack etl" (its key was deactivated) and wrote it to ${keyFile(keys, "etl")}`,
    `created the API key "shelfstack ingest" (its key is no longer on the server) and wrote it to ${keyFile(keys, "ingest")}`,
  ]);
});

test("a client disabled in stack.yaml loses its key and its key file", async () => {
  const keys = tmp();
  await run(config, abs.url, keys);
  const opds = readFileSync(keyFile(keys, "abs-opds"), "utf8");
  await run(exampleConfig("opds:\n  enabled: false\n"), abs.url, keys);
  await expectDeclaredState(abs, keys, ["etl", "ingest", "shelfbridge"]);
  expect(existsSync(keyFile(keys, "abs-opds"))).toBe(false);
  expect(await accepted(abs.url, opds)).toBe(false);
});

test("the password must be in the environment", async () => {
  const { runBootstrap } = await import("../../runtimes/jobs/bootstrap");
  await expect(runBootstrap(config, { url: abs.url, keysDir: tmp(), env: {}, log: () => undefined })).rejects.toThrow(/ABS_ROOT_PASSWORD is not set/);
  expect(abs.requests).toEqual([]);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
