import type { CopyWriter, Database } from "../db/database";
import { csv, csvLine } from "./csv";
import type { Changes } from "./upsert";

export const SESSIONS = "shelfstack.reading_sessions";
export const SESSION_STAGE = "etl_stage_sessions";
const COLUMNS = ["id", "source", "book_id", "source_key", "device", "start_time", "end_time", "duration_seconds", "pages_read"] as const;
const COMPARED = COLUMNS.filter((c) => c !== "id");

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
    if (!this.direct) await this.db.exec(`ANALYZE ${SESSION_STAGE}`);
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

/**
 * KOReader sessions that were computed again and are gone: per device and book, those starting
 * at or after `since` (null: all of the book's sessions) that the staging does not hold.
 */
export async function deleteReplacedSessions(db: Database, scope: readonly { device: string; key: string; sinceMs: number | null }[]): Promise<number> {
  if (scope.length === 0) return 0;
  await db.exec("CREATE TEMP TABLE IF NOT EXISTS etl_stage_scope (device text NOT NULL, source_key text NOT NULL, since timestamptz) ON COMMIT DROP; TRUNCATE etl_stage_scope");
  await db.copyCsv("etl_stage_scope", ["device", "source_key", "since"], csv(scope.map((s) => [s.device, s.key, s.sinceMs === null ? null : new Date(s.sinceMs).toISOString()])));
  // EXCEPT, not NOT EXISTS: a set difference has no plan that goes quadratic.
  const [r] = await db.query<{ n: number }>(
    `WITH gone AS (
       SELECT s.id FROM ${SESSIONS} s
       JOIN etl_stage_scope sc ON s.source = 'koreader' AND s.device = sc.device AND s.source_key = sc.source_key AND (sc.since IS NULL OR s.start_time >= sc.since)
       EXCEPT SELECT id FROM ${SESSION_STAGE}),
     d AS (DELETE FROM ${SESSIONS} s USING gone WHERE s.id = gone.id RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
  );
  return r.n;
}
