import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { loadStack } from "../../config/load";
import { runSnapshot } from "../../runtimes/jobs/snapshot/snapshot";
import { describeWithTool } from "../helpers/tools";
import { KoreaderDb, pageRows } from "../jobs/helpers/koreader";
import { cli, scratch } from "../jobs/helpers/scratch";
import { writeStack } from "../jobs/helpers/stack";

function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check;
  } finally {
    db.close();
  }
}

describeWithTool("git", "apt-get install git", "snapshot restore: a reader's statistics from the git history", () => {
  test("--at picks the snapshot of that night, --to gets a database that passes integrity_check; never into a Syncthing folder", async () => {
    const root = scratch("shelfstack-snaprestore-");
    const stack = writeStack(root);
    const config = loadStack(stack);
    const settings = join(root, "palma-settings");
    mkdirSync(settings);
    const kodb = new KoreaderDb(join(settings, "statistics.sqlite3"));
    const book = kodb.addBook("Middlemarch", "George Eliot", "md5-middlemarch");
    const repo = config.server.paths.snapshots;
    const night = (day: number) => new Date(`2025-03-0${day}T01:00:00Z`);
    const snapshot = (day: number) => runSnapshot({ sources: [{ name: "palma", dir: settings }], repo, now: night(day), log: () => {} });
    kodb.read(book, 1_740_000_000, 10);
    kodb.close();
    await snapshot(1);
    const k2 = new KoreaderDb(join(settings, "statistics.sqlite3"));
    k2.read(book, 1_740_100_000, 25, 60, 11);
    k2.close();
    await snapshot(2);

    const first = join(root, "restored-night-1");
    const run = cli(["snapshot", "restore", "--reader", "palma", "--at", "2025-03-01", "--to", first, "-c", stack]);
    expect(run.stderr).not.toMatch(/shelfstack snapshot restore:/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/statistics\.sqlite3: palma's statistics as of 2025-03-01T01:00:00\.000Z .*integrity_check ok/);
    expect(integrity(join(first, "statistics.sqlite3"))).toBe("ok");
    expect(pageRows(join(first, "statistics.sqlite3"))).toBe(10);

    const latest = join(root, "restored-latest");
    expect(cli(["snapshot", "restore", "--reader", "palma", "--to", latest, "-c", stack]).status).toBe(0);
    expect(pageRows(join(latest, "statistics.sqlite3"))).toBe(35);
    expect(readFileSync(join(latest, "statistics.sqlite3")).equals(readFileSync(join(repo, "palma/statistics.sqlite3")))).toBe(true);

    const before = cli(["snapshot", "restore", "--reader", "palma", "--at", "2025-02-01", "--to", join(root, "x"), "-c", stack]);
    expect(before.status).toBe(1);
    expect(before.stderr).toMatch(/no snapshot of palma\/statistics\.sqlite3 at or before 2025-02-01T23:59:59\.000Z \(readers in the repository: palma\)/);
    const unknown = cli(["snapshot", "restore", "--reader", "boox", "--to", join(root, "y"), "-c", stack]);
    expect(unknown.stderr).toMatch(/no snapshot of boox\/statistics\.sqlite3/);

    // Into the folder Syncthing receives the reader's settings in: refused, nothing written.
    const live = join(config.server.paths.statistics, "palma");
    const refused = cli(["snapshot", "restore", "--reader", "palma", "--to", live, "-c", stack]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/overlaps the live statistics folder/);
    const notEmpty = join(root, "not-empty");
    mkdirSync(notEmpty);
    writeFileSync(join(notEmpty, "statistics.sqlite3"), "keep me");
    expect(cli(["snapshot", "restore", "--reader", "palma", "--to", notEmpty, "-c", stack]).stderr).toMatch(/is not empty/);
    expect(readFileSync(join(notEmpty, "statistics.sqlite3"), "utf8")).toBe("keep me");
  });
});
