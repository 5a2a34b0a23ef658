import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ingestCommand } from "../../runtimes/ingest/command";
import { ingestPass } from "../../runtimes/ingest/run";
import { CLI } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { epub } from "../ingest/fixtures";
import { captureLog, tree, workspace, type Workspace } from "../ingest/helpers";

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function lockFile(ws: Workspace): string {
  return join(ws.ingest, ".shelfstack", "lock");
}

function holdLock(ws: Workspace, holder: { pid: number; host: string }, ageSeconds = 0): void {
  mkdirSync(join(ws.ingest, ".shelfstack"), { recursive: true });
  writeFileSync(lockFile(ws), `${JSON.stringify({ ...holder, since: new Date().toISOString() })}\n`);
  const t = new Date(Date.now() - ageSeconds * 1000);
  utimesSync(lockFile(ws), t, t);
}

/** stdout/stderr of one `ingestCommand` call in this process. */
async function captured(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((...a) => void out.push(a.join(" ")));
  const error = jest.spyOn(console, "error").mockImplementation((...a) => void err.push(a.join(" ")));
  try {
    return { code: await fn(), out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe("ingest: one pass at a time over an ingest folder", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace("ingest-lock-");
    writeFileSync(join(ws.ingest, "notes.txt"), "not a book\n");
  });
  afterEach(() => ws.cleanup());

  test("a pass running here (a live pid on this host): --once says so, exits 0 and touches nothing", async () => {
    const other = spawn("sleep", ["30"]);
    try {
      holdLock(ws, { pid: other.pid!, host: hostname() });
      const { code, err } = await captured(() => ingestCommand(ws.options(), { log: () => undefined }));
      expect(code).toBe(0);
      expect(err).toMatch(new RegExp(`another ingest pass is running \\(pid ${other.pid} on ${hostname()}`));
      expect(err).toMatch(/nothing done/);
      expect(readdirSync(ws.ingest).sort()).toEqual([".shelfstack", "notes.txt"]);
      expect(existsSync(lockFile(ws))).toBe(true);
    } finally {
      other.kill();
    }
  });

  test("a pass on another host (the container, seen from the server) that still beats: refused the same way", async () => {
    holdLock(ws, { pid: 7, host: "shelfstack-ingest-container" }, 5);
    const { code, err } = await captured(() => ingestCommand(ws.options(), { log: () => undefined }));
    expect(code).toBe(0);
    expect(err).toMatch(/another ingest pass is running \(pid 7 on shelfstack-ingest-container/);
    expect(readdirSync(ws.ingest)).toContain("notes.txt");
  });

  test.each([
    ["a dead pid on this host", () => ({ pid: 2 ** 22 + 17, host: hostname() }), 0],
    ["another host's lock that stopped beating", () => ({ pid: 7, host: "gone-container" }), 600],
  ])("a lock left by a killed pass (%s) is taken over", async (_what, holder, age) => {
    holdLock(ws, holder(), age);
    const report = await ingestPass(ws.options(), { log: () => undefined, env: {} });
    expect(report.of("failed").map((o) => o.name)).toEqual(["notes.txt"]);
    expect(existsSync(lockFile(ws))).toBe(false);
  });
});

describe("ingest: odd files never stop a batch", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace("ingest-odd-");
  });
  afterEach(() => ws.cleanup());

  test("a FIFO, symlinks, a directory named .epub, a name with a newline: the pass finishes and files what it can", async () => {
    expect(spawnSync("mkfifo", [join(ws.ingest, "pipe.epub")]).status).toBe(0);
    symlinkSync("/etc/passwd", join(ws.ingest, "passwd.epub"));
    symlinkSync(join(ws.ingest, "nowhere"), join(ws.ingest, "dangling.mp3"));
    mkdirSync(join(ws.ingest, "folder.epub"));
    writeFileSync(join(ws.ingest, "folder.epub", "inner.txt"), "x");
    writeFileSync(join(ws.ingest, "line\nbreak.txt"), "x");
    writeFileSync(join(ws.ingest, "empty.pdf"), "");
    const { log } = captureLog();
    const report = await ingestPass(ws.options(), { log, env: {} });
    expect(
      report
        .of("failed")
        .map((o) => o.name)
        .sort(),
    ).toEqual(["empty.pdf", "folder.epub/inner.txt", "line\nbreak.txt"]);
    // What is not a regular file is left where it is (a FIFO would block a reader for ever).
    expect(
      readdirSync(ws.ingest)
        .filter((n) => !n.startsWith("."))
        .sort(),
    ).toEqual(["dangling.mp3", "folder.epub", "passwd.epub", "pipe.epub"]);
    expect(tree(ws.audiobooks)).toEqual({});
  }, 30_000);
});

describeWithTool("calibredb", "apt-get install calibre", "ingest: two `ingest --once` at the same time (real calibredb)", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace("ingest-twice-");
  });
  afterEach(() => ws.cleanup());

  test("every book is reported ingested exactly once, and is in the library once", async () => {
    const names = ["emma", "persuasion", "sanditon"];
    for (const [i, n] of names.entries()) writeFileSync(join(ws.ingest, `${n}.epub`), epub({ version: 3, title: n, author: "Jane Austen", identifier: `urn:uuid:${i}` }));
    const args = ["ingest", "--once", "--from", ws.ingest, "--library", ws.library, "--audiobooks", ws.audiobooks, "--failed", ws.failed, "--stable", "0"];
    const [a, b] = await Promise.all([run(args), run(args)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ingested = [a, b].flatMap((r) => [...r.stdout.matchAll(/^\s+ingested\s+(\S+\.epub):/gm)].map((m) => m[1]));
    // One ran; the other found the lock, or (started late) nothing left: no book is claimed twice.
    expect(ingested.sort()).toEqual(names.map((n) => `${n}.epub`));
    for (const r of [a, b]) expect(r.stdout + r.stderr).not.toMatch(/duplicates [1-9]|failed [1-9]/);
    const epubs = Object.keys(tree(ws.library)).filter((p) => p.endsWith(".epub"));
    expect(epubs).toHaveLength(3);
  }, 120_000);
});
