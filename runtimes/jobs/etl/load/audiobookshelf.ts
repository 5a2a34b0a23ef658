import type { Database } from "../db/database";
import type { AbsExtract } from "../sources/audiobookshelf";
import { recordId } from "../books/match";
import { mergeSessions, SESSION_STAGE, SESSIONS, SessionSink } from "./sessions";
import { putValue, type Changes } from "./upsert";

export const ABS_CURSOR = "audiobookshelf";

/** Listening sessions into reading_sessions; with `mirror` (a full read), sessions no longer listed go. */
export async function loadAudiobookshelf(db: Database, extract: AbsExtract, bookOf: ReadonlyMap<string, string>, mirror: boolean): Promise<Changes> {
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
  let deleted = 0;
  if (mirror) {
    const [r] = await db.query<{ n: number }>(
      `WITH gone AS (SELECT id FROM ${SESSIONS} WHERE source = 'audiobookshelf' EXCEPT SELECT id FROM ${SESSION_STAGE}),
       d AS (DELETE FROM ${SESSIONS} s USING gone WHERE s.id = gone.id RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
    );
    deleted = r.n;
  }
  if (extract.cursor !== undefined) await putValue(db, "shelfstack.etl_state", ABS_CURSOR, String(extract.cursor));
  return { ...changes, deleted };
}
