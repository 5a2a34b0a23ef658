import { recordId, type SourceRecord } from "../books/match";
import type { Database } from "../db/database";
import type { StatisticsReader } from "../koreader/statistics";

/**
 * Stored records a mirrored source no longer has: Hardcover (read whole every run) always; with
 * --full also KOReader and Audiobookshelf. KOReader records stay while another reader's sessions
 * (a device not in this run) still point at them.
 */
export async function forgotten(
  db: Database,
  readers: readonly StatisticsReader[],
  records: readonly SourceRecord[],
  read: { full: boolean; abs: boolean; hardcover: boolean },
): Promise<Set<string>> {
  const mirrored = new Set([
    ...(read.full && readers.length ? ["koreader"] : []),
    ...(read.full && read.abs ? ["audiobookshelf"] : []),
    ...(read.hardcover ? ["hardcover"] : []),
  ]);
  if (mirrored.size === 0) return new Set();
  const fresh = new Set(records.map((r) => recordId(r.source, r.key)));
  const devices = readers.map((r) => r.input.device);
  const stored = await db.query<{ source: string; source_key: string; elsewhere: boolean }>(
    `SELECT bs.source, bs.source_key,
            EXISTS (SELECT 1 FROM shelfstack.reading_sessions s WHERE s.source = bs.source AND s.source_key = bs.source_key AND s.device <> ALL($1::text[])) AS elsewhere
     FROM shelfstack.book_sources bs`,
    [devices],
  );
  return new Set(
    stored
      .filter((s) => mirrored.has(s.source) && !fresh.has(recordId(s.source as SourceRecord["source"], s.source_key)) && !(s.source === "koreader" && s.elsewhere))
      .map((s) => recordId(s.source as SourceRecord["source"], s.source_key)),
  );
}

