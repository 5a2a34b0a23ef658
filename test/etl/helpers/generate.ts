import BetterSqlite3 from "better-sqlite3";
import { fixture as sql } from "./fixtures";
import { KOREADER_DDL } from "./koreader";

/** A KOReader statistics file (rollback journal, like the nightly snapshot) with `rows` page rows. */
export function generateStatistics(path: string, rows: number, books = 200): void {
  const db = new BetterSqlite3(path);
  db.exec(KOREADER_DDL);
  db.transaction(() => {
    db.prepare(sql("generate-books.sql")).run({ books });
    db.prepare(sql("generate-page-rows.sql")).run({ first: 0, last: rows, books });
  })();
  db.close();
}

/** The same diary read on: rows `from` … `to` - 1. */
export function appendRows(path: string, from: number, to: number, books = 200): void {
  const db = new BetterSqlite3(path);
  db.prepare(sql("generate-page-rows.sql")).run({ first: from, last: to, books });
  db.close();
}
