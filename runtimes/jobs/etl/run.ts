import type { Database, DatabaseTarget } from "./db/database";
import { openDatabase } from "./db/open";
import { StatisticsReader, type KoreaderInput } from "./koreader/statistics";
import { applyBooks } from "./load/books";
import { loadAudiobookshelf } from "./load/audiobookshelf";
import { loadHardcover } from "./load/hardcover";
import { loadKoreader, type KoreaderLoad } from "./load/koreader";
import { putValue, type Changes } from "./load/upsert";
import { pruneMissing, type Pruned } from "./load/sessions";
import { LOCKS, migrate } from "./migrate";
import { koreaderRecords } from "./koreader/records";
import { forgotten } from "./load/forgotten";
import { type HttpOptions } from "./sources/http";
import { RateLimiter } from "./sources/rate-limit";
import { readRemoteSources } from "./sources/remote";

export interface EtlOptions {
  readonly database: DatabaseTarget;
  /** The readers' statistics files (none: KOReader is left out this run). */
  readonly koreader: readonly KoreaderInput[];
  readonly gapSeconds: number;
  /** server.timezone: what "a day" is in the views. */
  readonly timeZone: string;
  /** Recompute everything from the sources and mirror them (what a source no longer has goes). */
  readonly full: boolean;
  /** With `full`: delete the sessions no longer in the sources read (kept and marked otherwise). */
  readonly prune?: boolean;
  readonly audiobookshelf?: { readonly url: string; readonly apiKey: string };
  readonly hardcover?: { readonly url: string; readonly token: string };
  /** Requests to Audiobookshelf and Hardcover (tests: no waiting). */
  readonly http?: HttpOptions;
}

export interface SourceOutcome {
  readonly read: boolean;
  /** Why it was not read (an error, or not configured). */
  readonly problem?: string;
  readonly changes?: Changes;
  readonly items?: number;
  /** Sessions it no longer lists, kept and marked this run. */
  readonly missing?: number;
}

export interface EtlReport {
  readonly database: string;
  readonly migrations: readonly string[];
  readonly koreader: readonly KoreaderLoad[];
  readonly audiobookshelf: SourceOutcome;
  readonly hardcover: SourceOutcome;
  readonly books: { readonly total: number; readonly changes: Changes };
  /** `missing`: sessions kept though no longer in their source (this run's and earlier ones). */
  readonly sessions: { readonly total: number; readonly changes: Changes; readonly missing: number };
  /** What --prune removed, per source. */
  readonly pruned: readonly Pruned[];
  /** Whether this run wrote anything (a rerun with nothing new writes nothing). */
  readonly changed: boolean;
}

/**
 * One ETL run. The statistics files are checked first and the remote sources read before the
 * database transaction opens, so a slow API never holds it; then everything is loaded in ONE
 * transaction: killed or failed at any point, the database keeps its previous state. A remote
 * source that cannot be read is reported and keeps what it had; the others load.
 */
export async function runEtl(options: EtlOptions, open?: Database): Promise<EtlReport> {
  const readers: StatisticsReader[] = [];
  try {
    for (const input of [...options.koreader].sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0))) {
      readers.push(new StatisticsReader(input));
    }
    // `open`: a database the caller keeps open across runs (tests of the embedded one, where
    // opening costs seconds); it is left open.
    const db = open ?? (await openDatabase(options.database));
    try {
      const migrations = await migrate(db);
      // Hardcover allows 60 requests a minute with a burst of 10; ask no faster.
      const http: HttpOptions = { limiter: new RateLimiter(60, 10), ...options.http };

      const { abs, absProblem, hardcover, hardcoverProblem } = await readRemoteSources(db, options, http);

      await db.exec("BEGIN");
      try {
        await db.query(`SELECT ${LOCKS.load}`);
        const settingsChanged = await putValue(db, "shelfstack.settings", "time_zone", options.timeZone);

        const records = koreaderRecords(readers);
        if (abs) records.push(...abs.records);
        if (hardcover) records.push(...hardcover.records);
        const prune = options.full && (options.prune ?? false);
        const dropped = await forgotten(db, readers, records, { full: options.full, abs: !!abs, hardcover: !!hardcover, prune });
        const books = await applyBooks(db, records, dropped);

        const koreader: KoreaderLoad[] = [];
        for (const reader of readers) koreader.push(await loadKoreader(db, reader, books.bookOf, options.gapSeconds, options.full, prune));
        const absLoad = abs ? await loadAudiobookshelf(db, abs, books.bookOf, options.full) : undefined;
        const absChanges = absLoad?.changes;
        const hardcoverChanges = hardcover ? await loadHardcover(db, hardcover, books.bookOf) : undefined;

        const pruned = prune ? await pruneMissing(db, { devices: readers.map((r) => r.input.device), audiobookshelf: !!abs }) : [];
        const prunedSessions = pruned.reduce((n, p) => n + p.sessions, 0);
        const sessionChanges = sum([...koreader.map((k) => k.sessions), ...(absChanges ? [absChanges] : [])].reduce(sum, none()), {
          inserted: 0,
          updated: 0,
          deleted: prunedSessions,
        });
        const newlyMissing = koreader.reduce((n, k) => n + k.missing, absLoad?.missing ?? 0);
        const changed =
          settingsChanged ||
          newlyMissing > 0 ||
          [books.books, books.sources, sessionChanges, ...(hardcoverChanges ? [hardcoverChanges] : [])].some((c) => c.inserted + c.updated + c.deleted > 0) ||
          koreader.some((k) => !k.unchanged);
        const [{ total_books, total_sessions, missing_sessions }] = await db.query<{ total_books: number; total_sessions: number; missing_sessions: number }>(
          `SELECT (SELECT count(*) FROM shelfstack.books)::int AS total_books, (SELECT count(*) FROM shelfstack.reading_sessions)::int AS total_sessions,
                  (SELECT count(*) FROM shelfstack.reading_sessions WHERE missing_since IS NOT NULL)::int AS missing_sessions`,
        );
        const report: EtlReport = {
          database: db.description,
          migrations,
          koreader,
          audiobookshelf: abs ? { read: true, changes: absChanges, items: abs.sessions.length, missing: absLoad?.missing } : { read: false, problem: absProblem },
          hardcover: hardcover ? { read: true, changes: hardcoverChanges, items: hardcover.userBooks.length } : { read: false, problem: hardcoverProblem },
          books: { total: total_books, changes: books.books },
          sessions: { total: total_sessions, changes: sessionChanges, missing: missing_sessions },
          pruned,
          changed,
        };
        if (changed) {
          await db.query("INSERT INTO shelfstack.etl_runs (id, full_rebuild, summary) SELECT coalesce(max(id), 0) + 1, $1, $2::jsonb FROM shelfstack.etl_runs", [
            options.full,
            JSON.stringify({ books: report.books, sessions: report.sessions, ...(pruned.length ? { pruned } : {}) }),
          ]);
        }
        await db.exec("COMMIT");
        return report;
      } catch (error) {
        await db.exec("ROLLBACK").catch(() => undefined);
        throw error;
      }
    } finally {
      if (!open) await db.close();
    }
  } finally {
    for (const r of readers) r.close();
  }
}

const none = (): Changes => ({ inserted: 0, updated: 0, deleted: 0 });
const sum = (a: Changes, b: Changes): Changes => ({ inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted });
