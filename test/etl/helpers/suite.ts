import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { Database, DatabaseTarget } from "../../../runtimes/jobs/etl/db/database";
import { readMigrations } from "../../../runtimes/jobs/etl/migrate";
import { migrate } from "../../../runtimes/jobs/etl/migrate";
import { runEtl, type EtlOptions, type EtlReport } from "../../../runtimes/jobs/etl/run";
import { formatReport } from "../../../runtimes/jobs/etl/report";
import { StatisticsFileError } from "../../../runtimes/jobs/etl/koreader/statistics-file";
import { generateStatistics } from "./generate";
import { KoreaderDb, reading, type PageRow } from "./koreader";
import { absSession, hardcoverUserBook } from "./remote-data";
import { absStandIn, hardcoverStandIn, type StandIn } from "./stand-ins";
import { dump, withDb, type Target } from "./targets";

/** 2023-11-14 23:30:00 UTC = 2023-11-15 00:30 in Berlin: the day a session counts on depends on the zone. */
export const T0 = 1_700_004_600;
const MD5 = { war: "1f0c2b7e0c7d4a5b9e8f7a6b5c4d3e2f", dune: "2a9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b" };

/** The reader's statistics: unicode titles, multi-line authors, rows with gaps at the boundary. */
export function koreaderFixture(path: string): { db: KoreaderDb; war: number; dune: number; prince: number } {
  const db = new KoreaderDb(path);
  const war = db.addBook("Война и мир", "Лев Толстой", MD5.war, 1300);
  const dune = db.addBook("Dune (Dune Chronicles, #1)", "Frank Herbert\nBrian Herbert", MD5.dune, 600);
  const prince = db.addBook("Le Petit Prince — 小王子", "Antoine de Saint-Exupéry", null, 90);
  const rows: PageRow[] = [
    // War and Peace, session 1: three pages back to back, then page 4 exactly 300 s after page 3 ended.
    ...reading(war, T0, 3, 60),
    { book: war, page: 4, start: T0 + 480, duration: 50 },
    // Session 2: page 5 starts 301 s after page 4 ended (T0+530): a new session.
    { book: war, page: 5, start: T0 + 831, duration: 40 },
    // Session 3, the next day.
    ...reading(war, T0 + 86_400, 2, 60, 6),
    // Dune, read in between War and Peace's sessions 1 and 2: its own timeline.
    { book: dune, page: 10, start: T0 + 600, duration: 30 },
    { book: dune, page: 11, start: T0 + 630, duration: 30 },
    // A row without duration: no reading time, and it does not stretch the session.
    { book: dune, page: 12, start: T0 + 700, duration: 0 },
    { book: prince, page: 1, start: T0 + 200_000, duration: 100 },
  ];
  db.addRows(rows);
  return { db, war, dune, prince };
}

/** The sessions koreaderFixture's rows give, worked out by hand: [id suffix, start, end, seconds, pages]. */
export const EXPECTED_SESSIONS = [
  [`${MD5.war}:${T0}`, T0, T0 + 530, 230, 4],
  [`${MD5.war}:${T0 + 831}`, T0 + 831, T0 + 871, 40, 1],
  [`${MD5.war}:${T0 + 86_400}`, T0 + 86_400, T0 + 86_520, 120, 2],
  [`${MD5.dune}:${T0 + 600}`, T0 + 600, T0 + 660, 60, 2],
] as const;

interface SessionRow {
  id: string;
  book_id: string;
  source: string;
  source_key: string;
  device: string | null;
  start_s: number;
  end_s: number;
  duration_seconds: number;
  pages_read: number | null;
}

/** reading_sessions has no foreign keys (see 001_schema.sql): every read of it checks them here. */
export async function sessions(target: DatabaseTarget, kind?: Target): Promise<SessionRow[]> {
  return withDb(
    target,
    async (db) => {
      const orphans = await db.query(
        `SELECT s.id FROM shelfstack.reading_sessions s
       LEFT JOIN shelfstack.book_sources bs ON bs.source = s.source AND bs.source_key = s.source_key AND bs.book_id = s.book_id
       JOIN shelfstack.books b ON b.id = s.book_id
       WHERE bs.source IS NULL
       UNION ALL SELECT s.id FROM shelfstack.reading_sessions s WHERE NOT EXISTS (SELECT 1 FROM shelfstack.books b WHERE b.id = s.book_id)`,
      );
      expect(orphans).toEqual([]);
      return db.query<SessionRow>(
        `SELECT id, book_id, source, source_key, device, extract(epoch FROM start_time)::float8 AS start_s, extract(epoch FROM end_time)::float8 AS end_s,
              duration_seconds, pages_read FROM shelfstack.reading_sessions ORDER BY id`,
      );
    },
    kind,
  );
}

const quiet = { backoffMs: 5 } as const;

export function etlSuite(makeTarget: () => Target): void {
  const target = makeTarget();
  let dir: string;
  const servers: StandIn[] = [];

  beforeAll(() => target.setup());
  afterAll(() => target.teardown());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "shelfstack-etl-"));
  });
  afterEach(async () => {
    await target.release();
    for (const s of servers.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (o: EtlOptions): Promise<EtlReport> => runEtl(o, await target.connect(o.database));
  const use = <T>(database: DatabaseTarget, fn: (db: Database) => Promise<T>): Promise<T> => withDb(database, fn, target);

  const options = (database: DatabaseTarget, stats: string, more: Partial<EtlOptions> = {}): EtlOptions => ({
    database,
    koreader: [{ device: "palma", path: stats }],
    gapSeconds: 300,
    timeZone: "Europe/Berlin",
    full: false,
    http: quiet,
    ...more,
  });

  test("migrations apply from zero, then are no-ops", async () => {
    const database = await target.fresh();
    await use(database, async (db) => {
      expect(await migrate(db)).toEqual(readMigrations().map((m) => m.name));
      const before = await db.query("SELECT version, name, sha256, applied_at FROM shelfstack.schema_migrations ORDER BY version");
      const tables = await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'shelfstack' ORDER BY 1");
      expect(await migrate(db)).toEqual([]);
      expect(await db.query("SELECT version, name, sha256, applied_at FROM shelfstack.schema_migrations ORDER BY version")).toEqual(before);
      expect(await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'shelfstack' ORDER BY 1")).toEqual(tables);
      expect(tables.map((t) => (t as { table_name: string }).table_name)).toEqual(
        expect.arrayContaining(["books", "reading_sessions", "hardcover_reads", "reading_time_per_day", "reading_time_per_book"]),
      );
      // An applied migration edited afterwards is refused, not silently skipped.
      const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, sha256: "0".repeat(64) } : m));
      await expect(migrate(db, edited)).rejects.toThrow(/001_schema\.sql changed after it was applied/);
    });
  });

  test("KOReader's page rows become the hand-computed sessions; a second run changes nothing", async () => {
    const database = await target.fresh();
    const stats = join(dir, "statistics.sqlite3");
    const { db: kodb } = koreaderFixture(stats); // left open: the rows are still in the -wal
    try {
      const first = await run(options(database, stats));
      expect(first.koreader[0]).toMatchObject({ unchanged: false, books: 3, booksRead: 3, sessions: { inserted: 5, updated: 0, deleted: 0 } });
      const rows = await sessions(database, target);
      const ko = rows.filter((r) => !r.source_key.startsWith("nomd5-"));
      expect(ko.map((r) => [r.id.replace("koreader:palma:", ""), r.start_s, r.end_s, r.duration_seconds, r.pages_read])).toEqual(
        [...EXPECTED_SESSIONS].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
      expect(rows).toHaveLength(5);
      expect(rows.every((r) => r.device === "palma" && r.source === "koreader")).toBe(true);

      await use(database, async (db) => {
        const books = await db.query<{ title: string; author: string; format: string; koreader_md5: string }>(
          "SELECT title, author, format, koreader_md5 FROM shelfstack.books ORDER BY title",
        );
        expect(books).toEqual([
          { title: "Dune (Dune Chronicles, #1)", author: "Frank Herbert, Brian Herbert", format: "ebook", koreader_md5: MD5.dune },
          { title: "Le Petit Prince — 小王子", author: "Antoine de Saint-Exupéry", format: "ebook", koreader_md5: expect.stringMatching(/^nomd5-/) },
          { title: "Война и мир", author: "Лев Толстой", format: "ebook", koreader_md5: MD5.war },
        ]);
        // Days in server.timezone (Berlin): T0 is already the 15th there.
        expect(await db.query("SELECT day::text AS day, sessions, seconds::int AS seconds, pages::int AS pages FROM shelfstack.reading_time_per_day")).toEqual([
          { day: "2023-11-15", sessions: 3, seconds: 330, pages: 7 },
          { day: "2023-11-16", sessions: 1, seconds: 120, pages: 2 },
          { day: "2023-11-17", sessions: 1, seconds: 100, pages: 1 },
        ]);
        const perBook = await db.query<{ title: string; seconds: number; sessions: number }>(
          "SELECT title, seconds::int AS seconds, sessions FROM shelfstack.reading_time_per_book ORDER BY title",
        );
        // Totals equal KOReader's own: sum(duration) of page_stat_data per book.
        const own = kodb.db.prepare("SELECT b.title, sum(p.duration) AS s FROM page_stat_data p JOIN book b ON b.id = p.id_book GROUP BY b.title ORDER BY b.title").all() as {
          title: string;
          s: number;
        }[];
        expect(perBook.map((b) => [b.title, b.seconds])).toEqual(own.map((o) => [o.title, o.s]));
      });

      const before = await use(database, dump);
      const second = await run(options(database, stats));
      expect(second.changed).toBe(false);
      expect(second.koreader[0].unchanged).toBe(true);
      expect(await use(database, dump)).toEqual(before);
    } finally {
      kodb.close();
    }
  });

  test("new page rows add only the new sessions (and grow the one still open)", async () => {
    const database = await target.fresh();
    const stats = join(dir, "statistics.sqlite3");
    const { db: kodb, war } = koreaderFixture(stats);
    try {
      await run(options(database, stats));
      const before = await sessions(database, target);
      // Page 8, 100 s after session 3 ended: session 3 grows. Page 9, an hour later: a new session.
      kodb.addRows([
        { book: war, page: 8, start: T0 + 86_620, duration: 60 },
        { book: war, page: 9, start: T0 + 90_000, duration: 60 },
      ]);
      const report = await run(options(database, stats));
      expect(report.koreader[0]).toMatchObject({ unchanged: false, booksRead: 1, sessions: { inserted: 1, updated: 1, deleted: 0 } });
      const after = await sessions(database, target);
      const grown = `koreader:palma:${MD5.war}:${T0 + 86_400}`;
      expect(after.filter((r) => r.id !== grown && r.id !== `koreader:palma:${MD5.war}:${T0 + 90_000}`)).toEqual(before.filter((r) => r.id !== grown));
      expect(after.find((r) => r.id === grown)).toMatchObject({ start_s: T0 + 86_400, end_s: T0 + 86_680, duration_seconds: 180, pages_read: 3 });
      expect(after.find((r) => r.id === `koreader:palma:${MD5.war}:${T0 + 90_000}`)).toMatchObject({ end_s: T0 + 90_060, duration_seconds: 60 });

      // Rows inserted in the past (another device's stats merged in) recompute that book only.
      kodb.addRows([{ book: war, page: 2, start: T0 + 300, duration: 20 }]);
      const merged = await run(options(database, stats));
      expect(merged.koreader[0]).toMatchObject({ booksRead: 1, sessions: { inserted: 0, updated: 1, deleted: 0 } });

      // A full rebuild of the same data equals what the incremental runs built.
      const incremental = await use(database, dump);
      const fresh = await target.fresh();
      await run(options(fresh, stats));
      const clean = await use(fresh, dump);
      expect({ ...clean, etl_runs: "" }).toEqual({ ...incremental, etl_runs: "" });
      expect((await run(options(database, stats, { full: true }))).changed).toBe(true);
      expect({ ...(await use(database, dump)), etl_runs: "" }).toEqual({ ...clean, etl_runs: "" });
    } finally {
      kodb.close();
    }
  });

  test("a different session gap recomputes every session; --full keeps a book removed from the file (marked), --full --prune removes it", async () => {
    const database = await target.fresh();
    const stats = join(dir, "statistics.sqlite3");
    const { db: kodb, prince } = koreaderFixture(stats);
    try {
      await run(options(database, stats));
      await run(options(database, stats, { gapSeconds: 301 }));
      const rows = await sessions(database, target);
      // With 301 s, War and Peace's sessions 1 and 2 are one.
      expect(rows.find((r) => r.id === `koreader:palma:${MD5.war}:${T0}`)).toMatchObject({ end_s: T0 + 871, duration_seconds: 270, pages_read: 5 });
      expect(rows.some((r) => r.id === `koreader:palma:${MD5.war}:${T0 + 831}`)).toBe(false);

      // KOReader's "reset statistics" of a book deletes its rows and the book.
      kodb.db.prepare("DELETE FROM page_stat_data WHERE id_book = ?").run(prince);
      kodb.db.prepare("DELETE FROM book WHERE id = ?").run(prince);
      const incremental = await run(options(database, stats, { gapSeconds: 301 }));
      expect(incremental.sessions).toMatchObject({ total: rows.length, missing: 1 }); // kept, marked
      expect(incremental.koreader[0].missing).toBe(1);
      // --full keeps what the file forgot, marked; only --prune removes it, and says so.
      const full = await run(options(database, stats, { gapSeconds: 301, full: true }));
      expect(full.sessions.changes.deleted).toBe(0);
      expect(full.koreader[0].missing).toBe(0); // marked already
      expect(full.sessions).toMatchObject({ total: rows.length, missing: 1 });
      expect(full.books.changes.deleted).toBe(0);
      expect(formatReport(full)).toContain(`kept: 1 sessions no longer in their source, still counted (\`shelfstack etl --full --prune\` removes them)`);
      const pruned = await run(options(database, stats, { gapSeconds: 301, full: true, prune: true }));
      expect(pruned.pruned).toEqual([{ source: "koreader", device: "palma", sessions: 1, books: 1, seconds: 100, firstMs: (T0 + 200_000) * 1000, lastMs: (T0 + 200_000) * 1000 }]);
      expect(formatReport(pruned)).toContain("pruned koreader/palma: 1 session of 1 book no longer in the source (2 min, started 2023-11-17)");
      expect(pruned.sessions.changes.deleted).toBe(1);
      expect(pruned.books.changes.deleted).toBe(1);
      expect(pruned.books.total).toBe(2);
      expect(pruned.sessions).toMatchObject({ total: rows.length - 1, missing: 0 });
      await sessions(database, target); // no session left without its book
    } finally {
      kodb.close();
    }
  });

  test("a device whose statistics go backwards (restored, then reset) loses no session; it comes back unmarked", async () => {
    const database = await target.fresh();
    const stats = join(dir, "statistics.sqlite3");
    const { db: kodb, war, dune } = koreaderFixture(stats);
    try {
      await run(options(database, stats));
      kodb.db.pragma("wal_checkpoint(TRUNCATE)");
      const older = join(dir, "older.sqlite3");
      copyFileSync(stats, older);
      // Two more evenings of reading, then the phone is restored from the older backup.
      kodb.addRows([...reading(war, T0 + 3 * 86_400, 5, 60, 8), ...reading(dune, T0 + 4 * 86_400, 4, 45, 13)]);
      await run(options(database, stats));
      const everything = await sessions(database, target);
      expect(everything).toHaveLength(7);

      const restored = await run(options(database, older));
      expect(restored.koreader[0].missing).toBe(2);
      expect(restored.sessions).toMatchObject({ total: 7, missing: 2, changes: { inserted: 0, updated: 0, deleted: 0 } });
      expect(formatReport(restored).join("\n")).toMatch(/sessions 0 new; 2 no longer in the file, kept/);
      expect(await sessions(database, target)).toEqual(everything);

      // A reset KOReader: a new, empty statistics database; the same books read again later.
      const reset = join(dir, "reset.sqlite3");
      const fresh = new KoreaderDb(reset);
      const war2 = fresh.addBook("Война и мир", "Лев Толстой", MD5.war, 1300);
      fresh.addRows(reading(war2, T0 + 10 * 86_400, 3, 60, 1));
      fresh.db.pragma("wal_checkpoint(TRUNCATE)");
      fresh.close();
      const afterReset = await run(options(database, reset));
      expect(afterReset.sessions).toMatchObject({ total: 8, changes: { inserted: 1, deleted: 0 } });
      const kept = await sessions(database, target);
      expect(kept.filter((r) => r.id !== `koreader:palma:${MD5.war}:${T0 + 10 * 86_400}`)).toEqual(everything);
      await use(database, async (db) => {
        // Every session still counts: the day totals hold the forgotten evenings too.
        const [{ seconds }] = await db.query<{ seconds: number }>("SELECT sum(seconds)::int AS seconds FROM shelfstack.reading_time_per_day");
        expect(seconds).toBe(everything.reduce((n, r) => n + r.duration_seconds, 0) + 180);
      });

      // The newer file again: its sessions are in the source once more, marks gone.
      const back = await run(options(database, stats));
      await use(database, async (db) => {
        const marked = await db.query<{ id: string }>("SELECT id FROM shelfstack.reading_sessions WHERE missing_since IS NOT NULL ORDER BY id");
        // Only the reset file's own session is missing now.
        expect(marked.map((m) => m.id)).toEqual([`koreader:palma:${MD5.war}:${T0 + 10 * 86_400}`]);
      });
      expect(back.sessions.total).toBe(8);
    } finally {
      kodb.close();
    }
  });

  test("pages_read is KOReader's distinct pages per book; pages_turned adds each session's", async () => {
    const database = await target.fresh();
    const stats = join(dir, "statistics.sqlite3");
    const { db: kodb, war } = koreaderFixture(stats);
    try {
      // Pages 1–3 read again the next week: turned twice, read once.
      kodb.addRows(reading(war, T0 + 7 * 86_400, 3, 60, 1));
      await run(options(database, stats));
      const own = kodb.db
        .prepare(
          "SELECT b.title, count(DISTINCT p.page) AS pages, b.pages AS total FROM page_stat_data p JOIN book b ON b.id = p.id_book WHERE p.duration > 0 GROUP BY b.id ORDER BY b.title",
        )
        .all() as { title: string; pages: number; total: number }[];
      await use(database, async (db) => {
        const view = await db.query<{ title: string; pages_read: number; pages_turned: number; total_pages: number }>(
          "SELECT title, pages_read::int AS pages_read, pages_turned::int AS pages_turned, total_pages FROM shelfstack.reading_time_per_book ORDER BY title",
        );
        expect(view.map((v) => ({ title: v.title, pages: v.pages_read, total: v.total_pages }))).toEqual(own);
        expect(view.find((v) => v.title === "Война и мир")).toMatchObject({ pages_read: 7, pages_turned: 10 });
      });
    } finally {
      kodb.close();
    }
  });

  test("an unknown schema, a corrupt or a truncated statistics file is refused and the database keeps its state", async () => {
    const database = await target.fresh();
    const stats = join(dir, "statistics.sqlite3");
    const { db: kodb } = koreaderFixture(stats);
    kodb.db.pragma("wal_checkpoint(TRUNCATE)");
    kodb.close();
    await run(options(database, stats));
    const before = await use(database, dump);

    const old = join(dir, "old.sqlite3");
    copyFileSync(stats, old);
    const o = new KoreaderDb(old);
    o.db.pragma("user_version = 20201022");
    o.close();
    await expect(run(options(database, old))).rejects.toThrow(/KOReader statistics schema 20201022, expected 20221111/);

    const garbage = join(dir, "garbage.sqlite3");
    writeFileSync(garbage, Buffer.alloc(8192, 0x5a));
    await expect(run(options(database, garbage))).rejects.toThrow(StatisticsFileError);

    const truncated = join(dir, "truncated.sqlite3");
    copyFileSync(stats, truncated);
    truncateSync(truncated, 12_288);
    await expect(run(options(database, truncated, { full: true }))).rejects.toThrow();
    expect(await use(database, dump)).toEqual(before);
  });

  test("a file damaged in the middle fails mid-read, with the COPY open: rolled back, the connection still usable", async () => {
    const good = join(dir, "good.sqlite3");
    generateStatistics(good, 40_000);
    const damaged = join(dir, "damaged.sqlite3");
    copyFileSync(good, damaged);
    // Garbage over one page of rows in the middle of the table (not of an index): SQLite opens
    // the file and counts its rows from an index, and meets the damage only while reading rows.
    const probe = new BetterSqlite3(good, { readonly: true });
    const leaves = probe.prepare("SELECT pageno FROM dbstat WHERE name = 'page_stat_data' AND pagetype = 'leaf' ORDER BY pageno").pluck().all() as number[];
    const pageSize = probe.pragma("page_size", { simple: true }) as number;
    probe.close();
    const fd = openSync(damaged, "r+");
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (leaves[leaves.length >> 1] - 1) * pageSize);
    closeSync(fd);

    const check = new BetterSqlite3(damaged, { readonly: true });
    expect(() => check.prepare("SELECT sum(duration) FROM page_stat_data").get()).toThrow(/malformed/);
    check.close();

    const fresh = await target.fresh();
    const outcome = await run(options(fresh, damaged)).then(
      (r) => JSON.stringify(r),
      (e: Error) => e.message,
    );
    expect(outcome).toMatch(/database disk image is malformed/);
    expect(await use(fresh, dump)).toEqual(await use(await target.fresh(), dump));

    const loaded = await target.fresh();
    await run(options(loaded, good));
    const before = await use(loaded, dump);
    const again = await run(options(loaded, damaged, { full: true })).then(
      (r) => JSON.stringify(r),
      (e: Error) => e.message,
    );
    expect(again).toMatch(/database disk image is malformed/);
    expect(await use(loaded, dump)).toEqual(before);
    // The same connection (the embedded database stays open) goes on working.
    expect((await run(options(loaded, good, { full: true }))).sessions.total).toBe(Math.ceil(40_000 / 30));
  });

  describe("Audiobookshelf and Hardcover through loopback stand-ins", () => {
    const ABS_KEY = "abs-key-for-tests";
    const HC_TOKEN = "hc-token-for-tests";
    const absSessions = () => [
      // 230 sessions of two audiobooks: three pages of 100.
      ...Array.from({ length: 230 }, (_, i) =>
        absSession({
          id: `ls_${String(i).padStart(3, "0")}`,
          itemId: i % 2 ? "li_dune" : "li_hobbit",
          title: i % 2 ? "Dune" : "The Hobbit",
          author: i % 2 ? "Frank Herbert" : "J. R. R. Tolkien",
          asin: i % 2 ? null : "B007978NPG",
          startedAt: (T0 + i * 7200) * 1000,
          updatedAt: (T0 + i * 7200 + 1800) * 1000,
          timeListening: 1800,
        }),
      ),
      absSession({
        id: "ls_podcast",
        itemId: "li_pod",
        title: "A Podcast",
        author: "Host",
        startedAt: T0 * 1000,
        updatedAt: T0 * 1000 + 5,
        timeListening: 600,
        mediaType: "podcast",
      }),
    ];
    const shelf = () =>
      Array.from({ length: 120 }, (_, i) =>
        i === 0
          ? hardcoverUserBook({
              id: 5001,
              bookId: 312460,
              title: "Dune",
              author: "Frank Herbert",
              statusId: 3,
              reads: [{ id: 9001, started_at: "2023-11-15", finished_at: "2023-12-01", progress_pages: 600 }],
            })
          : i === 1
            ? hardcoverUserBook({
                id: 5002,
                bookId: 377938,
                title: "The Hobbit",
                author: "Tolkien, J.R.R.",
                statusId: 2,
                asin: "B007978NPG",
                reads: [{ id: 9002, started_at: "2023-11-20", finished_at: null }],
              })
            : hardcoverUserBook({ id: 5000 + i + 1, bookId: 400000 + i, title: `Shelf book ${i}`, author: `Author ${i}`, statusId: 1 }),
      );

    async function stands(): Promise<{ abs: StandIn; hc: StandIn & { queries: string[] } }> {
      const abs = await absStandIn(absSessions(), ABS_KEY);
      const hc = await hardcoverStandIn(shelf(), HC_TOKEN);
      servers.push(abs, hc);
      return { abs, hc };
    }

    const remote = (abs: StandIn, hc: StandIn) => ({
      audiobookshelf: { url: abs.url, apiKey: ABS_KEY },
      hardcover: { url: hc.url, token: `Bearer ${HC_TOKEN}` },
    });

    test("paged reads, a 429 (Retry-After honoured) and a malformed page retried; books matched across sources", async () => {
      const database = await target.fresh();
      const stats = join(dir, "statistics.sqlite3");
      const { db: kodb } = koreaderFixture(stats);
      const { abs, hc } = await stands();
      abs.faults.push({ page: 1, kind: "429", times: 1 });
      hc.faults.push({ page: 1, kind: "malformed", times: 1 });
      try {
        const report: EtlReport = await run({ ...options(database, stats), ...remote(abs, hc) });
        expect(report.audiobookshelf).toMatchObject({ read: true, items: 230, changes: { inserted: 230 } });
        expect(report.hardcover).toMatchObject({ read: true, items: 120 });
        expect(await sessions(database, target)).toHaveLength(5 + 230);
        // The 429 said Retry-After: 1 — the retry came no sooner.
        const page1 = abs.requests.filter((r) => r.page === 1);
        expect(page1).toHaveLength(2);
        expect(page1[1].at - page1[0].at).toBeGreaterThanOrEqual(950);
        expect(abs.requests.map((r) => r.page)).toEqual([0, 1, 1, 2]);
        expect(hc.requests.map((r) => r.page)).toEqual([0, 1, 1]);
        expect(hc.requests.every((r) => r.authorization === `Bearer ${HC_TOKEN}`)).toBe(true);

        await use(database, async (db) => {
          const books = await db.query<{
            title: string;
            author: string;
            format: string | null;
            abs_item_id: string | null;
            hardcover_book_id: string | null;
            koreader_md5: string | null;
          }>(
            "SELECT title, author, format, abs_item_id, hardcover_book_id::text AS hardcover_book_id, koreader_md5 FROM shelfstack.books WHERE title IN ('Dune', 'The Hobbit') ORDER BY title",
          );
          // KOReader's "Dune (Dune Chronicles, #1)" by "Frank Herbert\nBrian Herbert", Audiobookshelf's
          // "Dune" and Hardcover's "Dune" are one book; Hardcover names it. The Hobbit: by ASIN and name order.
          expect(books).toEqual([
            { title: "Dune", author: "Frank Herbert", format: "both", abs_item_id: "li_dune", hardcover_book_id: "312460", koreader_md5: MD5.dune },
            { title: "The Hobbit", author: "Tolkien, J.R.R.", format: "audiobook", abs_item_id: "li_hobbit", hardcover_book_id: "377938", koreader_md5: null },
          ]);
          const perBook = await db.query<{ sessions: number; seconds: number; hardcover_status: string }>(
            "SELECT sessions, seconds::int AS seconds, hardcover_status FROM shelfstack.reading_time_per_book WHERE title = 'Dune'",
          );
          expect(perBook).toEqual([{ sessions: 1 + 115, seconds: 60 + 115 * 1800, hardcover_status: "read" }]);
          expect(
            await db.query("SELECT id::text AS id, started_at::text AS started_at, finished_at::text AS finished_at, progress_pages FROM shelfstack.hardcover_reads ORDER BY id"),
          ).toEqual([
            { id: "9001", started_at: "2023-11-15", finished_at: "2023-12-01", progress_pages: 600 },
            { id: "9002", started_at: "2023-11-20", finished_at: null, progress_pages: null },
          ]);
          const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM shelfstack.reading_sessions WHERE source_key = 'li_pod'");
          expect(n).toBe(0);
          // How far in: Audiobookshelf's item length and the furthest position a session reached.
          expect(
            await db.query(
              "SELECT audiobook_duration_seconds AS d, audiobook_position_seconds AS p FROM shelfstack.reading_time_per_book WHERE book_id = (SELECT book_id FROM shelfstack.book_sources WHERE source_key = 'li_hobbit')",
            ),
          ).toEqual([{ d: Math.round(75600.5), p: Math.round(120.5 + 1800) }]);
        });

        // Next run: only Audiobookshelf's first page (nothing newer than the cursor); nothing changes.
        const before = await use(database, dump);
        abs.requests.length = 0;
        const again = await run({ ...options(database, stats), ...remote(abs, hc) });
        expect(abs.requests.map((r) => r.page)).toEqual([0]);
        expect(again.changed).toBe(false);
        expect(await use(database, dump)).toEqual(before);
      } finally {
        kodb.close();
      }
    });

    test("a source that keeps failing is reported, keeps its rows, and the others still load", async () => {
      const database = await target.fresh();
      const stats = join(dir, "statistics.sqlite3");
      const { db: kodb, war } = koreaderFixture(stats);
      const { abs, hc } = await stands();
      try {
        await run({ ...options(database, stats), ...remote(abs, hc) });
        const hardcoverRows = async () => use(database, (db) => db.query("SELECT json_agg(u ORDER BY id)::text AS u FROM shelfstack.hardcover_user_books u"));
        const kept = await hardcoverRows();
        hc.faults.push({ page: 0, kind: "malformed", times: 99 });
        kodb.addRows([{ book: war, page: 20, start: T0 + 500_000, duration: 45 }]);
        const report = await run({ ...options(database, stats), ...remote(abs, hc) });
        expect(report.hardcover).toMatchObject({ read: false, problem: expect.stringMatching(/hardcover: user_books page 0 .*gave up after 5 tries — last: malformed response/) });
        expect(report.koreader[0].sessions.inserted).toBe(1);
        expect(await hardcoverRows()).toEqual(kept);

        hc.faults.length = 0;
        hc.faults.push({ page: 0, kind: "401", times: 1 });
        const denied = await run({ ...options(database, stats), ...remote(abs, hc) });
        expect(denied.hardcover.problem).toMatch(/401 Unauthorized.*check HARDCOVER_TOKEN/);
        expect(hc.requests.filter((r) => r.page === 0).length).toBeGreaterThan(0);
      } finally {
        kodb.close();
      }
    });

    test("the Hardcover shelf is mirrored: a book removed there goes here", async () => {
      const database = await target.fresh();
      const stats = join(dir, "statistics.sqlite3");
      const { db: kodb } = koreaderFixture(stats);
      const { abs, hc } = await stands();
      try {
        await run({ ...options(database, stats), ...remote(abs, hc) });
        await hc.close();
        const smaller = await hardcoverStandIn(shelf().slice(1), HC_TOKEN);
        servers.push(smaller);
        const report = await run({ ...options(database, stats), ...remote(abs, smaller) });
        expect(report.hardcover.changes).toMatchObject({ deleted: 2 }); // user_book 5001 and its read 9001
        await use(database, async (db) => {
          expect(await db.query("SELECT count(*)::int AS n FROM shelfstack.hardcover_user_books WHERE id = 5001")).toEqual([{ n: 0 }]);
          // Dune is still a book (KOReader and Audiobookshelf have it), now named by Audiobookshelf.
          expect(await db.query("SELECT title, hardcover_book_id FROM shelfstack.books WHERE abs_item_id = 'li_dune'")).toEqual([{ title: "Dune", hardcover_book_id: null }]);
        });
        expect(await sessions(database, target)).toHaveLength(5 + 230);
      } finally {
        kodb.close();
      }
    });
  });
}
