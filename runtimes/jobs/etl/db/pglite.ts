import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Database } from "./database";
import { acquireLock } from "../../lock";
import { fileInTheWay } from "../../file-in-the-way";
import { EtlUsageError } from "../options";

/**
 * The embedded target: PGlite (Postgres compiled to WASM) in a local directory, so the ETL works
 * with no account and no server — the same migrations and queries as a real Postgres.
 */
export async function openPglite(dir: string): Promise<Database> {
  const path = resolve(dir);
  usableFolder(dir, path);
  const release = lockBeside(dir, path);
  try {
    // Loaded only for this target: it is large, and a Postgres user never needs it.
    const { PGlite } = await import("@electric-sql/pglite");
    const db = await PGlite.create(path);
    return {
      description: `embedded PGlite in ${path}`,
      async query<Row>(sql: string, params: readonly unknown[] = []) {
        return (await db.query<Row>(sql, params as unknown[])).rows;
      },
      async exec(sql) {
        await db.exec(sql);
      },
      async copyCsv(table, columns, csv) {
        // PGlite's COPY reads its input from a Blob it exposes as /dev/blob.
        await db.query(`COPY ${table} (${columns.join(", ")}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
      },
      copyStream(table, columns) {
        // PGlite has no streaming COPY: one COPY per megabyte keeps memory flat all the same.
        let buffered: string[] = [];
        let size = 0;
        const flush = async () => {
          if (buffered.length === 0) return;
          const blob = new Blob(buffered);
          buffered = [];
          size = 0;
          await db.query(`COPY ${table} (${columns.join(", ")}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob });
        };
        return {
          async write(csv) {
            buffered.push(csv);
            size += csv.length;
            if (size >= 1 << 20) await flush();
          },
          end: flush,
          async abort() {
            buffered = [];
          },
        };
      },
      async close() {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * The embedded database's folder: new, empty, or one PGlite made (it holds PG_VERSION). Anything
 * else is refused before PGlite writes a cluster into someone's folder.
 */
function usableFolder(given: string, path: string): void {
  const fix = "point --database (or etl.embeddedDir) at a new or empty folder";
  const file = fileInTheWay(path);
  if (file !== undefined) throw new EtlUsageError(`the embedded database ${given}: ${file} is a file, not a folder — ${fix}`);
  if (existsSync(path) && !existsSync(join(path, "PG_VERSION")) && readdirSync(path).length > 0) {
    throw new EtlUsageError(`the embedded database ${given} holds files but no database (no PG_VERSION) — ${fix}`);
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new EtlUsageError(`the embedded database ${given}: cannot create ${dirname(path)} (${(error as NodeJS.ErrnoException).code}) — ${fix}`);
  }
}

function lockBeside(given: string, path: string): () => void {
  try {
    return acquireLock(`${path}.lock`, "the embedded database is in use by another shelfstack etl");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    throw new EtlUsageError(`the embedded database ${given}: cannot write ${path}.lock (${code}) — point --database (or etl.embeddedDir) at a folder this user can write`);
  }
}
