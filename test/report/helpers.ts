import { join } from "node:path";
import type { Database } from "../../runtimes/jobs/etl/db/database";
import { runEtl, type EtlOptions } from "../../runtimes/jobs/etl/run";
import { KoreaderDb, reading } from "../etl/helpers/koreader";

export const ZONE = "Europe/Berlin";
const utc = (iso: string) => Date.parse(`${iso}Z`) / 1000;

/**
 * Reading crafted around the edges a report gets wrong: sessions a minute either side of local
 * midnight, on both DST change days, across a month and a year end. [UTC start, pages, s/page].
 * In Berlin the days read are 2024-01-10, -11, -12 (a 3-day streak), 2024-03-29 … 2024-04-02
 * (5 days, over the spring change and a month end), 2024-10-26 … -28 (3, over the autumn change).
 */
export const EBOOK_SESSIONS: readonly [string, number, number][] = [
  ["2024-01-10T22:50:00", 5, 60], // 23:50 CET, Jan 10
  ["2024-01-10T23:05:00", 3, 40], // 00:05 CET, Jan 11 (15 min after: a session of its own)
  ["2024-01-12T12:00:00", 10, 90],
  ["2024-03-29T12:00:00", 6, 60],
  ["2024-03-30T12:00:00", 6, 60],
  ["2024-03-30T23:30:00", 4, 60], // 00:30 CET, Mar 31, the night clocks go forward
  ["2024-04-01T21:59:00", 2, 30], // 23:59 CEST, Apr 1
  ["2024-04-01T22:01:30", 2, 30], // 00:01 CEST, Apr 2
  ["2024-10-26T21:59:00", 1, 50], // 23:59 CEST, Oct 26
  ["2024-10-26T22:30:00", 3, 60], // 00:30 CEST, Oct 27, the night clocks go back
  ["2024-10-27T23:30:00", 2, 60], // 00:30 CET, Oct 28
];

/** A statistics file with two books: the crafted sessions alternate between them; book one's pages 1–3 are read twice. */
export function craftedStatistics(path: string): KoreaderDb {
  const db = new KoreaderDb(path);
  const books = [
    db.addBook("Crafted Days", "A. Writer", "c0ffee00c0ffee00c0ffee00c0ffee00", 120),
    db.addBook("Midnight Pages", "B. Writer", "deadbeefdeadbeefdeadbeefdeadbeef", 40),
  ];
  EBOOK_SESSIONS.forEach(([start, pages, seconds], i) => {
    const book = books[i % 2];
    db.addRows(reading(book, utc(start), pages, seconds, i % 2 ? 1 + i : 1));
  });
  db.db.pragma("wal_checkpoint(TRUNCATE)");
  return db;
}

/** Listening sessions, put straight into the warehouse as the Audiobookshelf load would. */
export async function addListening(db: Database): Promise<void> {
  await db.exec(`
    INSERT INTO shelfstack.books (id, title, author, format, abs_item_id) VALUES ('abs-book', 'Heard Story', 'C. Narrator', 'audiobook', 'li_heard');
    INSERT INTO shelfstack.book_sources (source, source_key, book_id, title, author) VALUES ('audiobookshelf', 'li_heard', 'abs-book', 'Heard Story', 'C. Narrator');
    INSERT INTO shelfstack.reading_sessions (id, book_id, source, source_key, device, start_time, end_time, duration_seconds, pages_read, missing_since) VALUES
      ('audiobookshelf:ls_1', 'abs-book', 'audiobookshelf', 'li_heard', NULL, '2024-03-31T10:00:00Z', '2024-03-31T10:30:00Z', 1800, NULL, NULL),
      ('audiobookshelf:ls_2', 'abs-book', 'audiobookshelf', 'li_heard', NULL, '2024-12-31T23:30:00Z', '2025-01-01T00:10:00Z', 2400, NULL, '2025-02-01T00:00:00Z'),
      ('audiobookshelf:ls_3', 'abs-book', 'audiobookshelf', 'li_heard', NULL, '2024-10-26T22:40:00Z', '2024-10-26T23:00:00Z', 1200, NULL, NULL);
    INSERT INTO shelfstack.audiobook_progress (item_id, duration_seconds, position_seconds) VALUES ('li_heard', 36000, 5400);
  `);
}

export function etlOptions(database: EtlOptions["database"], stats: string): EtlOptions {
  return { database, koreader: [{ device: "palma", path: stats }], gapSeconds: 300, timeZone: ZONE, full: false };
}

/** The crafted warehouse: KOReader through the real ETL, then the listening sessions. */
export async function craftedWarehouse(db: Database, database: EtlOptions["database"], dir: string): Promise<void> {
  const stats = join(dir, "crafted.sqlite3");
  const k = craftedStatistics(stats);
  k.close();
  await runEtl(etlOptions(database, stats), db);
  await addListening(db);
}
