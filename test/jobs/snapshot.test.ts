import { copyFileSync, mkdirSync, readFileSync, truncateSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describeWithTool } from "../helpers/tools";
import { cli, scratch } from "./helpers/scratch";
import { runSnapshot, type SnapshotResult } from "../../runtimes/jobs/snapshot/snapshot";
import { SnapshotRepo } from "../../runtimes/jobs/snapshot/git";
import { KoreaderDb, pageRows } from "./helpers/koreader";
import { fingerprint, git, gitBuffer, repoState } from "./helpers/repo";

const SNAP = "palma/statistics.sqlite3";

function setup() {
  const root = scratch("shelfstack-snapshot-");
  const settings = join(root, "statistics", "palma");
  mkdirSync(settings, { recursive: true });
  const repo = join(root, "snapshots");
  const db = join(settings, "statistics.sqlite3");
  const lines: string[] = [];
  const snapshot = (now?: Date, sources = [{ name: "palma", dir: settings }]): Promise<SnapshotResult> => runSnapshot({ sources, repo, now, log: (l) => lines.push(l) });
  return { root, settings, repo, db, snapshot, lines };
}

/** A closed (fully checkpointed) database with `rows` page reads of one book. */
function closedDb(file: string, rows: number): void {
  const k = new KoreaderDb(file);
  const book = k.addBook("Middlemarch", "George Eliot", "md5-middlemarch");
  k.read(book, 1_700_000_000, rows);
  k.close();
}

const outcome = (r: SnapshotResult) => r.sources.map((s) => s.outcome);

describeWithTool("git", "apt-get install git", "statistics snapshot (real SQLite WAL, real git)", () => {
  test("rows still only in the -wal (writer open) reach the snapshot; the synced folder is never written", async () => {
    const { settings, repo, db, snapshot } = setup();
    const writer = new KoreaderDb(db, { autocheckpoint: false });
    const book = writer.addBook("Der Zauberberg", "Thomas Mann", "md5-zauberberg");
    writer.read(book, 1_700_000_000, 50);
    // The main file alone does not hold them yet: they are only in the -wal.
    const alone = join(scratch(), "alone.sqlite3");
    copyFileSync(db, alone);
    expect(() => pageRows(alone)).toThrow(/no such table/);
    expect(existsSync(`${db}-wal`)).toBe(true);
    const before = fingerprint(settings);

    const result = await snapshot();
    expect(outcome(result)).toEqual(["committed"]);
    expect(fingerprint(settings)).toBe(before);
    expect(pageRows(join(repo, SNAP))).toBe(50);
    // A single file in rollback mode: nothing is created beside it when the ETL opens it.
    const header = readFileSync(join(repo, SNAP)).subarray(18, 20);
    expect([...header]).toEqual([1, 1]);
    expect(git(repo, "log", "--format=%s")).toBe("statistics palma: 1 book, 50 min read");
    expect(git(repo, "status", "--porcelain")).toBe("");
    writer.close();
  });

  test("an unchanged source makes no commit — same bytes, and same content in other bytes; new reading does", async () => {
    const { db, repo, snapshot } = setup();
    const writer = new KoreaderDb(db, { autocheckpoint: false });
    const book = writer.addBook("Middlemarch", "George Eliot", "md5-middlemarch");
    writer.read(book, 1_700_000_000, 30);
    await snapshot();
    const first = git(repo, "rev-parse", "HEAD");

    expect(outcome(await snapshot())).toEqual(["unchanged"]);
    // Closing checkpoints the -wal into the main file: other bytes, same content.
    expect(existsSync(`${db}-wal`)).toBe(true);
    writer.close();
    expect(existsSync(`${db}-wal`)).toBe(false);
    expect(outcome(await snapshot())).toEqual(["unchanged"]);
    expect(git(repo, "rev-parse", "HEAD")).toBe(first);
    // A table made and dropped again: new bytes (schema cookie, free pages), same content.
    const scratch = new KoreaderDb(db);
    scratch.db.exec("CREATE TABLE scratch (x); INSERT INTO scratch VALUES (randomblob(50000)); DROP TABLE scratch;");
    scratch.close();
    expect(outcome(await snapshot())).toEqual(["unchanged"]);
    expect(git(repo, "rev-parse", "HEAD")).toBe(first);

    const again = new KoreaderDb(db);
    const other = again.addBook("Emma", "Jane Austen", "md5-emma");
    again.read(other, 1_700_100_000, 45);
    again.read(book, 1_700_200_000, 15, 60, 31);
    again.close();
    expect(outcome(await snapshot())).toEqual(["committed"]);
    expect(git(repo, "rev-list", "--count", "HEAD")).toBe("2");
    expect(git(repo, "log", "-1", "--format=%B")).toBe(
      ["statistics palma: 2 books (+1), 1 h 30 min read (+1 h)", "", "palma:", "+ Emma — Jane Austen: 45 min", "~ Middlemarch — George Eliot: +15 min"].join("\n"),
    );
    const totals = JSON.parse(readFileSync(join(repo, "palma/statistics.json"), "utf8"));
    expect([totals.books, totals.pageReads, totals.readSeconds]).toEqual([2, 90, 5400]);
  });

  describe("a damaged source fails loudly and never replaces the last good snapshot", () => {
    const damages: [string, (db: string) => void, RegExp][] = [
      ["truncated to half", (db) => truncateSync(db, Math.floor(readFileSync(db).length / 2)), /malformed|integrity_check|corrupt/i],
      ["overwritten with garbage", (db) => writeFileSync(db, randomBytes(readFileSync(db).length)), /not a database/i],
      ["emptied (0 bytes)", (db) => truncateSync(db, 0), /not KOReader's statistics database/],
      ["half-synced: a -wal that is not this database's", (db) => writeFileSync(`${db}-wal`, randomBytes(64 * 1024)), /-wal file .* holds no frame/],
    ];
    test.each(damages)("%s", async (_name, damage, reason) => {
      const { settings, db, repo, snapshot, lines } = setup();
      closedDb(db, 2000);
      expect(outcome(await snapshot())).toEqual(["committed"]);
      const good = repoState(repo, SNAP);

      damage(db);
      const damaged = fingerprint(settings);
      const result = await snapshot();
      expect(outcome(result)).toEqual(["failed"]);
      expect(result.sources[0].reason).toMatch(reason);
      expect(result.sources[0].reason).toMatch(/last good snapshot is kept/);
      expect(lines.at(-1)).toMatch(/^snapshot: FAILED palma: /);
      expect(repoState(repo, SNAP)).toBe(good);
      expect(pageRows(join(repo, SNAP))).toBe(2000);
      expect(fingerprint(settings)).toBe(damaged);
    });
  });

  test("the git history restores any night", async () => {
    const { db, repo, snapshot } = setup();
    const nights = [10, 25, 70];
    const k = new KoreaderDb(db);
    const book = k.addBook("Anna Karenina", "Leo Tolstoy", "md5-anna");
    let read = 0;
    for (const [i, rows] of nights.entries()) {
      k.read(book, 1_700_000_000 + read * 60, rows - read, 60, read + 1);
      read = rows;
      await snapshot(new Date(Date.UTC(2025, 0, 10 + i, 1, 0, 0)));
    }
    k.close();
    const commits = git(repo, "log", "--reverse", "--format=%H %cI").split("\n");
    expect(commits).toHaveLength(3);
    for (const [i, line] of commits.entries()) {
      const [commit, date] = line.split(" ");
      expect(date).toBe(`2025-01-${10 + i}T01:00:00+00:00`);
      const restored = join(scratch(), "restored.sqlite3");
      writeFileSync(restored, gitBuffer(repo, "show", `${commit}:${SNAP}`));
      expect(pageRows(restored)).toBe(nights[i]);
    }
    expect(git(repo, "fsck", "--strict")).toBe("");

    // Packed (as the job does once loose objects pass its limit), every night still restores.
    expect(SnapshotRepo.open(repo).packWhenLarge(1)).toBe(true);
    expect(git(repo, "count-objects", "-v")).toMatch(/^count: 0$/m);
    const [oldest] = git(repo, "rev-list", "--reverse", "HEAD").split("\n");
    const restored = join(scratch(), "restored.sqlite3");
    writeFileSync(restored, gitBuffer(repo, "show", `${oldest}:${SNAP}`));
    expect(pageRows(restored)).toBe(nights[0]);
  });

  test("two readers: a damaged one keeps its last snapshot, the other is still committed", async () => {
    const { root, repo, settings, snapshot } = setup();
    const boox = join(root, "statistics", "boox");
    mkdirSync(boox);
    closedDb(join(settings, "statistics.sqlite3"), 10);
    closedDb(join(boox, "statistics.sqlite3"), 20);
    const sources = [
      { name: "boox", dir: boox },
      { name: "palma", dir: settings },
    ];
    expect(outcome(await snapshot(undefined, sources))).toEqual(["committed", "committed"]);
    writeFileSync(join(boox, "statistics.sqlite3"), randomBytes(8192));
    const k = new KoreaderDb(join(settings, "statistics.sqlite3"));
    k.read(1, 1_800_000_000, 5);
    k.close();
    expect(outcome(await snapshot(undefined, sources))).toEqual(["failed", "committed"]);
    expect(git(repo, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual(["palma/statistics.json", "palma/statistics.sqlite3"]);
    expect(pageRows(join(repo, "boox/statistics.sqlite3"))).toBe(20);
    expect(pageRows(join(repo, SNAP))).toBe(15);
  });

  test("no database yet is not a failure; a database that disappears after a snapshot is", async () => {
    const { db, repo, snapshot } = setup();
    expect(outcome(await snapshot())).toEqual(["nothing yet"]);
    expect(existsSync(join(repo, ".git"))).toBe(true);
    closedDb(db, 5);
    await snapshot();
    rmSync(db);
    const result = await snapshot();
    expect(result.sources[0].reason).toMatch(/statistics.sqlite3 is gone from/);
    expect(pageRows(join(repo, SNAP))).toBe(5);
  });

  test("a working tree behind the branch (run killed after the commit) is brought back in line", async () => {
    const { db, repo, snapshot } = setup();
    closedDb(db, 12);
    await snapshot();
    writeFileSync(join(repo, SNAP), "half a file");
    rmSync(join(repo, "palma/statistics.json"));
    expect(outcome(await snapshot())).toEqual(["unchanged"]);
    expect(pageRows(join(repo, SNAP))).toBe(12);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  test("refuses a snapshot folder that holds other files", async () => {
    const { repo, snapshot } = setup();
    mkdirSync(repo);
    writeFileSync(join(repo, "notes.txt"), "mine");
    await expect(snapshot()).rejects.toThrow(/holds files but is not a git repository/);
  });

  test("CLI: exit 0 and a line per reader; exit 1 with a one-line reason on a damaged database", () => {
    const { settings, repo, db } = setup();
    closedDb(db, 3);
    const ok = cli(["snapshot", "--from", settings, "--repo", repo]);
    expect([ok.status, ok.stdout]).toEqual([0, "palma: committed (1 book, 3 min read)\n"]);
    writeFileSync(db, randomBytes(4096));
    const bad = cli(["snapshot", "--from", settings, "--repo", repo]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split("\n").at(-1)).toMatch(/^shelfstack snapshot: palma: file is not a database — the last good snapshot is kept$/);
  });
});
