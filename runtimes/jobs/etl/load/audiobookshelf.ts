import type { Database } from "../db/database";
import type { AbsExtract } from "../sources/audiobookshelf";
import { recordId } from "../books/match";
import { markMissingListening, mergeSessions, SessionSink } from "./sessions";
import { putValue, type Changes } from "./upsert";

export const ABS_CURSOR = "audiobookshelf";

/**
 * Listening sessions into reading_sessions; with `mirror` (a full read), sessions no longer
 * listed are kept and marked as no longer in Audiobookshelf (`missing`).
 */
export async function loadAudiobookshelf(
  db: Database,
  extract: AbsExtract,
  bookOf: ReadonlyMap<string, string>,
  mirror: boolean,
): Promise<{ changes: Changes; missing: number }> {
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
  const missing = mirror ? await markMissingListening(db) : 0;
  if (extract.cursor !== undefined) await putValue(db, "shelfstack.etl_state", ABS_CURSOR, String(extract.cursor));
  return { changes, missing };
}
