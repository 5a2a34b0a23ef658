import type { Database } from "../db/database";
import type { ScanResult, SessionConsumer, StatisticsReader } from "../koreader/statistics";
import { recordId } from "../books/match";
import { mergeSessions, SessionSink, settleVanishedSessions } from "./sessions";
import { csv } from "./csv";
import { addChanges, putValue, upsert, type Changes } from "./upsert";
import type { SkippedRow } from "../koreader/page-row";

export interface KoreaderLoad {
  readonly device: string;
  readonly path: string;
  /** The file is as it was at the last run: nothing was read. */
  readonly unchanged: boolean;
  readonly books: number;
  /** Books whose rows were read again (new or grown since last run). */
  readonly booksRead: number;
  readonly sessions: Changes;
  /** Page rows the warehouse cannot hold (skipped; the rest loaded), and the first few of them. */
  readonly skipped: number;
  readonly skippedRows: readonly SkippedRow[];
  /** Sessions this run found gone from the file and kept, marked as no longer in it. */
  readonly missing: number;
}

interface Prior {
  rows: number;
  maxStart: number;
  lastSessionStart: number | null;
}

export function sessionId(device: string, key: string, start: number): string {
  return `koreader:${device}:${key}:${start}`;
}

/**
 * One reader's statistics into reading_sessions, reading only what changed since the last run:
 * - the whole file unchanged (same row count, latest start, latest rowid, books) → nothing read;
 * - a book with rows only appended after last run's latest → its sessions from the last one on
 *   (the last one may have grown);
 * - a new book, a book whose older rows changed, a new session gap, or --full → all its sessions.
 * Sessions the file no longer has (a reset or restored device, a book gone from it with --full)
 * are kept and marked; `prune` (with --full) lets the distinct-page counts follow the file down.
 */
export async function loadKoreader(
  db: Database,
  reader: StatisticsReader,
  bookOf: ReadonlyMap<string, string>,
  gapSeconds: number,
  full: boolean,
  prune = false,
): Promise<KoreaderLoad> {
  const { device, path } = reader.input;
  const stateKey = `koreader:${device}`;
  const fingerprint = JSON.stringify({ ...reader.fingerprint(), gap: gapSeconds });
  const [state] = await db.query<{ value: string }>("SELECT value FROM shelfstack.etl_state WHERE key = $1", [stateKey]);
  const base = { device, path, books: reader.books.length };
  if (!full && state?.value === fingerprint)
    return { ...base, unchanged: true, booksRead: 0, sessions: { inserted: 0, updated: 0, deleted: 0 }, missing: 0, skipped: 0, skippedRows: [] };

  const gapChanged = state !== undefined && (JSON.parse(state.value) as { gap?: number }).gap !== gapSeconds;
  const prior = new Map(
    (
      await db.query<{ md5: string; rows: number; max_start: number; last_start: number | null }>(
        "SELECT md5, row_count::float8 AS rows, max_start_time::float8 AS max_start, last_session_start::float8 AS last_start FROM shelfstack.koreader_books WHERE device = $1",
        [device],
      )
    ).map((r): [string, Prior] => [r.md5, { rows: r.rows, maxStart: r.max_start, lastSessionStart: r.last_start }]),
  );
  // Every book from its first row: the scan itself counts the rows, no need to ask first.
  const everything = full || gapChanged || prior.size === 0;
  const stats = everything ? undefined : reader.bookStats();
  const plan = new Map<string, number>();
  if (stats === undefined) for (const b of reader.books) plan.set(b.key, -Infinity);
  else {
    // A book whose sessions are marked as gone from this file, and which has rows again (the
    // newer file back after a restored one): read whole, so what came back loses its mark.
    const marked = new Set(
      (
        await db.query<{ k: string }>("SELECT DISTINCT source_key AS k FROM shelfstack.reading_sessions WHERE source = 'koreader' AND device = $1 AND missing_since IS NOT NULL", [
          device,
        ])
      ).map((r) => r.k),
    );
    for (const [key, now] of stats) {
      const before = prior.get(key);
      if (!before || marked.has(key)) plan.set(key, -Infinity);
      else if (before.rows === now.rows && before.maxStart === now.maxStart) continue;
      else if (now.rows > before.rows && reader.rowsUpTo(key, before.maxStart) === before.rows) plan.set(key, before.lastSessionStart ?? -Infinity);
      else plan.set(key, -Infinity);
    }
  }

  // This reader's first load: no session of it exists, they can go straight into the table.
  const sink = await SessionSink.open(db, prior.size === 0);
  const consumer: SessionConsumer = {
    add: (key, s) =>
      sink.add({
        id: sessionId(device, key, s.start),
        source: "koreader",
        bookId: bookOf.get(recordId("koreader", key))!,
        sourceKey: key,
        device,
        startMs: s.start * 1000,
        endMs: s.end * 1000,
        duration: s.duration,
        pages: s.pages,
      }),
    get full() {
      return sink.full;
    },
    drain: () => sink.drain(),
  };
  let scanned: Map<string, ScanResult>;
  try {
    scanned = await reader.scan(plan, gapSeconds, consumer);
  } catch (error) {
    // A file that breaks mid-read (a damaged page): end the COPY first, then let the run roll back.
    await sink.abort(error);
    throw error;
  }
  const written = await sink.close();
  const present = (key: string) => (stats ? stats.has(key) : (scanned.get(key)?.rows ?? 0) > 0);
  // Books with no rows left: their sessions are settled (kept, marked) on every run; only --full
  // forgets the book's bookkeeping.
  const vanished = [...prior.keys()].filter((key) => !present(key));
  let sessions: Changes = { inserted: written, updated: 0, deleted: 0 };
  let missing = 0;
  if (!sink.direct) {
    const scope = [
      ...[...plan].map(([key, since]) => ({ device, key, sinceMs: Number.isFinite(since) ? since * 1000 : null })),
      ...vanished.map((key) => ({ device, key, sinceMs: null })),
    ];
    // Settled first: what is left to compare is only what was there before this run.
    const vanishedSessions = await settleVanishedSessions(db, scope);
    missing = vanishedSessions.missing;
    sessions = addChanges(await mergeSessions(db), { inserted: 0, updated: 0, deleted: vanishedSessions.replaced });
  }

  const read = new Set([...plan.keys()].filter(present));
  const pages = [...reader.distinctPages(read)].map(([key, p]) => [device, key, p.pages, p.total]);
  if (pages.length > 0) {
    await db.exec("CREATE TEMP TABLE IF NOT EXISTS etl_stage_pages (LIKE shelfstack.koreader_book_pages) ON COMMIT DROP; TRUNCATE etl_stage_pages");
    await db.copyCsv("etl_stage_pages", ["device", "md5", "pages_read", "total_pages"], csv(pages));
    // The highest count stays (a device that forgot rows does not lower it), unless pruning.
    await db.exec(
      `INSERT INTO shelfstack.koreader_book_pages AS t SELECT * FROM etl_stage_pages
       ON CONFLICT (device, md5) DO UPDATE SET pages_read = ${prune ? "excluded.pages_read" : "greatest(t.pages_read, excluded.pages_read)"}, total_pages = excluded.total_pages
       WHERE (t.pages_read, t.total_pages) IS DISTINCT FROM (${prune ? "excluded.pages_read" : "greatest(t.pages_read, excluded.pages_read)"}, excluded.total_pages)`,
    );
  }

  const rows = [...plan.keys()].filter(present).map((key) => {
    const seen = scanned.get(key);
    const now = stats?.get(key) ?? { rows: seen?.rows ?? 0, maxStart: seen?.maxStart ?? 0 };
    // A book read from its last session on that saw no new session keeps the one it had.
    const lastStart = seen?.lastSessionStart ?? (Number.isFinite(plan.get(key)!) ? prior.get(key)?.lastSessionStart : null) ?? null;
    return [device, key, now.rows, now.maxStart, lastStart];
  });
  await upsert(db, "shelfstack.koreader_books", ["device", "md5"], ["device", "md5", "row_count", "max_start_time", "last_session_start"], rows);
  if (full && vanished.length > 0) {
    await db.query("DELETE FROM shelfstack.koreader_books WHERE device = $1 AND md5 = ANY(string_to_array($2, ','))", [device, vanished.join(",")]);
  }
  await putValue(db, "shelfstack.etl_state", stateKey, fingerprint);
  return { ...base, unchanged: false, booksRead: read.size, sessions, missing, skipped: reader.skipped.count, skippedRows: [...reader.skipped.first] };
}
