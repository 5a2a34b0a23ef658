import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Database } from "../../runtimes/jobs/etl/db/database";
import { openDatabase } from "../../runtimes/jobs/etl/db/open";
import { runEtl } from "../../runtimes/jobs/etl/run";
import { generateReport, streaks } from "../../runtimes/jobs/report";
import { bookSlug } from "../../runtimes/jobs/report/summarize";
import { duration } from "../../runtimes/jobs/report/svg";
import { describeWithTool } from "../helpers/tools";
import { koreaderFixture } from "../etl/helpers/suite";
import { startCluster, type Cluster } from "../etl/helpers/postgres";
import { craftedWarehouse, etlOptions, ZONE } from "./helpers";

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

/** data-<attr> values of the rows of one table, keyed by `key`. */
function tableValues(html: string, table: string, key: string): Record<string, number> {
  const body = new RegExp(`<table id="${table}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? "";
  const out: Record<string, number> = {};
  for (const m of body.matchAll(new RegExp(`<tr data-${key}="([^"]+)" data-seconds="(\\d+)"`, "g"))) out[m[1]] = Number(m[2]);
  return out;
}

const card = (html: string, id: string, attr = "seconds") => Number(new RegExp(`id="${id}" data-${attr}="(\\d+)"`).exec(html)?.[1]);

describeWithTool("initdb", "PostgreSQL 15 server binaries: initdb, pg_ctl, postgres on PATH", "the reading report against the warehouse", () => {
  let cluster: Cluster;
  let dir: string;
  let db: Database;
  let n = 0;
  beforeAll(() => {
    cluster = startCluster();
  });
  afterAll(() => cluster?.stop());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "shelfstack-report-"));
  });
  afterEach(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const fresh = async () => {
    const database = { kind: "postgres" as const, url: cluster.createDatabase(`report_${++n}`) };
    db = await openDatabase(database);
    return database;
  };
  const sql = <T>(text: string) => db.query<T & Record<string, unknown>>(text);

  test("every number equals SQL run on the same warehouse: totals, books, days, months, years, streaks, hours, weekdays", async () => {
    const database = await fresh();
    await craftedWarehouse(db, database, dir);
    const out = join(dir, "report");
    const { model } = await generateReport(db, out, ZONE);
    const index = readFileSync(join(out, "index.html"), "utf8");

    const [total] = await sql<{ s: number; e: number; a: number; n: number; books: number }>(
      `SELECT sum(duration_seconds)::int AS s, (sum(duration_seconds) FILTER (WHERE source = 'koreader'))::int AS e,
              (sum(duration_seconds) FILTER (WHERE source = 'audiobookshelf'))::int AS a, count(*)::int AS n, count(DISTINCT book_id)::int AS books
       FROM shelfstack.reading_sessions`,
    );
    expect(model.total).toMatchObject({ seconds: total.s, ebookSeconds: total.e, audiobookSeconds: total.a, sessions: total.n, books: total.books });
    expect(card(index, "total-time")).toBe(total.s);
    expect(index).toContain(`Total time<b>${duration(total.s)}</b>`);
    expect(card(index, "total-sessions", "count")).toBe(total.n);
    // The session kept though Audiobookshelf forgot it counts, and the page says so.
    expect(index).toMatch(/id="missing">1 sessions are no longer in their source/);

    const perBook = await sql<{ id: string; s: number; first: string }>(
      `SELECT book_id AS id, sum(duration_seconds)::int AS s, to_char(min(start_time) AT TIME ZONE '${ZONE}', 'YYYY-MM-DD HH24:MI') AS first
       FROM shelfstack.reading_sessions GROUP BY book_id ORDER BY book_id`,
    );
    expect(tableValues(index, "books", "book")).toEqual(Object.fromEntries(perBook.map((b) => [b.id, b.s])));
    for (const b of perBook) {
      const page = readFileSync(join(out, "books", `${bookSlug(b.id)}.html`), "utf8");
      expect(card(page, "book-time")).toBe(b.s);
      expect(page).toContain(`First read<b>${b.first}</b>`);
    }
    // Pages read: KOReader's distinct pages, not the sum of each session's.
    const [pages] = await sql<{ read: number; turned: number }>(
      "SELECT pages_read::int AS read, pages_turned::int AS turned FROM shelfstack.reading_time_per_book WHERE title = 'Crafted Days'",
    );
    expect(pages).toEqual({ read: 10, turned: 5 + 10 + 6 + 2 + 1 + 2 });
    expect(model.books.find((b) => b.title === "Crafted Days")).toMatchObject({ pagesRead: 10, totalPages: 120, completionPercent: 8 });
    // Listened / duration: the furthest position of the item's length.
    expect(model.books.find((b) => b.title === "Heard Story")).toMatchObject({ audioPosition: 5400, audioDuration: 36000, listenedPercent: 15 });
    expect(index).toContain(`aria-label="15% read"`);

    const perDay = await sql<{ day: string; s: number }>(
      `SELECT to_char((start_time AT TIME ZONE '${ZONE}')::date, 'YYYY-MM-DD') AS day, sum(duration_seconds)::int AS s
       FROM shelfstack.reading_sessions GROUP BY 1 ORDER BY 1`,
    );
    // The midnight and DST edges, by hand: each session on the local day it began.
    expect(perDay.map((d) => d.day)).toEqual([
      "2024-01-10",
      "2024-01-11",
      "2024-01-12",
      "2024-03-29",
      "2024-03-30",
      "2024-03-31",
      "2024-04-01",
      "2024-04-02",
      "2024-10-26",
      "2024-10-27",
      "2024-10-28",
      "2025-01-01",
    ]);
    const days: Record<string, number> = {};
    for (const y of model.years) Object.assign(days, tableValues(readFileSync(join(out, `year-${y.year}.html`), "utf8"), "days", "day"));
    expect(days).toEqual(Object.fromEntries(perDay.map((d) => [d.day, d.s])));
    // The calendar cells carry the same numbers.
    const year2024 = readFileSync(join(out, "year-2024.html"), "utf8");
    const cells = Object.fromEntries([...year2024.matchAll(/<g class="day" data-day="([^"]+)" data-seconds="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
    expect(cells).toEqual(Object.fromEntries(perDay.filter((d) => d.day.startsWith("2024")).map((d) => [d.day, d.s])));
    expect((year2024.match(/<rect class="day empty"/g) ?? []).length).toBe(366 - Object.keys(cells).length);

    for (const [length, table] of [
      [7, "months"],
      [4, "years"],
    ] as const) {
      const rows = await sql<{ p: string; s: number }>(
        `SELECT left(to_char((start_time AT TIME ZONE '${ZONE}')::date, 'YYYY-MM-DD'), ${length}) AS p, sum(duration_seconds)::int AS s
         FROM shelfstack.reading_sessions GROUP BY 1 ORDER BY 1`,
      );
      expect(tableValues(index, table, "period")).toEqual(Object.fromEntries(rows.map((r) => [r.p, r.s])));
    }

    // Streaks, as gaps and islands in SQL.
    const islands = await sql<{ days: number; first: string; last: string }>(
      `WITH d AS (SELECT DISTINCT (start_time AT TIME ZONE '${ZONE}')::date AS day FROM shelfstack.reading_sessions),
            g AS (SELECT day, day - (row_number() OVER (ORDER BY day))::int AS island FROM d)
       SELECT count(*)::int AS days, min(day)::text AS first, max(day)::text AS last FROM g GROUP BY island ORDER BY min(day)`,
    );
    const longest = islands.reduce((a, b) => (b.days > a.days ? b : a));
    const latest = islands[islands.length - 1];
    expect(model.longestStreak).toEqual({ days: longest.days, from: longest.first, to: longest.last });
    expect(model.longestStreak).toEqual({ days: 5, from: "2024-03-29", to: "2024-04-02" });
    expect(model.latestStreak).toEqual({ days: latest.days, from: latest.first, to: latest.last });
    expect(card(index, "longest-streak", "days")).toBe(5);
    // The days-read column, as text: 11 days in 2024, 1 in 2025.
    expect(index).toMatch(/<tr data-period="2024" data-seconds="\d+">(?:<td[^>]*>.*?<\/td>){5}<td class="n">11<\/td><td class="n">5 days<\/td><\/tr>/);
    expect(index).toMatch(/<tr data-period="2025" data-seconds="\d+">(?:<td[^>]*>.*?<\/td>){5}<td class="n">1<\/td><td class="n">1 day<\/td><\/tr>/);
    expect(card(index, "latest-streak", "days")).toBe(1);

    const hours = await sql<{ h: number; s: number }>(
      `SELECT extract(hour FROM start_time AT TIME ZONE '${ZONE}')::int AS h, sum(duration_seconds)::int AS s FROM shelfstack.reading_sessions GROUP BY 1`,
    );
    expect(model.byHour.map((t, h) => [h, t.seconds]).filter(([, s]) => s > 0)).toEqual(hours.sort((a, b) => a.h - b.h).map((r) => [r.h, r.s]));
    const weekdays = await sql<{ d: number; s: number }>(
      `SELECT extract(isodow FROM start_time AT TIME ZONE '${ZONE}')::int AS d, sum(duration_seconds)::int AS s FROM shelfstack.reading_sessions GROUP BY 1`,
    );
    expect(model.byWeekday.map((t, i) => [i + 1, t.seconds]).filter(([, s]) => s > 0)).toEqual(weekdays.sort((a, b) => a.d - b.d).map((r) => [r.d, r.s]));
    const [{ median }] = await sql<{ median: number }>(
      "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_seconds))::int AS median FROM shelfstack.reading_sessions",
    );
    expect(model.medianSessionSeconds).toBe(median);
    expect(index).toContain(`data-median="${median}"`);

    const sources = await sql<{ label: string; s: number }>(
      `SELECT CASE WHEN source = 'koreader' THEN 'KOReader · ' || device ELSE 'Audiobookshelf' END AS label, sum(duration_seconds)::int AS s
       FROM shelfstack.reading_sessions GROUP BY 1 ORDER BY 1`,
    );
    expect(model.sources.map((s) => [s.label, s.seconds])).toEqual(sources.map((s) => [s.label, s.s]));
  });

  test("the same warehouse gives the same bytes; a rerun rewrites nothing; a foreign directory is refused", async () => {
    const database = await fresh();
    await craftedWarehouse(db, database, dir);
    const a = join(dir, "a");
    const b = join(dir, "b");
    await generateReport(db, a, ZONE);
    await generateReport(db, b, ZONE);
    expect(files(b)).toEqual(files(a));
    const again = await generateReport(db, a, ZONE);
    expect(again).toMatchObject({ written: 0, removed: 0 });
    expect(again.files).toBe(Object.keys(files(a)).filter((f) => f !== ".shelfstack-report").length);
    expect(Object.keys(files(a))).toEqual(expect.arrayContaining(["index.html", "style.css", "year-2024.html", "year-2025.html"]));

    const foreign = join(dir, "foreign");
    await generateReport(db, foreign, ZONE).catch(() => undefined);
    rmSync(join(foreign, ".shelfstack-report"));
    writeFileSync(join(foreign, "notes.txt"), "mine");
    await expect(generateReport(db, foreign, ZONE)).rejects.toThrow(/already holds files that are not a shelfstack report/);
    expect(readFileSync(join(foreign, "notes.txt"), "utf8")).toBe("mine");
  });

  test("a reset device: the report still shows the whole history, and the sessions it forgot", async () => {
    const database = await fresh();
    const stats = join(dir, "statistics.sqlite3");
    const { db: kodb, war } = koreaderFixture(stats);
    try {
      kodb.db.pragma("wal_checkpoint(TRUNCATE)");
      await runEtl(etlOptions(database, stats), db);
      const before = (await generateReport(db, join(dir, "before"), ZONE)).model;
      // KOReader reinstalled: an empty statistics database, one new evening of War and Peace.
      kodb.db.exec("DELETE FROM page_stat_data");
      kodb.addRows([{ book: war, page: 1, start: 1_710_000_000, duration: 120 }]);
      kodb.db.pragma("wal_checkpoint(TRUNCATE)");
      await runEtl(etlOptions(database, stats), db);
      const after = (await generateReport(db, join(dir, "after"), ZONE)).model;
      expect(after.total.seconds).toBe(before.total.seconds + 120);
      expect(after.total.sessions).toBe(before.total.sessions + 1);
      expect(after.total.missing).toBe(before.total.sessions);
      const [{ s }] = await db.query<{ s: number }>("SELECT sum(duration_seconds)::int AS s FROM shelfstack.reading_sessions");
      expect(after.total.seconds).toBe(s);
    } finally {
      kodb.close();
    }
  });

  test("streaks: runs of consecutive calendar days, month and year ends included", () => {
    expect(streaks([])).toEqual({ longest: null, latest: null });
    expect(streaks(["2024-02-28", "2024-02-29", "2024-03-01", "2024-03-03", "2024-12-31", "2025-01-01"])).toEqual({
      longest: { days: 3, from: "2024-02-28", to: "2024-03-01" },
      latest: { days: 2, from: "2024-12-31", to: "2025-01-01" },
    });
  });
});
