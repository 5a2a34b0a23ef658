import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { koreaderFixture } from "./helpers/suite";
import { absSession } from "./helpers/remote-data";
import { startCluster, type Cluster } from "./helpers/postgres";
import { writeStack } from "./helpers/stack";
import { absStandIn, type StandIn } from "./helpers/stand-ins";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, as the crontab runs it (async: the stand-ins answer from this process). */
function shelfstack(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      // No secrets from the developer's shell: each test says which it sets.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "shelfstack-etl-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The suite's KOReader fixture, checkpointed into one file (made once per test). */
function statistics(path = join(dir, "statistics.sqlite3")): string {
  if (existsSync(path)) return path;
  const { db } = koreaderFixture(path);
  db.db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return path;
}

describe("shelfstack etl: the embedded default", () => {
  test("no stack.yaml, no database: the embedded PGlite in ./shelfstack-etl, and a rerun loads nothing", async () => {
    const stats = statistics();
    const first = await shelfstack(["etl", "--stats", stats], { cwd: dir });
    expect(first.stderr).toMatch(/using the bundled example/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `etl: embedded PGlite in ${join(dir, "shelfstack-etl")} (schema: applied 001_schema.sql, 002_views.sql, 003_history_kept.sql, 004_audiobook_progress.sql)`,
    );
    expect(first.stdout).toMatch(/koreader\/koreader: .*statistics\.sqlite3: 3 of 3 books read — sessions 5 new/);
    expect(first.stdout).toMatch(/audiobookshelf: skipped — no API key \(set ABS_API_KEY, or ABS_API_KEY_FILE/);
    expect(first.stdout).toMatch(/hardcover: skipped — HARDCOVER_TOKEN is not set/);
    expect(first.stdout).toMatch(/loaded: 3 books \(3 new\), 5 sessions \(5 new, 0 updated, 0 removed since the last run\)/);
    const second = await shelfstack(["etl", "--stats", stats], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/unchanged since the last run/);
    expect(second.stdout).toMatch(/nothing new since the last run: 3 books, 5 sessions/);
  });
});

describe("shelfstack etl: what the user gets wrong", () => {
  test("--help, a missing file, a file that is not KOReader's, a flag it does not know: one line, exit 1", async () => {
    const help = await shelfstack(["etl", "--help"], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: shelfstack etl/);

    const missing = await shelfstack(["etl", "--stats", join(dir, "nope.sqlite3"), "--database", join(dir, "db")], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--stats .*nope\.sqlite3: no such file/);

    writeFileSync(join(dir, "notes.sqlite3"), "these are my notes, not a database");
    const garbage = await shelfstack(["etl", "--stats", join(dir, "notes.sqlite3"), "--database", join(dir, "db")], { cwd: dir });
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toMatch(/notes\.sqlite3: not a readable SQLite database .* is it a KOReader statistics\.sqlite3\?/);

    const flag = await shelfstack(["etl", "--stat", "x"], { cwd: dir });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/Unknown option '--stat'/);

    const twice = await shelfstack(["etl", "--stats", statistics(), "--stats", statistics(join(dir, "b.sqlite3"))], { cwd: dir });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/two statistics files for device "koreader" — name them/);

    const keyFile = await shelfstack(["etl", "--stats", statistics(), "--database", join(dir, "db")], { cwd: dir, env: { ABS_API_KEY_FILE: join(dir, "no-key") } });
    expect(keyFile.code).toBe(1);
    expect(keyFile.stderr).toMatch(/ABS_API_KEY_FILE names .*no-key, which does not exist/);
  });
});

describeWithTool("initdb", "PostgreSQL 15 server binaries: initdb, pg_ctl, postgres on PATH", "shelfstack etl against PostgreSQL, as the jobs container runs it", () => {
  let cluster: Cluster;
  let n = 0;
  const servers: StandIn[] = [];
  beforeAll(() => {
    cluster = startCluster();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    cluster.stop();
  });

  test("defaults from stack.yaml: the snapshots found per device, DATABASE_URL, the key from ABS_API_KEY_FILE", async () => {
    const data = join(dir, "srv");
    // The snapshot repository: one directory per reader.
    mkdirSync(join(data, "statistics-snapshots", "palma"), { recursive: true });
    mkdirSync(join(data, "statistics-snapshots", ".git"), { recursive: true });
    copyFileSync(statistics(), join(data, "statistics-snapshots", "palma", "statistics.sqlite3"));
    const abs = await absStandIn(
      [absSession({ id: "ls_1", itemId: "li_1", title: "Dune", author: "Frank Herbert", startedAt: 1_700_000_000_000, updatedAt: 1_700_001_800_000, timeListening: 1800 })],
      "key-from-file",
    );
    servers.push(abs);
    writeFileSync(join(dir, "api-key"), "key-from-file\n");
    const stack = writeStack(dir, data, { audiobookshelfUrl: abs.url, hardcover: false });
    const url = cluster.createDatabase(`cli_${++n}`);
    const run = await shelfstack(["etl", "-c", stack], { cwd: dir, env: { DATABASE_URL: url, ABS_API_KEY_FILE: join(dir, "api-key") } });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^etl: Postgres postgresql:\/\/\*\*\*@localhost\//);
    expect(run.stdout).toMatch(/koreader\/palma: .*statistics-snapshots\/palma\/statistics\.sqlite3: 3 of 3 books read — sessions 5 new/);
    expect(run.stdout).toMatch(/audiobookshelf: 1 listening sessions read — sessions 1 new/);
    expect(run.stdout).toMatch(/hardcover: off in stack\.yaml \(etl\.hardcover\)/);
    expect(run.stdout).toMatch(/loaded: 3 books \(3 new\), 6 sessions \(6 new/);
  });

  test("a source that cannot be read: the others load, exit 1; a database that cannot be reached: exit 1, the password never printed", async () => {
    const abs = await absStandIn([], "the-right-key");
    servers.push(abs);
    const stack = writeStack(dir, join(dir, "srv"), { audiobookshelfUrl: abs.url, hardcover: false });
    const url = cluster.createDatabase(`cli_${++n}`);
    const run = await shelfstack(["etl", "-c", stack, "--stats", `palma=${statistics()}`, "--database", url], { cwd: dir, env: { ABS_API_KEY: "a-revoked-key" } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/audiobookshelf: FAILED, kept what it had — audiobookshelf: listening sessions page 0: 401 Unauthorized .*check the Audiobookshelf API key/);
    expect(run.stdout).toMatch(/loaded: 3 books \(3 new\), 5 sessions/);

    const secret = "canary-password-9f2c";
    const down = await shelfstack(["etl", "-c", stack, "--stats", statistics()], {
      cwd: dir,
      env: { DATABASE_URL: `postgresql://etl:${secret}@127.0.0.1:9/reading`, ABS_API_KEY: "" },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/shelfstack etl: .*ECONNREFUSED/);
    expect(down.stdout + down.stderr).not.toContain(secret);
  });
});
