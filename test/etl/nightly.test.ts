import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { koreaderFixture } from "./helpers/suite";
import { writeStack } from "./helpers/stack";
import { withDb } from "./helpers/targets";

function shelfstack(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The night as the jobs container lives it, with nothing configured for the ETL: the rendered
 * crontab's snapshot job, then its etl job — run by the scheduler's own `--run` — into the
 * embedded database under <appdata>/jobs, which the jobs container mounts, and the reading
 * report beside it.
 */
describeWithTool("git", "apt-get install git", "the nightly ETL through the jobs runtime", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "shelfstack-etl-nightly-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("crontab line, snapshot, then etl: sessions in the embedded database, a success in the job's status", async () => {
    const data = join(root, "data");
    const stack = writeStack(root, data);
    const out = join(root, "out");
    const synth = shelfstack(["synth", "-c", stack, "-o", out], root);
    expect(synth.stderr).not.toMatch(/error/i);
    expect(synth.code).toBe(0);
    const crontab = readFileSync(join(out, "cron", "crontab"), "utf8");
    const reportDir = join(data, "appdata", "jobs", "report");
    expect(crontab).toContain("\n30 3 * * * shelfstack etl --report\n");

    // The reader's statistics, as Syncthing delivers them (still in WAL mode, rows in the -wal).
    const settings = join(data, "statistics", "palma");
    mkdirSync(settings, { recursive: true });
    const { db: kodb } = koreaderFixture(join(settings, "statistics.sqlite3"));
    try {
      const jobs = ["jobs", "-c", join(out, "jobs", "stack.yaml"), "--crontab", join(out, "cron", "crontab")];
      const snapshot = shelfstack([...jobs, "--run", "snapshot"], root);
      expect(snapshot.code).toBe(0);
      expect(existsSync(join(data, "statistics-snapshots", "palma", "statistics.sqlite3"))).toBe(true);

      const etl = shelfstack([...jobs, "--run", "etl"], root);
      expect(etl.stderr + etl.stdout).toMatch(/koreader\/palma: .*3 of 3 books read — sessions 5 new/);
      expect(etl.code).toBe(0);
      const status = JSON.parse(readFileSync(join(data, "appdata", "jobs", "status", "etl.json"), "utf8"));
      expect(status.lastSuccess).toBeTruthy();
      expect(status.lastError ?? null).toBeNull();

      const sessions = await withDb({ kind: "pglite", dir: join(data, "appdata", "jobs", "etl") }, (db) =>
        db.query<{ n: number; seconds: number }>("SELECT count(*)::int AS n, sum(duration_seconds)::int AS seconds FROM shelfstack.reading_sessions"),
      );
      expect(sessions).toEqual([{ n: 5, seconds: 230 + 40 + 120 + 60 + 100 }]);
      // Then the reading report, in the folder the Tailscale sidecar serves at /report/.
      expect(etl.stderr + etl.stdout).toMatch(/report: .*jobs\/report\/index\.html — \d+ pages/);
      const index = readFileSync(join(reportDir, "index.html"), "utf8");
      expect(index).toMatch(/id="total-time" data-seconds="550"/);
      expect(index).toMatch(/id="total-sessions" data-count="5"/);
    } finally {
      kodb.close();
    }
  });
});
