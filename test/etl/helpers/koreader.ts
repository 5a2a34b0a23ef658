import BetterSqlite3 from "better-sqlite3";
import { fixture } from "./fixtures";

export const KOREADER_DDL = fixture("koreader-statistics-20221111.sql");

export interface PageRow {
  readonly book: number;
  readonly page: number;
  readonly start: number;
  readonly duration: number;
}

/**
 * A KOReader statistics database as KOReader writes it: its DDL, WAL mode, INSERT OR IGNORE of
 * page rows. The connection stays open (as KOReader's would), so recent rows live in the -wal.
 */
export class KoreaderDb {
  readonly db: BetterSqlite3.Database;

  constructor(
    readonly path: string,
    options: { wal?: boolean } = {},
  ) {
    this.db = new BetterSqlite3(path);
    this.db.pragma(options.wal === false ? "journal_mode = TRUNCATE" : "journal_mode = WAL");
    // Keep committed rows in the -wal: the ETL must read them through SQLite's WAL replay.
    this.db.pragma("wal_autocheckpoint = 0");
    // An existing file (user_version set) is opened as it is, like KOReader does.
    if (this.db.pragma("user_version", { simple: true }) === 0) this.db.exec(KOREADER_DDL);
  }

  addBook(title: string, authors: string, md5: string | null, pages = 300): number {
    const r = this.db.prepare("INSERT INTO book VALUES(NULL, ?, ?, 0, ?, 0, ?, NULL, 'en', ?, 0, 0)").run(title, authors, Math.floor(Date.now() / 1000), pages, md5);
    return Number(r.lastInsertRowid);
  }

  addRows(rows: readonly PageRow[], totalPages = 300): void {
    const insert = this.db.prepare("INSERT OR IGNORE INTO page_stat_data VALUES(?, ?, ?, ?, ?)");
    this.db.transaction(() => {
      for (const r of rows) insert.run(r.book, r.page, r.start, r.duration, totalPages);
    })();
  }

  close(): void {
    this.db.close();
  }
}

/** Consecutive page rows: `count` pages from `firstPage`, each `duration` s, one after the other from `start`. */
export function reading(book: number, start: number, count: number, duration = 60, firstPage = 1): PageRow[] {
  return Array.from({ length: count }, (_, i) => ({ book, page: firstPage + i, start: start + i * duration, duration }));
}
