import type { Database } from "../db/database";
import { csv, type Cell } from "./csv";

export interface Changes {
  inserted: number;
  updated: number;
  deleted: number;
}

export const noChanges = (): Changes => ({ inserted: 0, updated: 0, deleted: 0 });

export function addChanges(a: Changes, b: Changes): Changes {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted };
}

/** A temporary staging table shaped like `table`, empty, dropped at commit. */
export async function stage(db: Database, table: string): Promise<string> {
  const name = `etl_stage_${table.replace(/\W/g, "_")}`;
  await db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${name} (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP; TRUNCATE ${name}`);
  return name;
}

/**
 * The bulk path: COPY the rows into a staging table, then one INSERT … ON CONFLICT that writes
 * only rows that are new or different (a rerun with the same data writes nothing).
 */
export async function upsert(db: Database, table: string, keys: readonly string[], columns: readonly string[], rows: readonly (readonly Cell[])[]): Promise<Changes> {
  if (rows.length === 0) return noChanges();
  const staging = await stage(db, table);
  await db.copyCsv(staging, columns, csv(rows));
  const rest = columns.filter((c) => !keys.includes(c));
  const set = rest.map((c) => `${c} = excluded.${c}`).join(", ");
  const distinct = `(${rest.map((c) => `t.${c}`).join(", ")}) IS DISTINCT FROM (${rest.map((c) => `excluded.${c}`).join(", ")})`;
  const [r] = await db.query<{ inserted: number; updated: number }>(
    `WITH m AS (
       INSERT INTO ${table} AS t (${columns.join(", ")}) SELECT ${columns.join(", ")} FROM ${staging}
       ON CONFLICT (${keys.join(", ")}) DO ${rest.length ? `UPDATE SET ${set} WHERE ${distinct}` : "NOTHING"}
       RETURNING (xmax = 0) AS inserted)
     SELECT (count(*) FILTER (WHERE inserted))::int AS inserted, (count(*) FILTER (WHERE NOT inserted))::int AS updated FROM m`,
  );
  return { inserted: r.inserted, updated: r.updated, deleted: 0 };
}

/** Deletes rows whose key (compared as text) is one of `values`, in bulk. */
export async function deleteKeys(db: Database, table: string, key: string, values: readonly string[]): Promise<number> {
  if (values.length === 0) return 0;
  await db.exec("CREATE TEMP TABLE IF NOT EXISTS etl_stage_keys (k text NOT NULL) ON COMMIT DROP; TRUNCATE etl_stage_keys");
  await db.copyCsv("etl_stage_keys", ["k"], csv(values.map((v) => [v])));
  const [r] = await db.query<{ n: number }>(`WITH d AS (DELETE FROM ${table} t USING etl_stage_keys s WHERE t.${key}::text = s.k RETURNING 1) SELECT count(*)::int AS n FROM d`);
  return r.n;
}

/** One key/value row (settings, etl_state): written only when the value differs. Returns whether it did. */
export async function putValue(db: Database, table: "shelfstack.settings" | "shelfstack.etl_state", key: string, value: string): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO ${table} AS t (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE t.value IS DISTINCT FROM excluded.value RETURNING 1`,
    [key, value],
  );
  return rows.length > 0;
}
