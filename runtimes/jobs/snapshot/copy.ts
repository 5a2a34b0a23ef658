import { createHash } from "node:crypto";
import { closeSync, copyFileSync, existsSync, openSync, readSync, rmSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import { DB_NAME } from "./sources";

export class UnstableSourceError extends Error {}

/** The database and its write-ahead log, if any: the -wal may hold commits the main file lacks. */
function files(dir: string): string[] {
  const db = join(dir, DB_NAME);
  const wal = `${db}-wal`;
  return existsSync(wal) && statSync(wal).size > 0 ? [db, wal] : [db];
}

function hashInto(hash: ReturnType<typeof createHash>, file: string): void {
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, "r");
  try {
    for (let n; (n = readSync(fd, buffer, 0, buffer.length, null)) > 0;) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** One hash over the database and its -wal: equal hashes mean byte-identical sources. */
export function hashSource(dir: string): string {
  const hash = createHash("sha256");
  for (const file of files(dir)) {
    hash.update(`${file.endsWith("-wal") ? "wal" : "db"}\0`);
    hashInto(hash, file);
  }
  return hash.digest("hex");
}

const same = (a: Stats, b: Stats) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

/**
 * Copies statistics.sqlite3 (and its -wal) out of the synced folder into `into`, reading only.
 * Syncthing replaces files whole (temporary file, then rename), but the database and its -wal are
 * two files: a copy counts only if neither changed while it was taken. Returns the copy's hash.
 */
export async function copyStable(dir: string, into: string, attempts = 3, pauseMs = 2000): Promise<string> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const sources = files(dir);
      const before = sources.map((f) => statSync(f));
      rmSync(join(into, `${DB_NAME}-wal`), { force: true });
      for (const f of sources) copyFileSync(f, join(into, f.endsWith("-wal") ? `${DB_NAME}-wal` : DB_NAME));
      const after = files(dir);
      if (after.length === sources.length && after.every((f, i) => same(before[i], statSync(f)))) return hashSource(into);
    } catch (error) {
      // A file replaced or removed mid-copy: the same as a change, try again.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (attempt < attempts) await new Promise((r) => setTimeout(r, pauseMs * attempt));
  }
  throw new UnstableSourceError(`${join(dir, DB_NAME)} kept changing while it was copied (Syncthing still receiving?) — the next run will try again`);
}
