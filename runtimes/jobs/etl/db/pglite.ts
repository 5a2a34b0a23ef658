import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Database } from "./database";
import { acquireLock } from "../../lock";

/**
 * The embedded target: PGlite (Postgres compiled to WASM) in a local directory, so the ETL works
 * with no account and no server — the same migrations and queries as a real Postgres.
 */
export async function openPglite(dir: string): Promise<Database> {
  const path = resolve(dir);
  mkdirSync(dirname(path), { recursive: true });
  const release = acquireLock(`${path}.lock`, "the embedded database is in use by another shelfstack etl");
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
