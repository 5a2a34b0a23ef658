import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "./db/database";
import { UserError } from "../../../config/errors";

/** Advisory lock keys: one for schema changes, one for loads, so two ETLs never interleave. */
export const LOCKS = { migrate: "pg_advisory_xact_lock(1397245260, 1)", load: "pg_advisory_xact_lock(1397245260, 2)" } as const;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly sha256: string;
}

/** The SQL files: beside this module in the sources, in dist/etl-migrations/ beside the bundle. */
export function migrationsDir(): string {
  // Beside the source, or shipped beside the bundles (dist/, and dist/commands/ for the CLI).
  const candidates = [join(__dirname, "migrations"), join(__dirname, "etl-migrations"), join(__dirname, "..", "etl-migrations")];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`the ETL's SQL migrations are missing (looked in ${candidates.join(", ")}) — run npm run build`);
  return found;
}

/** NNN_name.sql, in version order. */
export function readMigrations(dir = migrationsDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => {
      const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new Error(`${join(dir, file)}: a migration is named NNN_name.sql`);
      const sql = readFileSync(join(dir, file), "utf8");
      return { version: Number(match[1]), name: file, sql, sha256: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Brings the database to the newest schema: each missing migration in its own transaction,
 * recorded in shelfstack.schema_migrations. A migration already applied is skipped, unless its
 * file changed since — then we stop: an applied migration is history, and editing it would leave
 * this database different from a fresh one.
 */
export async function migrate(db: Database, migrations = readMigrations()): Promise<string[]> {
  const applied = await appliedMigrations(db);
  const pending = migrations.filter((m) => !checkApplied(m, applied.get(m.version)));
  const done: string[] = [];
  for (const m of pending) {
    await db.exec("BEGIN");
    try {
      await db.query(`SELECT ${LOCKS.migrate}`);
      await db.exec(
        "CREATE SCHEMA IF NOT EXISTS shelfstack; CREATE TABLE IF NOT EXISTS shelfstack.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
      );
      // Another run may have applied it while we waited for the lock.
      const again = await db.query<{ sha256: string }>("SELECT sha256 FROM shelfstack.schema_migrations WHERE version = $1", [m.version]);
      if (again.length === 0) {
        await db.exec(m.sql);
        await db.query("INSERT INTO shelfstack.schema_migrations (version, name, sha256) VALUES ($1, $2, $3)", [m.version, m.name, m.sha256]);
        done.push(m.name);
      } else checkApplied(m, { name: m.name, sha256: again[0].sha256 });
      await db.exec("COMMIT");
    } catch (error) {
      await db.exec("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }
  return done;
}

async function appliedMigrations(db: Database): Promise<Map<number, { name: string; sha256: string }>> {
  const [{ present }] = await db.query<{ present: boolean }>("SELECT to_regclass('shelfstack.schema_migrations') IS NOT NULL AS present");
  if (!present) return new Map();
  const rows = await db.query<{ version: number; name: string; sha256: string }>("SELECT version, name, sha256 FROM shelfstack.schema_migrations");
  return new Map(rows.map((r) => [r.version, r]));
}

/** The database was migrated with a different text of one of its migrations: the user's edit to undo. */
export class MigrationChangedError extends UserError {}

function checkApplied(m: Migration, applied: { name: string; sha256: string } | undefined): boolean {
  if (!applied) return false;
  if (applied.sha256 !== m.sha256) {
    throw new MigrationChangedError(
      `migration ${m.name} changed after it was applied to this database (applied as ${applied.name}) — never edit an applied migration; add a new NNN_name.sql instead`,
    );
  }
  return true;
}
