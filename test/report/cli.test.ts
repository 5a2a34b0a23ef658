import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { koreaderFixture } from "../etl/helpers/suite";
import { startCluster, type Cluster } from "../etl/helpers/postgres";

function shelfstack(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeWithTool("initdb", "PostgreSQL 15 server binaries: initdb, pg_ctl, postgres on PATH", "shelfstack report and etl --report, --prune on the command line", () => {
  let cluster: Cluster;
  let dir: string;
  beforeAll(() => {
    cluster = startCluster();
  });
  afterAll(() => cluster?.stop());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "shelfstack-report-cli-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const statistics = () => {
    const path = join(dir, "statistics.sqlite3");
    const { db } = koreaderFixture(path);
    db.db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    return path;
  };

  test("etl --report writes the report after the load; shelfstack report rewrites it the same; exit 0", () => {
    const url = cluster.createDatabase("cli_ok");
    const etl = shelfstack(["etl", "--stats", `palma=${statistics()}`, "--database", url, "--report-dir", "served"], dir);
    expect(etl.stderr).not.toMatch(/shelfstack etl:/);
    expect(etl.code).toBe(0);
    expect(etl.stdout).toMatch(/^report: served\/index\.html — \d+ pages \(\d+ rewritten, 0 removed\): 5 sessions, 3 books, 1 years$/m);
    const index = readFileSync(join(dir, "served", "index.html"), "utf8");

    const again = shelfstack(["report", "-o", "served", "--database", url], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^report: served\/index\.html — \d+ pages \(0 rewritten, 0 removed\)/m);
    expect(readFileSync(join(dir, "served", "index.html"), "utf8")).toBe(index);
  });

  test("a database without the warehouse, or a directory that is not a report: exit 1, one line, nothing written", () => {
    const empty = cluster.createDatabase("cli_empty");
    const none = shelfstack(["report", "-o", "out", "--database", empty], dir);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^shelfstack report: the database has no shelfstack warehouse yet — run shelfstack etl first$/m);

    const url = cluster.createDatabase("cli_dir");
    expect(shelfstack(["etl", "--stats", statistics(), "--database", url], dir).code).toBe(0);
    mkdirSync(join(dir, "mine"));
    writeFileSync(join(dir, "mine", "thesis.tex"), "\\documentclass{article}");
    const refused = shelfstack(["report", "-o", "mine", "--database", url], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/shelfstack report: mine already holds files that are not a shelfstack report — choose an empty directory with -o/);
    expect(existsSync(join(dir, "mine", "index.html"))).toBe(false);
  });

  test("--prune needs --full", () => {
    const r = shelfstack(["etl", "--stats", statistics(), "--database", cluster.createDatabase("cli_prune"), "--prune"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/shelfstack etl: --prune removes what a full read no longer finds, so it needs --full: shelfstack etl --full --prune/);
  });
});
