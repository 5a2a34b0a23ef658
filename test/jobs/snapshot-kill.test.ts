import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeWithTool } from "../helpers/tools";
import { CLI } from "../helpers/cli";
import { scratch } from "./helpers/scratch";
import { KoreaderDb, pageRows } from "./helpers/koreader";
import { git } from "./helpers/repo";

const SNAP = "palma/statistics.sqlite3";

/** Runs the built CLI's snapshot and SIGKILLs it after `ms` (or lets it finish when ms is undefined). */
function snapshotKilledAfter(settings: string, repo: string, ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; elapsed: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, "snapshot", "--from", settings, "--repo", repo], { stdio: "ignore" });
  const timer = ms === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), ms);
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, elapsed: Date.now() - started });
    }),
  );
}

describeWithTool("git", "apt-get install git", "statistics snapshot killed at any moment", () => {
  test("the branch holds the old or the new snapshot, never a broken one, and a rerun finishes the job", async () => {
    const root = scratch("shelfstack-snapshot-kill-");
    const settings = join(root, "settings", "palma");
    mkdirSync(settings, { recursive: true });
    const base = join(root, "base");
    const k = new KoreaderDb(join(settings, "statistics.sqlite3"));
    const book = k.addBook("War and Peace", "Leo Tolstoy", "md5-war");
    k.read(book, 1_600_000_000, 100_000, 30);
    k.close();
    expect((await snapshotKilledAfter(settings, base)).code).toBe(0);
    const baseHead = git(base, "rev-parse", "HEAD");
    const more = new KoreaderDb(join(settings, "statistics.sqlite3"));
    more.read(book, 1_700_000_000, 20_000, 30);
    more.close();

    // How long an undisturbed run takes, then kills spread over it and well beyond (a busy
    // machine can make later runs slower than the probe).
    const probe = join(root, "probe");
    cpSync(base, probe, { recursive: true });
    const full = (await snapshotKilledAfter(settings, probe)).elapsed;
    const outcomes = new Set<string>();
    for (let i = 1; i <= 12; i++) {
      const repo = join(root, `kill-${i}`);
      cpSync(base, repo, { recursive: true });
      const run = await snapshotKilledAfter(settings, repo, Math.round((full * i) / 6));
      const head = git(repo, "rev-parse", "HEAD");
      expect(spawnSync("git", ["-C", repo, "fsck", "--no-dangling"], { env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } }).status).toBe(0);
      const committed = pageRows(restore(repo, head));
      expect([100_000, 120_000]).toContain(committed);
      expect(head === baseHead).toBe(committed === 100_000);
      // The working tree file is whole at every moment: the old snapshot or the new one.
      expect([100_000, 120_000]).toContain(pageRows(join(repo, SNAP)));
      outcomes.add(run.signal ? `killed, branch ${head === baseHead ? "old" : "new"}` : "finished");

      expect((await snapshotKilledAfter(settings, repo)).code).toBe(0);
      expect(git(repo, "rev-list", "--count", "HEAD")).toBe("2");
      expect(pageRows(join(repo, SNAP))).toBe(120_000);
      expect(git(repo, "status", "--porcelain")).toBe("");
    }
    // The kills did land both before and after the commit.
    expect(outcomes.has("killed, branch old")).toBe(true);
    expect(outcomes.size).toBeGreaterThan(1);
  });
});

/** The branch's snapshot, written out of git into a scratch file. */
function restore(repo: string, commit: string): string {
  const file = join(scratch(), "restored.sqlite3");
  const out = spawnSync("git", ["-C", repo, "show", `${commit}:${SNAP}`], { maxBuffer: 1 << 30 });
  writeFileSync(file, out.stdout);
  return file;
}
