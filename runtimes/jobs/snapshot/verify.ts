import { closeSync, existsSync, openSync, statSync, writeSync } from "node:fs";
import Database from "better-sqlite3";

export class DamagedDatabaseError extends Error {}

/** KOReader's statistics tables: without them it is some other database, not a reader's history. */
const TABLES = ["book", "page_stat_data"];

/**
 * Opens the private copy (SQLite replays its -wal), proves it whole, and writes a single-file
 * snapshot with VACUUM INTO. Throws DamagedDatabaseError on anything short of a clean
 * `PRAGMA integrity_check`: garbage, a truncated file, a -wal SQLite cannot use.
 */
export function verifyAndVacuum(copy: string, snapshot: string): void {
  const wal = `${copy}-wal`;
  const walSize = existsSync(wal) ? statSync(wal).size : 0;
  let db: Database.Database | undefined;
  try {
    db = new Database(copy, { fileMustExist: true });
    if (walSize > 0) {
      // A -wal whose frames SQLite rejects (a half-synced pair, garbage) would be dropped silently
      // and with it the newest reading: that is damage, not an older state.
      const [frames] = db.pragma("wal_checkpoint(PASSIVE)") as { log: number }[];
      if (!(frames.log > 0)) throw new DamagedDatabaseError(`its -wal file (${walSize} bytes) holds no frame SQLite can use — half-synced or damaged`);
    }
    const problems = (db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (problems.length !== 1 || problems[0] !== "ok") throw new DamagedDatabaseError(`integrity_check: ${problems.slice(0, 3).join("; ")}`);
    const present = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    const absent = TABLES.filter((t) => !present.includes(t));
    if (absent.length) throw new DamagedDatabaseError(`not KOReader's statistics database (no ${absent.join(", ")} table)`);
    db.prepare("VACUUM INTO ?").run(snapshot);
  } catch (error) {
    if (error instanceof DamagedDatabaseError) throw error;
    // SQLite's own words: "file is not a database", "database disk image is malformed", …
    if ((error as { code?: string }).code?.startsWith("SQLITE_")) throw new DamagedDatabaseError((error as Error).message);
    throw error;
  } finally {
    db?.close();
  }
  fixSchemaCookie(snapshot);
}

/**
 * VACUUM INTO copies the schema cookie (header bytes 40–43), which counts schema changes: a table
 * created and dropped again leaves the content as it was but the cookie one higher. A fixed cookie
 * makes the snapshot's bytes depend on its content alone, so "unchanged" is a byte comparison.
 * Safe here: no connection has the new file open, and a new connection reads the schema afresh.
 */
function fixSchemaCookie(file: string): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, "r+");
  try {
    writeSync(fd, Buffer.from([0, 0, 0, 1]), 0, 4, 40);
  } finally {
    closeSync(fd);
  }
}
