import { matchBooks, recordId, type BookRow, type Source, type SourceRecord } from "../books/match";
import type { Database } from "../db/database";
import { csv, type Cell } from "./csv";
import { deleteKeys, noChanges, upsert, type Changes } from "./upsert";

const BOOK_COLUMNS = ["id", "title", "author", "format", "koreader_md5", "abs_item_id", "hardcover_book_id"] as const;
const SOURCE_COLUMNS = ["source", "source_key", "book_id", "title", "author", "isbn", "asin"] as const;

export interface BookChanges {
  readonly books: Changes;
  readonly sources: Changes;
  /** Records of this run, by (source, key), to their book id. */
  readonly bookOf: ReadonlyMap<string, string>;
}

/**
 * Brings books and book_sources in line with what the sources say now. Every record known
 * (stored ones plus this run's, which win) is matched again, so the result is the same as a
 * fresh load of the same records. `dropped` are stored records to forget (a full rebuild of
 * their source no longer saw them). Only differences are written.
 */
export async function applyBooks(db: Database, fresh: readonly SourceRecord[], dropped: ReadonlySet<string> = new Set()): Promise<BookChanges> {
  const stored = await db.query<{ source: Source; source_key: string; book_id: string; title: string; author: string | null; isbn: string | null; asin: string | null }>(
    "SELECT source, source_key, book_id, title, author, isbn, asin FROM shelfstack.book_sources",
  );
  const records = new Map<string, SourceRecord>();
  for (const s of stored) {
    const id = recordId(s.source, s.source_key);
    if (!dropped.has(id)) records.set(id, { source: s.source, key: s.source_key, title: s.title, author: s.author, isbn: s.isbn, asin: s.asin });
  }
  for (const r of fresh) records.set(recordId(r.source, r.key), r);
  const { books, bookOf } = matchBooks([...records.values()]);

  const storedBooks = await db.query<Record<(typeof BOOK_COLUMNS)[number], string | null>>(
    `SELECT ${BOOK_COLUMNS.map((c) => (c === "hardcover_book_id" ? `${c}::text AS ${c}` : c)).join(", ")} FROM shelfstack.books`,
  );
  const bookRow = (b: BookRow): Cell[] => BOOK_COLUMNS.map((c) => b[c]);
  const before = new Map(storedBooks.map((b) => [b.id as string, JSON.stringify(BOOK_COLUMNS.map((c) => b[c]))]));
  const changedBooks = books.filter((b) => before.get(b.id) !== JSON.stringify(bookRow(b)));
  const wanted = new Set(books.map((b) => b.id));
  const goneBooks = [...before.keys()].filter((id) => !wanted.has(id));

  const sourceRow = (r: SourceRecord): Cell[] => [r.source, r.key, bookOf.get(recordId(r.source, r.key))!, r.title, r.author, r.isbn, r.asin];
  const storedSources = new Map(stored.map((s) => [recordId(s.source, s.source_key), JSON.stringify(SOURCE_COLUMNS.map((c) => s[c]))]));
  const changedSources = [...records.values()].filter((r) => storedSources.get(recordId(r.source, r.key)) !== JSON.stringify(sourceRow(r)));
  const goneSources = stored.filter((s) => !records.has(recordId(s.source, s.source_key)));

  let bookChanges = noChanges();
  let sourceChanges = noChanges();
  if (changedBooks.length > 0) bookChanges = await upsert(db, "shelfstack.books", ["id"], BOOK_COLUMNS, changedBooks.map(bookRow));
  if (changedSources.length > 0) sourceChanges = await upsert(db, "shelfstack.book_sources", ["source", "source_key"], SOURCE_COLUMNS, changedSources.map(sourceRow));
  if (goneSources.length > 0) {
    // Two-column key: delete through the text form "source\0key".
    await db.exec("CREATE TEMP TABLE IF NOT EXISTS etl_stage_keys (k text NOT NULL) ON COMMIT DROP; TRUNCATE etl_stage_keys");
    await db.copyCsv("etl_stage_keys", ["k"], csv(goneSources.map((s) => [`${s.source}:${s.source_key}`])));
    const [r] = await db.query<{ n: number }>(
      "WITH d AS (DELETE FROM shelfstack.book_sources t USING etl_stage_keys s WHERE t.source || ':' || t.source_key = s.k RETURNING 1) SELECT count(*)::int AS n FROM d",
    );
    sourceChanges = { ...sourceChanges, deleted: r.n };
  }
  // A record that moved to another book (a match appeared or went away) takes its rows along.
  const moved = stored.some((s) => records.has(recordId(s.source, s.source_key)) && bookOf.get(recordId(s.source, s.source_key)) !== s.book_id);
  if (moved) {
    await db.exec(`
      UPDATE shelfstack.reading_sessions s SET book_id = bs.book_id FROM shelfstack.book_sources bs
        WHERE bs.source = s.source AND bs.source_key = s.source_key AND s.book_id <> bs.book_id;
      UPDATE shelfstack.hardcover_user_books u SET book_id = bs.book_id FROM shelfstack.book_sources bs
        WHERE bs.source = 'hardcover' AND bs.source_key = u.hardcover_book_id::text AND u.book_id <> bs.book_id;
      UPDATE shelfstack.hardcover_reads r SET book_id = u.book_id FROM shelfstack.hardcover_user_books u
        WHERE u.id = r.user_book_id AND r.book_id <> u.book_id;`);
  }
  if (goneBooks.length > 0) bookChanges = { ...bookChanges, deleted: await deleteKeys(db, "shelfstack.books", "id", goneBooks) };
  return { books: bookChanges, sources: sourceChanges, bookOf };
}
