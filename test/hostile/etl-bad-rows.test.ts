import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatReport } from "../../runtimes/jobs/etl/report";
import { runEtl, type EtlOptions } from "../../runtimes/jobs/etl/run";
import { describeWithTool } from "../helpers/tools";
import { KoreaderDb, reading } from "../etl/helpers/koreader";
import { sessions, T0 } from "../etl/helpers/suite";
import { pgliteTarget, postgresTarget, type Target } from "../etl/helpers/targets";

/**
 * A KOReader file with rows no warehouse column can hold, beside good ones. SQLite keeps whatever
 * a row is given (its columns are only affinities): text, reals, numbers past any date.
 */
function hostileStatistics(path: string): void {
  const k = new KoreaderDb(path);
  const good = k.addBook("Good Book", "A. Writer", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  const bad = k.addBook("Bad Row Book", "B. Writer", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  k.addRows(reading(good, T0, 5, 60));
  k.addRows([
    ...reading(bad, T0 + 10_000, 3, 60),
    // Out of integer range (duration_seconds is an integer column).
    { book: bad, page: 10, start: T0 + 20_000, duration: 3_000_000_000 },
    // A start past year 9999: no timestamptz, no Date.
    { book: bad, page: 11, start: 1e15, duration: 30 },
    { book: bad, page: 12, start: T0 + 30_000, duration: -5 },
    { book: bad, page: 13, start: T0 + 40_000, duration: 1.5e300 },
  ]);
  k.db.prepare("INSERT INTO page_stat_data VALUES(?, ?, ?, ?, 300)").run(bad, 14, T0 + 50_000, "abc");
  k.db.prepare("INSERT INTO page_stat_data VALUES(?, ?, ?, ?, 300)").run(bad, 15, "soon", 60);
  k.db.prepare("INSERT INTO page_stat_data VALUES(?, ?, ?, ?, 300)").run(bad, 16, T0 + 60_000.5, 60);
  k.db.pragma("wal_checkpoint(TRUNCATE)");
  k.close();
}

function badRowSuite(makeTarget: () => Target): void {
  const target = makeTarget();
  let dir: string;
  beforeAll(() => target.setup());
  afterAll(() => target.teardown());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "shelfstack-etl-bad-"));
  });
  afterEach(async () => {
    await target.release();
    rmSync(dir, { recursive: true, force: true });
  });

  test("rows the warehouse cannot hold are skipped with a warning naming the book and the value; the rest loads, every run", async () => {
    const stats = join(dir, "statistics.sqlite3");
    hostileStatistics(stats);
    const database = await target.fresh();
    const options: EtlOptions = { database, koreader: [{ device: "palma", path: stats }], gapSeconds: 300, timeZone: "UTC", full: false };

    const first = await runEtl(options, await target.connect(database));
    const lines = formatReport(first).join("\n");
    for (const value of ["3000000000", "1000000000000000", "-5", "1.5e+300", '"abc"', '"soon"', "1700064600.5"]) {
      expect(lines).toContain(value);
    }
    expect(lines).toMatch(/koreader\/palma: skipped a page row of "Bad Row Book" \(page 10\): duration 3000000000/);
    expect(first.koreader[0].skipped).toBe(7);

    const rows = await sessions(database, target);
    // Good Book: one session of 5 pages; Bad Row Book: its three good rows, nothing of the bad ones.
    expect(rows.map((r) => [r.source_key, r.duration_seconds, r.pages_read])).toEqual([
      ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 300, 5],
      ["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 180, 3],
    ]);

    // The next night: nothing new, no crash, no warning again.
    const second = await runEtl(options, await target.connect(database));
    expect(second.changed).toBe(false);
    expect(formatReport(second).join("\n")).not.toMatch(/skipped a page row/);

    // Rows appended later, a bad one among them: the incremental run warns and loads the good ones.
    const k = new KoreaderDb(stats);
    k.addRows([...reading(1, T0 + 300, 2, 60, 6), { book: 1, page: 8, start: T0 + 420, duration: 99_999_999 }]);
    k.db.pragma("wal_checkpoint(TRUNCATE)");
    k.close();
    const third = await runEtl(options, await target.connect(database));
    expect(formatReport(third).join("\n")).toMatch(/skipped a page row of "Good Book" \(page 8\): duration 99999999 is out of range/);
    expect(third.koreader[0].skipped).toBe(1);
    const grown = await sessions(database, target);
    expect(grown.map((r) => [r.source_key, r.duration_seconds, r.pages_read])).toEqual([
      ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 420, 7],
      ["bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 180, 3],
    ]);
    expect((await runEtl(options, await target.connect(database))).changed).toBe(false);

    // A full rebuild skips the same rows again and keeps the same sessions.
    const full = await runEtl({ ...options, full: true }, await target.connect(database));
    expect(full.koreader[0].skipped).toBe(8);
    expect(await sessions(database, target)).toEqual(grown);
  });
}

describeWithTool("initdb", "PostgreSQL 15 server binaries: initdb, pg_ctl, postgres on PATH", "KOReader rows the warehouse cannot hold: PostgreSQL 15", () => {
  badRowSuite(postgresTarget);
});

describe("KOReader rows the warehouse cannot hold: embedded PGlite", () => {
  badRowSuite(() => pgliteTarget({ keepOpen: true }));
});
