import type { CopyWriter, Database } from "../db/database";
import { csv, csvLine } from "./csv";
import type { Changes } from "./upsert";

export const SESSIONS = "shelfstack.reading_sessions";
export const SESSION_STAGE = "etl_stage_sessions";
const COLUMNS = ["id", "source", "book_id", "source_key", "device", "start_time", "end_time", "duration_seconds", "pages_read"] as const;
// missing_since too: a staged session is in its source, so one that came back loses its mark.
const COMPARED = [...COLUMNS.filter((c) => c !== "id"), "missing_since"];

/** One reading_sessions row; times in ms since the epoch. */
export interface SessionRow {
  readonly id: string;
  readonly source: "koreader" | "audiobookshelf";
  readonly bookId: string;
  readonly sourceKey: string;
  readonly device: string | null;
  readonly startMs: number;
  readonly endMs: number;
  readonly duration: number;
  readonly pages: number | null;
}

function line(r: SessionRow): string {
  return csvLine([r.id, r.source, r.bookId, r.sourceKey, r.device, new Date(r.startMs).toISOString(), new Date(r.endMs).toISOString(), r.duration, r.pages]);
}

/**
 * Where a run's sessions go. Straight into reading_sessions when none of them can exist yet
 * (a first load: nothing to compare, and COPY into the table is the fastest path there is);
 * otherwise into a staging table, merged afterwards so only differences are written.
 */
export class SessionSink {
  private readonly writer: CopyWriter;
  private buffered = "";
  private count = 0;

  private constructor(
    private readonly db: Database,
    readonly direct: boolean,
  ) {
    this.writer = db.copyStream(direct ? SESSIONS : SESSION_STAGE, COLUMNS);
  }

  static async open(db: Database, direct: boolean): Promise<SessionSink> {
    if (!direct) await db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${SESSION_STAGE} (LIKE ${SESSIONS} INCLUDING DEFAULTS) ON COMMIT DROP; TRUNCATE ${SESSION_STAGE}`);
    return new SessionSink(db, direct);
  }

  /** Buffers a row as CSV text at once: nothing per session outlives this call but its line. */
  add(row: SessionRow): void {
    this.buffered += line(row);
    this.count++;
  }

  /** About 256 KB buffered: time to hand it to Postgres. */
  get full(): boolean {
    return this.buffered.length >= 262_144;
  }

  async drain(): Promise<void> {
    if (this.buffered.length === 0) return;
    const text = this.buffered;
    this.buffered = "";
    await this.writer.write(text);
  }

  /** After a failure while the COPY is open: ends it, so the transaction can roll back. */
  async abort(reason: unknown): Promise<void> {
    this.buffered = "";
    await this.writer.abort(reason instanceof Error ? reason : new Error(String(reason)));
  }

  /** Ends the COPY; for the staging path, gives the planner the staged rows' statistics. */
  async close(): Promise<number> {
    await this.drain();
    await this.writer.end();
    // The index: finding the staged session that replaces a vanished one is a lookup, not a scan.
    if (!this.direct) await this.db.exec(`CREATE INDEX ON ${SESSION_STAGE} (device, source_key, start_time); ANALYZE ${SESSION_STAGE}`);
    return this.count;
  }
}

/**
 * Staged sessions → reading_sessions: changed ones updated (a KOReader session that grew since
 * last night), new ones inserted, equal ones left alone.
 */
export async function mergeSessions(db: Database): Promise<Changes> {
  const [u] = await db.query<{ n: number }>(
    `WITH u AS (UPDATE ${SESSIONS} t SET ${COMPARED.map((c) => `${c} = i.${c}`).join(", ")} FROM ${SESSION_STAGE} i
                WHERE t.id = i.id AND (${COMPARED.map((c) => `t.${c}`).join(", ")}) IS DISTINCT FROM (${COMPARED.map((c) => `i.${c}`).join(", ")}) RETURNING 1)
     SELECT count(*)::int AS n FROM u`,
  );
  const [i] = await db.query<{ n: number }>(
    `WITH n AS (INSERT INTO ${SESSIONS} SELECT i.* FROM ${SESSION_STAGE} i WHERE NOT EXISTS (SELECT 1 FROM ${SESSIONS} t WHERE t.id = i.id) RETURNING 1)
     SELECT count(*)::int AS n FROM n`,
  );
  return { inserted: i.n, updated: u.n, deleted: 0 };
}

/** What became of the stored sessions a run no longer found in their source. */
export interface Vanished {
  /** Computed again differently (another session gap): a staged session covers the same time. */
  readonly replaced: number;
  /** Newly marked as no longer in the source, and kept. */
  readonly missing: number;
}

/**
 * KOReader sessions that were computed again and are not among the new ones: per device and book,
 * those starting at or after `since` (null: all of the book's sessions) that the staging does not
 * hold. One that a staged session overlaps was merely cut differently and is replaced (deleted);
 * one that nothing covers any more is reading the device forgot — kept, marked missing_since.
 */
export async function settleVanishedSessions(db: Database, scope: readonly { device: string; key: string; sinceMs: number | null }[]): Promise<Vanished> {
  if (scope.length === 0) return { replaced: 0, missing: 0 };
  await db.exec("CREATE TEMP TABLE IF NOT EXISTS etl_stage_scope (device text NOT NULL, source_key text NOT NULL, since timestamptz) ON COMMIT DROP; TRUNCATE etl_stage_scope");
  await db.copyCsv("etl_stage_scope", ["device", "source_key", "since"], csv(scope.map((s) => [s.device, s.key, s.sinceMs === null ? null : new Date(s.sinceMs).toISOString()])));
  // EXCEPT, not NOT EXISTS: a set difference has no plan that goes quadratic. A book's sessions
  // never overlap one another, so "a staged session overlaps g" is: one starts within g, or the
  // last one starting before g ends after g's start — two index lookups.
  const [r] = await db.query<{ replaced: number; missing: number }>(
    `WITH gone AS (
       SELECT s.id FROM ${SESSIONS} s
       JOIN etl_stage_scope sc ON s.source = 'koreader' AND s.device = sc.device AND s.source_key = sc.source_key AND (sc.since IS NULL OR s.start_time >= sc.since)
       EXCEPT SELECT id FROM ${SESSION_STAGE}),
     replaced AS (
       SELECT g.id FROM ${SESSIONS} g JOIN gone USING (id)
       WHERE EXISTS (SELECT 1 FROM ${SESSION_STAGE} i WHERE i.device = g.device AND i.source_key = g.source_key AND i.start_time >= g.start_time AND i.start_time <= g.end_time)
          OR (SELECT i.end_time FROM ${SESSION_STAGE} i WHERE i.device = g.device AND i.source_key = g.source_key AND i.start_time < g.start_time
              ORDER BY i.start_time DESC LIMIT 1) >= g.start_time),
     d AS (DELETE FROM ${SESSIONS} s USING replaced WHERE s.id = replaced.id RETURNING 1),
     m AS (UPDATE ${SESSIONS} s SET missing_since = now() FROM (SELECT id FROM gone EXCEPT SELECT id FROM replaced) k
           WHERE s.id = k.id AND s.missing_since IS NULL RETURNING 1)
     SELECT (SELECT count(*) FROM d)::int AS replaced, (SELECT count(*) FROM m)::int AS missing`,
  );
  return { replaced: r.replaced, missing: r.missing };
}

/** Audiobookshelf sessions (stable ids) a full read no longer lists: kept, marked. */
export async function markMissingListening(db: Database): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    `WITH gone AS (SELECT id FROM ${SESSIONS} WHERE source = 'audiobookshelf' AND missing_since IS NULL EXCEPT SELECT id FROM ${SESSION_STAGE}),
     m AS (UPDATE ${SESSIONS} s SET missing_since = now() FROM gone WHERE s.id = gone.id RETURNING 1)
     SELECT count(*)::int AS n FROM m`,
  );
  return r.n;
}

/** What `etl --full --prune` removed from one source (one KOReader device, or Audiobookshelf). */
export interface Pruned {
  readonly source: "koreader" | "audiobookshelf";
  readonly device: string | null;
  readonly sessions: number;
  readonly books: number;
  readonly seconds: number;
  /** Epoch ms of the earliest and latest removed session's start. */
  readonly firstMs: number;
  readonly lastMs: number;
}

/**
 * Deletes the marked sessions of the sources this run mirrored (the KOReader devices it read,
 * Audiobookshelf when it was read), and says what went.
 */
export async function pruneMissing(db: Database, scope: { readonly devices: readonly string[]; readonly audiobookshelf: boolean }): Promise<Pruned[]> {
  const rows = await db.query<{ source: Pruned["source"]; device: string | null; sessions: number; books: number; seconds: number; first_ms: number; last_ms: number }>(
    `WITH d AS (DELETE FROM ${SESSIONS} s WHERE s.missing_since IS NOT NULL
                  AND ((s.source = 'koreader' AND s.device = ANY($1::text[])) OR (s.source = 'audiobookshelf' AND $2::boolean))
                RETURNING s.source, s.device, s.book_id, s.duration_seconds, s.start_time)
     SELECT source, device, count(*)::int AS sessions, count(DISTINCT book_id)::int AS books, sum(duration_seconds)::float8 AS seconds,
            (extract(epoch FROM min(start_time)) * 1000)::float8 AS first_ms, (extract(epoch FROM max(start_time)) * 1000)::float8 AS last_ms
     FROM d GROUP BY source, device ORDER BY source, device`,
    [scope.devices, scope.audiobookshelf],
  );
  if (scope.devices.length > 0) {
    // Distinct pages of books a device no longer has any session of go with them.
    await db.query(
      `DELETE FROM shelfstack.koreader_book_pages p WHERE p.device = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM ${SESSIONS} s WHERE s.source = 'koreader' AND s.device = p.device AND s.source_key = p.md5)`,
      [scope.devices],
    );
  }
  return rows.map((r) => ({ source: r.source, device: r.device, sessions: r.sessions, books: r.books, seconds: r.seconds, firstMs: r.first_ms, lastMs: r.last_ms }));
}
