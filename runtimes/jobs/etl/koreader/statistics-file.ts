import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { UserError } from "../../../../config/errors";

/** KOReader's statistics schema this ETL reads (plugins/statistics.koplugin, DB_SCHEMA_VERSION). */
export const KOREADER_SCHEMA_VERSION = 20221111;

/** The columns and index the ETL relies on, exactly as KOReader creates them. */
const REQUIRED_COLUMNS: Record<string, readonly string[]> = {
  book: ["id", "title", "authors", "md5", "last_open"],
  page_stat_data: ["id_book", "page", "start_time", "duration", "total_pages"],
};
export const START_TIME_INDEX = "page_stat_data_start_time";

/** A statistics file the ETL cannot read: the message says what is wrong and what to do. */
export class StatisticsFileError extends UserError {}

/**
 * Opens a KOReader statistics.sqlite3 read-only and checks it is KOReader's schema 20221111.
 * The nightly snapshot is a single rollback-journal file, so nothing is written beside it; a live
 * WAL-mode file is read the way SQLite reads WAL (its -wal is replayed, a -shm may be created).
 */
export function openStatisticsFile(path: string): BetterSqlite3.Database {
  if (!existsSync(path)) throw new StatisticsFileError(`${path}: no such file — pass the statistics snapshot with --stats`);
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StatisticsFileError(`${path}: cannot open it with SQLite (${(error as Error).message})`);
  }
  try {
    checkSchema(db, path);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StatisticsFileError) throw error;
    throw new StatisticsFileError(`${path}: not a readable SQLite database (${(error as Error).message}) — is it a KOReader statistics.sqlite3?`);
  }
}

function checkSchema(db: BetterSqlite3.Database, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  if (!tables.has("book") || !tables.has("page_stat_data")) {
    throw new StatisticsFileError(`${path}: not a KOReader statistics database (no book and page_stat_data tables)`);
  }
  if (version !== KOREADER_SCHEMA_VERSION) {
    const hint =
      version < KOREADER_SCHEMA_VERSION
        ? "open any book in a current KOReader once, which upgrades the file"
        : "this shelfstack knows KOReader's schema up to 20221111 — update shelfstack";
    throw new StatisticsFileError(`${path}: KOReader statistics schema ${version}, expected ${KOREADER_SCHEMA_VERSION} — ${hint}`);
  }
  for (const [table, columns] of Object.entries(REQUIRED_COLUMNS)) {
    const present = new Set(db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]);
    const missing = columns.filter((c) => !present.has(c));
    if (missing.length > 0) {
      throw new StatisticsFileError(`${path}: table ${table} lacks ${missing.join(", ")} — not KOReader's schema ${KOREADER_SCHEMA_VERSION}`);
    }
  }
  const indexed = db.prepare(`SELECT name FROM pragma_index_info('${START_TIME_INDEX}')`).pluck().all() as string[];
  if (indexed.length !== 1 || indexed[0] !== "start_time") {
    throw new StatisticsFileError(`${path}: index ${START_TIME_INDEX} on page_stat_data(start_time) is missing — not KOReader's schema ${KOREADER_SCHEMA_VERSION}`);
  }
}
