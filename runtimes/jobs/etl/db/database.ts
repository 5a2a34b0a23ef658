import { UserError } from "../../../../config/errors";

/**
 * The one thing the ETL needs from a database, met by both targets: a real Postgres (pg, e.g.
 * Supabase) and the embedded PGlite. Queries return plain rows; SQL casts pick the JS types
 * (::int, ::text, ::float8) so both drivers hand back the same values.
 */
export interface Database {
  /** Where the data lives, for the report (never a password). */
  readonly description: string;
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements, no parameters (migrations, BEGIN/COMMIT). */
  exec(sql: string): Promise<void>;
  /** Bulk load: CSV text (no header) into table(columns) with COPY. */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<void>;
  /**
   * A COPY kept open while the caller produces rows: Postgres loads one batch while the next is
   * computed. `write` waits only when Postgres is behind. Nothing else may use the connection
   * until `end` (or `abort`) returns.
   */
  copyStream(table: string, columns: readonly string[]): CopyWriter;
  close(): Promise<void>;
}

export interface CopyWriter {
  write(csv: string): Promise<void>;
  /** Finishes the COPY; rejects if Postgres refused any of it. */
  end(): Promise<void>;
  /** Gives the COPY up (it fails, so the transaction can be rolled back); never throws. */
  abort(reason: Error): Promise<void>;
}

/** The warehouse cannot be reached or opened as it is (server down, password, database name): the user's to fix. */
export class DatabaseUnavailableError extends UserError {}

/** The SQLSTATE code Postgres (and PGlite) put on an error about a statement, e.g. "42P01". */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** Where the ETL writes: a Postgres connection string, or a directory for the embedded PGlite. */
export type DatabaseTarget = { readonly kind: "postgres"; readonly url: string } | { readonly kind: "pglite"; readonly dir: string };
