import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database, DatabaseTarget } from "../../../runtimes/jobs/etl/db/database";
import { openDatabase } from "../../../runtimes/jobs/etl/db/open";
import { startCluster, type Cluster } from "./postgres";

/** A database kind the same suite runs against: fresh empty databases on demand. */
export interface Target {
  readonly name: string;
  setup(): Promise<void>;
  fresh(): Promise<DatabaseTarget>;
  /**
   * The database kept open for a test's runs and checks, or undefined: each run and each check
   * opens its own (Postgres: a connection is cheap; the embedded one takes seconds to open, and
   * the CLI and kill tests open and close it for real).
   */
  connect(t: DatabaseTarget): Promise<Database | undefined>;
  /** Closes what connect opened. */
  release(): Promise<void>;
  teardown(): Promise<void>;
}

export function postgresTarget(): Target {
  let cluster: Cluster | undefined;
  let n = 0;
  return {
    name: "PostgreSQL 15",
    async setup() {
      cluster = startCluster();
    },
    async fresh() {
      return { kind: "postgres", url: cluster!.createDatabase(`etl_${++n}`) };
    },
    async connect() {
      return undefined;
    },
    async release() {},
    async teardown() {
      cluster?.stop();
    },
  };
}

/** PGlite's first start runs initdb (seconds): done once, then each test gets a copy. */
export function pgliteTarget(options: { keepOpen?: boolean } = {}): Target {
  // Made in setup, not here: a suite whose tests are all filtered out never runs its teardown.
  let dir = "";
  const open = new Map<string, Database>();
  let n = 0;
  return {
    name: "embedded PGlite",
    async setup() {
      dir = mkdtempSync(join(tmpdir(), "shelfstack-pglite-"));
      const db = await openDatabase({ kind: "pglite", dir: join(dir, "template") });
      await db.close();
    },
    async fresh() {
      const copy = join(dir, `db${++n}`);
      cpSync(join(dir, "template"), copy, { recursive: true });
      return { kind: "pglite", dir: copy };
    },
    async connect(t) {
      if (!options.keepOpen || t.kind !== "pglite") return undefined;
      if (!open.has(t.dir)) open.set(t.dir, await openDatabase(t));
      return open.get(t.dir);
    },
    async release() {
      for (const db of open.values()) await db.close();
      open.clear();
    },
    async teardown() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs fn with the database open, closing it after (PGlite allows one process at a time). */
export async function withDb<T>(target: DatabaseTarget, fn: (db: Database) => Promise<T>, kind?: Target): Promise<T> {
  const shared = await kind?.connect(target);
  if (shared) return fn(shared);
  const db = await openDatabase(target);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export const DATA_TABLES = [
  ["books", "id"],
  ["book_sources", "source, source_key"],
  ["reading_sessions", "id"],
  ["hardcover_user_books", "id"],
  ["hardcover_reads", "id"],
  ["koreader_books", "device, md5"],
  ["koreader_book_pages", "device, md5"],
  ["audiobook_progress", "item_id"],
  ["etl_state", "key"],
  ["settings", "key"],
] as const;

/** Every table's rows as JSON text, in key order: two databases with equal dumps hold the same data. */
export async function dump(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, order] of DATA_TABLES) {
    // Before the first migration (a run killed that early) there are no tables: no rows.
    const [{ present }] = await db.query<{ present: boolean }>(`SELECT to_regclass('shelfstack.${table}') IS NOT NULL AS present`);
    if (!present) {
      out[table] = "[]";
      continue;
    }
    const [r] = await db.query<{ rows: string | null }>(`SELECT json_agg(t ORDER BY ${order})::text AS rows FROM shelfstack.${table} t`);
    out[table] = r.rows ?? "[]";
  }
  const [{ present }] = await db.query<{ present: boolean }>("SELECT to_regclass('shelfstack.etl_runs') IS NOT NULL AS present");
  if (!present) return { ...out, etl_runs: "[]" };
  const [runs] = await db.query<{ rows: string | null }>(
    "SELECT json_agg(json_build_object('id', id, 'full', full_rebuild, 'summary', summary) ORDER BY id)::text AS rows FROM shelfstack.etl_runs",
  );
  out.etl_runs = runs.rows ?? "[]";
  return out;
}
