import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI } from "../helpers/cli";
import { AbsStandIn } from "./abs-stand-in";
import { cleanTmp, EXAMPLE, expectDeclaredState, keyFile, PASSWORD, tmp } from "./helpers";

/**
 * `shelfstack bootstrap` killed (SIGKILL) right after the server made a change and before the
 * answer arrived — the worst moment — then run again: the server ends in the declared state with
 * nothing duplicated, and the key files hold working keys.
 */
let abs: AbsStandIn;
beforeEach(async () => {
  abs = new AbsStandIn();
  await abs.listen();
});
afterEach(async () => {
  await abs.close();
  cleanTmp();
});

type Done = { code: number | null; signal: NodeJS.Signals | null; stderr: string };

function bootstrap(keys: string, url = abs.url, timeout = "10"): { child: ChildProcess; done: Promise<Done> } {
  const child = spawn(process.execPath, [CLI, "bootstrap", "-c", EXAMPLE, "--url", url, "--keys-dir", keys, "--timeout", timeout], {
    env: { ...process.env, ABS_ROOT_PASSWORD: PASSWORD },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Done>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

/** Hang on the n-th request (1-based) that matches, after (or before) the server acts on it. */
function hangOnNth(n: number, method: string, path: RegExp, when: "before" | "after" = "after"): void {
  let seen = 0;
  abs.hangOn = (m, p) => (m === method && path.test(p) && ++seen === n ? when : undefined);
}

async function killAtHangThenRerun(keys: string): Promise<string> {
  const first = bootstrap(keys);
  await abs.whenHung();
  first.child.kill("SIGKILL");
  expect((await first.done).signal).toBe("SIGKILL");
  abs.hangOn = undefined;
  const second = await bootstrap(keys).done;
  expect(second).toMatchObject({ code: 0 });
  return second.stderr;
}

test.each([
  ["creating the root user", 1, "POST", /^\/init$/],
  ["creating the first library", 1, "POST", /^\/api\/libraries$/],
  ["starting the second library's scan", 2, "POST", /^\/api\/libraries\/[^/]+\/scan$/],
  ["creating the second API key", 2, "POST", /^\/api\/api-keys$/],
])("killed right after %s, a rerun finishes the job without duplicates", async (_what, n, method, path) => {
  const keys = tmp();
  hangOnNth(n, method, path);
  await killAtHangThenRerun(keys);
  await expectDeclaredState(abs, keys);
});

test("killed between writing a replacement key and deleting the old one: the rerun deletes the old key", async () => {
  const keys = tmp();
  expect((await bootstrap(keys).done).code).toBe(0);
  const old = abs.apiKeys.find((k) => k.name === "shelfstack ingest")!;
  writeFileSync(keyFile(keys, "ingest"), "not a key");
  hangOnNth(1, "DELETE", /^\/api\/api-keys\//, "before");
  const stderr = await killAtHangThenRerun(keys);
  await expectDeclaredState(abs, keys);
  expect(abs.apiKeys.some((k) => k.id === old.id)).toBe(false);
  expect(stderr).toContain(`deleted the API key "shelfstack ingest" ${old.id}, which no client holds any more`);
  expect(stderr).toContain("done: 1 change(s)");
});

test("the CLI's exit codes: 0 done, 1 with every difference listed, 1 when unreachable", async () => {
  const keys = tmp();
  const ok = await bootstrap(keys).done;
  expect(ok.code).toBe(0);
  expect(ok.stderr).toContain("done: 7 change(s)");
  abs.libraries[0].name = "Books";
  const differs = await bootstrap(keys).done;
  expect(differs.code).toBe(1);
  expect(differs.stderr).toMatch(/differs from stack.yaml: the library over \/ebooks is named "Books" on the server, stack.yaml says "Ebooks"/);
  const url = abs.url;
  await abs.close();
  const down = await bootstrap(join(keys, "elsewhere"), url, "1").done;
  expect(down.code).toBe(1);
  expect(down.stderr).toMatch(/shelfstack bootstrap: Audiobookshelf did not answer within 1 s \(last: fetch failed: .*ECONNREFUSED/);
});

test("a keys directory the bootstrap may not write to: exit 1 with the command that fixes it", async () => {
  const dir = tmp();
  chmodSync(dir, 0o755);
  const keys = join(dir, "keys");
  mkdirSync(keys);
  chmodSync(keys, 0o555);
  // Root writes anywhere: run as nobody then, as the jobs container runs as server.user.
  const asRoot = process.getuid?.() === 0;
  const args = [CLI, "bootstrap", "-c", EXAMPLE, "--url", abs.url, "--keys-dir", keys, "--timeout", "10"];
  const env = { ...process.env, ABS_ROOT_PASSWORD: PASSWORD };
  const child = asRoot ? spawn("runuser", ["-u", "nobody", "--", process.execPath, ...args], { env }) : spawn(process.execPath, args, { env });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(stderr).toMatch(
    new RegExp(
      `cannot write ${keys}/abs-opds/api-key \\(EACCES\\): the keys directory must belong to server.user — on the server: sudo install -d -o 1000 -g 1000 -m 700 ${keys} ${keys}/abs-opds`,
    ),
  );
  expect(code).toBe(1);
});
