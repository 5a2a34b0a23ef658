import { recordId, type SourceRecord } from "../books/match";
import type { Database } from "../db/database";
import type { StatisticsReader } from "../koreader/statistics";

/**
 * Stored records a mirrored source no longer has: Hardcover (read whole every run) always; with
 * --full also KOReader and Audiobookshelf. A KOReader or Audiobookshelf record stays while any
 * session points at it (the warehouse keeps sessions a source forgot); with `prune`, which deletes
 * the forgotten sessions of the sources read, only while another reader's sessions (a device not
 * in this run) still point at it.
 */
export async function forgotten(
  db: Database,
  readers: readonly StatisticsReader[],
  records: readonly SourceRecord[],
  read: { full: boolean; abs: boolean; hardcover: boolean; prune?: boolean },
): Promise<Set<string>> {
  const mirrored = new Set([...(read.full && readers.length ? ["koreader"] : []), ...(read.full && read.abs ? ["audiobookshelf"] : []), ...(read.hardcover ? ["hardcover"] : [])]);
  if (mirrored.size === 0) return new Set();
  const fresh = new Set(records.map((r) => recordId(r.source, r.key)));
  const devices = readers.map((r) => r.input.device);
  // Without prune, every session counts; with it, those of the sources pruned this run do not.
  const stored = await db.query<{ source: string; source_key: string; elsewhere: boolean }>(
    `SELECT bs.source, bs.source_key,
            EXISTS (SELECT 1 FROM shelfstack.reading_sessions s WHERE s.source = bs.source AND s.source_key = bs.source_key
                      AND (NOT $2::boolean OR (s.source = 'koreader' AND s.device <> ALL($1::text[])))) AS elsewhere
     FROM shelfstack.book_sources bs`,
    [devices, read.prune ?? false],
  );
  return new Set(
    stored
      .filter((s) => mirrored.has(s.source) && !fresh.has(recordId(s.source as SourceRecord["source"], s.source_key)) && !s.elsewhere)
      .map((s) => recordId(s.source as SourceRecord["source"], s.source_key)),
  );
}
