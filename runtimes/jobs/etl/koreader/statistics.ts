import { createHash } from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import { BookSessions, type Session } from "./sessionize";
import { openStatisticsFile, START_TIME_INDEX } from "./statistics-file";
import { isLoadableStart, pageRowProblem, START_TIME_CHECK, type SkippedRow } from "./page-row";

/** One reader's statistics file; `device` names whose it is (part of each session's id). */
export interface KoreaderInput {
  readonly device: string;
  readonly path: string;
}

/** A book as KOReader knows it: its partial md5 (several book rows may share one). */
export interface KoreaderBook {
  readonly key: string;
  readonly ids: readonly number[];
  readonly title: string;
  /** As KOReader stores it: several authors are separate lines. */
  readonly authors: string;
}

/** Cheap facts about the whole file: when they equal last run's, nothing needs reading. */
export interface FileFingerprint {
  readonly rows: number;
  readonly maxStart: number;
  readonly maxRowid: number;
  readonly books: string;
}

export interface BookStats {
  readonly rows: number;
  readonly maxStart: number;
}

/** A book whose sessions from `since` (epoch seconds; -Infinity: all) are to be computed again. */
export type ScanPlan = ReadonlyMap<string, number>;

const VISIT = "shelfstack_page_row";
/** A file of a million bad rows still gives a readable report. */
const MAX_SKIPPED_SHOWN = 20;

/** A book's key: KOReader's partial md5, or (old rows without one) a hash of title and authors. */
export function bookKey(md5: string | null, title: string, authors: string): string {
  const m = (md5 ?? "").trim().toLowerCase();
  if (m) return m;
  return `nomd5-${createHash("sha1").update(`${title}\n${authors}`).digest("hex").slice(0, 32)}`;
}

/** Reads one statistics file: its books, its fingerprint, and its page rows as sessions. */
export class StatisticsReader {
  readonly books: readonly KoreaderBook[];
  private readonly db: BetterSqlite3.Database;
  private visit: (idBook: number, page: unknown, start: unknown, duration: unknown) => boolean = () => false;
  /** The last scan's rows that could not be loaded: the first few in full, and how many in all. */
  readonly skipped: { count: number; readonly first: SkippedRow[] } = { count: 0, first: [] };

  constructor(readonly input: KoreaderInput) {
    this.db = openStatisticsFile(input.path);
    this.books = this.readBooks();
    // Called by SQLite for each row of the scan, in index order: no row objects, so a million
    // rows cost a fifth of what iterating them would (see bench/etl.bench.mjs).
    this.db.function(VISIT, { varargs: false, deterministic: false, directOnly: true }, (idBook, page, start, duration) =>
      this.visit(idBook as number, page, start, duration) ? 1 : 0,
    );
  }

  close(): void {
    this.db.close();
  }

  private readBooks(): KoreaderBook[] {
    const rows = this.db.prepare("SELECT id, title, authors, md5, last_open FROM book ORDER BY id").all() as {
      id: number;
      title: string | null;
      authors: string | null;
      md5: string | null;
      last_open: number | null;
    }[];
    const byKey = new Map<string, { ids: number[]; best: (typeof rows)[number] }>();
    for (const row of rows) {
      const key = bookKey(row.md5, row.title ?? "", row.authors ?? "");
      const entry = byKey.get(key);
      if (!entry) byKey.set(key, { ids: [row.id], best: row });
      else {
        entry.ids.push(row.id);
        // Same file, several titles (metadata edited): the one opened last speaks for it.
        if ((row.last_open ?? 0) > (entry.best.last_open ?? 0)) entry.best = row;
      }
    }
    return [...byKey.entries()]
      .map(([key, { ids, best }]) => ({ key, ids, title: (best.title ?? "").trim(), authors: (best.authors ?? "").trim() }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  fingerprint(): FileFingerprint {
    // Three queries, not one: each alone is answered from a b-tree's edge or its page count.
    const rows = this.db.prepare("SELECT count(*) FROM page_stat_data").pluck().get() as number;
    const maxStart = (this.db.prepare("SELECT max(start_time) FROM page_stat_data").pluck().get() as number | null) ?? 0;
    const maxRowid = (this.db.prepare("SELECT max(rowid) FROM page_stat_data").pluck().get() as number | null) ?? 0;
    const books = createHash("sha1");
    for (const b of this.books) books.update(`${b.key}\0${b.ids.join(",")}\0${b.title}\0${b.authors}\n`);
    return { rows, maxStart, maxRowid, books: books.digest("hex") };
  }

  /** Rows and latest start per book (a scan of the (id_book, page, start_time) index). */
  bookStats(): Map<string, BookStats> {
    const keyOf = new Map<number, string>();
    for (const b of this.books) for (const id of b.ids) keyOf.set(id, b.key);
    const stats = new Map<string, BookStats>();
    // The latest start among the rows a scan can load (scan's maxStart): a row with a start no
    // column can hold would otherwise be stored as the book's latest.
    const rows = this.db
      .prepare(`SELECT id_book, count(*) AS n, coalesce(max(CASE WHEN ${START_TIME_CHECK} THEN start_time END), 0) AS m FROM page_stat_data GROUP BY id_book`)
      .raw()
      .all() as [number, number, number][];
    for (const [id, n, m] of rows) {
      const key = keyOf.get(id);
      if (key === undefined) continue; // rows of a deleted book: KOReader ignores them too
      const prior = stats.get(key);
      stats.set(key, prior ? { rows: prior.rows + n, maxStart: Math.max(prior.maxStart, m) } : { rows: n, maxStart: m });
    }
    return stats;
  }

  /**
   * Per book, KOReader's "pages read": distinct page numbers with reading time (rows without any
   * are skipped, as the sessions skip them), and the book's page count. Answered from the
   * (id_book, page, start_time) index; books with several ids count a page once.
   */
  distinctPages(keys?: ReadonlySet<string>): Map<string, { pages: number; total: number | null }> {
    const books = this.books.filter((b) => !keys || keys.has(b.key));
    const out = new Map<string, { pages: number; total: number | null }>();
    const perId = this.db.prepare("SELECT count(DISTINCT page) FROM page_stat_data WHERE id_book = ? AND duration > 0").pluck();
    const total = this.db.prepare("SELECT max(pages) FROM book WHERE id = ?").pluck();
    for (const b of books) {
      const pages =
        b.ids.length === 1
          ? (perId.get(b.ids[0]) as number)
          : (this.db
              .prepare(`SELECT count(DISTINCT page) FROM page_stat_data WHERE id_book IN (${b.ids.map(() => "?").join(",")}) AND duration > 0`)
              .pluck()
              .get(...b.ids) as number);
      const totals = b.ids.map((id) => total.get(id) as number | null).filter((t): t is number => typeof t === "number" && t > 0);
      out.set(b.key, { pages, total: totals.length ? Math.max(...totals) : null });
    }
    return out;
  }

  /** How many of a book's rows start at or before `time`: equal to last run's count means rows were only appended. */
  rowsUpTo(key: string, time: number): number {
    const ids = this.books.find((b) => b.key === key)?.ids ?? [];
    if (ids.length === 0) return 0;
    return this.db
      .prepare(`SELECT count(*) FROM page_stat_data WHERE id_book IN (${ids.map(() => "?").join(",")}) AND start_time <= ?`)
      .pluck()
      .get(...ids, time) as number;
  }

  /**
   * Computes the sessions of the planned books from their `since` on, handing each finished
   * session to `out` and letting `out` drain whenever it says it is full, before reading on: memory
   * stays flat however many rows there are. Returns, per planned book, the rows seen (from
   * `since` on) and the start of its last session.
   */
  async scan(plan: ScanPlan, gapSeconds: number, out: SessionConsumer): Promise<Map<string, ScanResult>> {
    const results = new Map<string, ScanResult>();
    if (plan.size === 0) return results;
    type Target = { since: number; title: string; book: BookSessions; result: ScanResult };
    this.skipped.count = 0;
    this.skipped.first.length = 0;
    const targets: Target[] = [];
    const byId: (Target | undefined)[] = [];
    for (const b of this.books) {
      const since = plan.get(b.key);
      if (since === undefined) continue;
      const result: ScanResult = { rows: 0, maxStart: 0, lastSessionStart: undefined };
      results.set(b.key, result);
      const target: Target = {
        since,
        title: b.title || b.key,
        result,
        book: new BookSessions(gapSeconds, (session) => {
          out.add(b.key, session);
          result.lastSessionStart = session.start;
        }),
      };
      targets.push(target);
      for (const id of b.ids) byId[id] = target;
    }
    // The scan pauses (the row passes the WHERE) whenever `out` is full, and goes on once it drained.
    this.visit = (idBook, page, start, duration) => {
      const t = byId[idBook];
      if (t === undefined) return out.full;
      const loadable = isLoadableStart(start);
      // SQLite orders text after every number: such a row reaches every scan, wherever it starts.
      if (loadable && start < t.since) return out.full;
      // Every row counts as seen (the incremental bookkeeping counts them all); a loadable start is a candidate latest start.
      t.result.rows++;
      if (loadable && start > t.result.maxStart) t.result.maxStart = start;
      const problem = pageRowProblem(start, duration);
      if (problem === undefined) t.book.add(page as number, start as number, duration as number);
      else if (++this.skipped.count <= MAX_SKIPPED_SHOWN) this.skipped.first.push({ title: t.title, page, problem });
      return out.full;
    };
    const lowest = Math.min(...targets.map((t) => t.since));
    const rows = this.db.prepare(`SELECT 1 FROM page_stat_data INDEXED BY ${START_TIME_INDEX} WHERE start_time >= ? AND ${VISIT}(id_book, page, start_time, duration)`);
    try {
      for (const _ of rows.iterate(Number.isFinite(lowest) ? lowest : Number.MIN_SAFE_INTEGER)) await out.drain();
      for (const t of targets) t.book.flush();
      await out.drain();
    } finally {
      this.visit = () => false;
    }
    return results;
  }
}

/** Where scan puts sessions: it asks `full` after every row and drains then. */
export interface SessionConsumer {
  add(key: string, session: Session): void;
  readonly full: boolean;
  drain(): Promise<void>;
}

export interface ScanResult {
  /** Rows seen from `since` on (for a book read from the start: all its rows). */
  rows: number;
  maxStart: number;
  lastSessionStart: number | undefined;
}
