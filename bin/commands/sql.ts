import { existsSync } from "node:fs";
import { EXIT, failure, findExample, parse, stackFile, UsageError, type Command } from "../cli";
import { loadStack } from "../../config/load";
import { databaseTarget } from "../../runtimes/jobs/etl/options";
import { openDatabase } from "../../runtimes/jobs/etl/db/open";
import { sqlState } from "../../runtimes/jobs/etl/db/database";

const HELP = `usage: shelfstack sql [-c stack.yaml] [--database <url|dir>] [--csv] "<SQL>"

Runs one query against the ETL's warehouse — the embedded database (etl.embeddedDir) or the
Postgres in $DATABASE_URL, found exactly as \`shelfstack etl\` finds it — and prints the rows.
Tables are found in the warehouse's own schema (shelfstack.books may be written books).
The query runs in a read-only transaction: nothing you type here changes the warehouse.

  --database  a postgres:// connection string, or the embedded database's directory
  --csv       comma-separated values with a header line, for spreadsheets and scripts

  shelfstack sql "SELECT title, author FROM books ORDER BY title"`;

const sql: Command = async (args) => {
  const { values, positionals } = parse(args, { config: { type: "string", short: "c" }, database: { type: "string" }, csv: { type: "boolean" } }, HELP);
  if (positionals.length !== 1) throw new UsageError(`give one query, in quotes\n\n${HELP}`);
  const file = stackFile(values.config, true);
  const config = loadStack(file);
  const target = databaseTarget(config, { database: values.database, exampleConfig: file === findExample() }, process.env);
  // Opening a directory that is not there would create an empty warehouse: say what to run instead.
  if (target.kind === "pglite" && !existsSync(target.dir)) {
    throw new UsageError(`no embedded warehouse at ${target.dir} yet — \`shelfstack etl\` creates it (or pass --database)`);
  }
  const db = await openDatabase(target);
  try {
    // The warehouse's tables live in the shelfstack schema: let a query name them plainly.
    await db.exec("BEGIN READ ONLY; SET LOCAL search_path = shelfstack, public");
    const rows = await db.query(positionals[0]);
    await db.exec("ROLLBACK");
    for (const line of values.csv ? toCsv(rows) : toTable(rows)) console.log(line);
    return EXIT.ok;
  } catch (error) {
    // Postgres refused the user's query (it carries a SQLSTATE): theirs to fix, in Postgres's words.
    if (sqlState(error)) return failure(new UsageError((error as Error).message), { prefix: "shelfstack sql" });
    throw error;
  } finally {
    await db.close();
  }
};
export default sql;

const text = (value: unknown): string => (value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value));

/** Columns padded to their widest value, a rule under the header, and the row count. */
export function toTable(rows: readonly Record<string, unknown>[]): string[] {
  if (rows.length === 0) return ["(0 rows)"];
  const columns = Object.keys(rows[0]);
  const cells = rows.map((r) => columns.map((c) => text(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? "" : "s"})`];
}

export function toCsv(rows: readonly Record<string, unknown>[]): string[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]);
  const quote = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [columns.map(quote).join(","), ...rows.map((r) => columns.map((c) => quote(text(r[c]))).join(","))];
}
