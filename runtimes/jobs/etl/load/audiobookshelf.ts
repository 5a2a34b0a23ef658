import type { Database } from "../db/database";
import type { AbsExtract } from "../sources/audiobookshelf";
import { recordId } from "../books/match";
import { csv } from "./csv";
import { markMissingListening, mergeSessions, SessionSink } from "./sessions";
import { putValue, type Changes } from "./upsert";

export const ABS_CURSOR = "audiobookshelf";

/**
 * Listening sessions into reading_sessions; with `mirror` (a full read), sessions no longer
 * listed are kept and marked as no longer in Audiobookshelf (`missing`).
 */
export async function loadAudiobookshelf(db: Database, extract: AbsExtract, bookOf: ReadonlyMap<string, string>, mirror: boolean): Promise<{ changes: Changes; missing: number }> {
  const sink = await SessionSink.open(db, false);
  for (const s of extract.sessions) {
    sink.add({
      id: `audiobookshelf:${s.id}`,
      source: "audiobookshelf",
      bookId: bookOf.get(recordId("audiobookshelf", s.itemId))!,
      sourceKey: s.itemId,
      device: null,
      startMs: s.startMs,
      endMs: s.endMs,
      duration: s.duration,
      pages: null,
    });
    if (sink.full) await sink.drain();
  }
  await sink.close();
  const changes = await mergeSessions(db);
  await saveProgress(db, extract);
  const missing = mirror ? await markMissingListening(db) : 0;
  if (extract.cursor !== undefined) await putValue(db, "shelfstack.etl_state", ABS_CURSOR, String(extract.cursor));
  return { changes, missing };
}

/** Per item: its length (the latest session's word) and the furthest position; never moved back. */
async function saveProgress(db: Database, extract: AbsExtract): Promise<void> {
  const items = new Map<string, { duration: number | null; latest: number; position: number }>();
  for (const s of extract.sessions) {
    const item = items.get(s.itemId) ?? { duration: null, latest: -Infinity, position: 0 };
    if (s.itemDuration !== null && s.endMs >= item.latest) {
      item.duration = s.itemDuration;
      item.latest = s.endMs;
    }
    item.position = Math.max(item.position, s.position ?? 0);
    items.set(s.itemId, item);
  }
  const rows = [...items].filter(([, p]) => p.duration !== null || p.position > 0).map(([id, p]) => [id, p.duration, p.position]);
  if (rows.length === 0) return;
  await db.exec("CREATE TEMP TABLE IF NOT EXISTS etl_stage_progress (LIKE shelfstack.audiobook_progress) ON COMMIT DROP; TRUNCATE etl_stage_progress");
  await db.copyCsv("etl_stage_progress", ["item_id", "duration_seconds", "position_seconds"], csv(rows));
  await db.exec(
    `INSERT INTO shelfstack.audiobook_progress AS t SELECT * FROM etl_stage_progress
     ON CONFLICT (item_id) DO UPDATE SET duration_seconds = coalesce(excluded.duration_seconds, t.duration_seconds), position_seconds = greatest(t.position_seconds, excluded.position_seconds)
     WHERE (t.duration_seconds, t.position_seconds) IS DISTINCT FROM (coalesce(excluded.duration_seconds, t.duration_seconds), greatest(t.position_seconds, excluded.position_seconds))`,
  );
}
