import Database from "better-sqlite3";

/** KOReader's statistics schema 20221111, as plugins/statistics.koplugin/main.lua creates it. */
const DDL = `
CREATE TABLE IF NOT EXISTS book (
  id integer PRIMARY KEY autoincrement, title text, authors text, notes integer, last_open integer,
  highlights integer, pages integer, series text, language text, md5 text, total_read_time integer,
  total_read_pages integer
);
CREATE TABLE IF NOT EXISTS page_stat_data (
  id_book integer, page integer NOT NULL DEFAULT 0, start_time integer NOT NULL DEFAULT 0,
  duration integer NOT NULL DEFAULT 0, total_pages integer NOT NULL DEFAULT 0,
  UNIQUE (id_book, page, start_time), FOREIGN KEY(id_book) REFERENCES book(id)
);
CREATE INDEX IF NOT EXISTS page_stat_data_start_time ON page_stat_data(start_time);
CREATE TABLE IF NOT EXISTS numbers (number INTEGER PRIMARY KEY);
CREATE UNIQUE INDEX IF NOT EXISTS book_title_authors_md5 ON book(title, authors, md5);
`;

/**
 * A KOReader statistics database the way an Android reader keeps it: WAL mode. With
 * `autocheckpoint: false` committed rows stay in the -wal until the connection closes, as they
 * do while KOReader has the file open.
 */
export class KoreaderDb {
  readonly db: Database.Database;

  constructor(
    readonly file: string,
    options: { autocheckpoint?: boolean } = {},
  ) {
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    if (options.autocheckpoint === false) this.db.pragma("wal_autocheckpoint = 0");
    this.db.exec(DDL);
    if ((this.db.prepare("SELECT count(*) AS n FROM numbers").get() as { n: number }).n === 0) {
      this.db.exec("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000) INSERT INTO numbers SELECT n FROM c");
    }
    this.db.pragma("user_version = 20221111");
  }

  addBook(title: string, authors: string, md5: string, pages = 300): number {
    return Number(
      this.db
        .prepare("INSERT INTO book (title, authors, md5, pages, notes, highlights, last_open, total_read_time, total_read_pages) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0)")
        .run(title, authors, md5, pages).lastInsertRowid,
    );
  }

  /** `count` page turns of `seconds` each, one after the other from `start`. */
  read(book: number, start: number, count: number, seconds = 60, firstPage = 1): void {
    const insert = this.db.prepare("INSERT INTO page_stat_data (id_book, page, start_time, duration, total_pages) VALUES (?, ?, ?, ?, 300)");
    this.db.transaction(() => {
      for (let i = 0; i < count; i++) insert.run(book, firstPage + i, start + i * seconds, seconds);
    })();
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM page_stat_data").get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

/** Page rows in a database file opened alone (no -wal beside it is read unless present). */
export function pageRows(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM page_stat_data").get() as { n: number }).n;
  } finally {
    db.close();
  }
}
