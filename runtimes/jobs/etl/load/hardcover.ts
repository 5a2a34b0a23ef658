import { recordId } from "../books/match";
import type { Database } from "../db/database";
import type { HardcoverExtract } from "../sources/hardcover";
import { addChanges, deleteKeys, upsert, type Changes } from "./upsert";

/** The Hardcover shelf, mirrored: it is read whole each run, so what Hardcover no longer has goes. */
export async function loadHardcover(db: Database, extract: HardcoverExtract, bookOf: ReadonlyMap<string, string>): Promise<Changes> {
  const book = (key: string) => bookOf.get(recordId("hardcover", key))!;
  const userBooks = await upsert(
    db,
    "shelfstack.hardcover_user_books",
    ["id"],
    ["id", "book_id", "hardcover_book_id", "status", "rating"],
    extract.userBooks.map((u) => [u.id, book(u.bookKey), u.bookKey, u.status, u.rating]),
  );
  const reads = await upsert(
    db,
    "shelfstack.hardcover_reads",
    ["id"],
    ["id", "user_book_id", "book_id", "started_at", "finished_at", "progress_pages", "progress_seconds"],
    extract.userBooks.flatMap((u) => u.reads.map((r) => [r.id, u.id, book(u.bookKey), r.startedAt, r.finishedAt, r.progressPages, r.progressSeconds])),
  );
  const keepReads = new Set(extract.userBooks.flatMap((u) => u.reads.map((r) => r.id)));
  const keepBooks = new Set(extract.userBooks.map((u) => u.id));
  const storedReads = await db.query<{ id: string }>("SELECT id::text AS id FROM shelfstack.hardcover_reads");
  const storedBooks = await db.query<{ id: string }>("SELECT id::text AS id FROM shelfstack.hardcover_user_books");
  const deleted =
    (await deleteKeys(
      db,
      "shelfstack.hardcover_reads",
      "id",
      storedReads.map((r) => r.id).filter((id) => !keepReads.has(id)),
    )) +
    (await deleteKeys(
      db,
      "shelfstack.hardcover_user_books",
      "id",
      storedBooks.map((r) => r.id).filter((id) => !keepBooks.has(id)),
    ));
  return addChanges(addChanges(userBooks, reads), { inserted: 0, updated: 0, deleted });
}
