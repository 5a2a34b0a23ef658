import { Client } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Database } from "./database";
import { DatabaseUnavailableError } from "./database";
import { redactUrl } from "../../../redact";

/** A real Postgres (or Supabase) over one connection: the ETL runs one transaction at a time. */
export async function openPostgres(url: string): Promise<Database> {
  const client = new Client({ connectionString: url, application_name: "shelfstack etl" });
  try {
    await client.connect();
  } catch (error) {
    // Whatever stops the connection (refused, unknown host, password, no such database, TLS) is
    // the user's setting or server to fix; pg's message names it and never holds the password.
    throw new DatabaseUnavailableError(`cannot connect to Postgres ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  // Errors after connect (server gone) surface on the next query; without a listener they crash Node.
  client.on("error", () => undefined);
  // JIT compiles the big INSERT … SELECTs of a load for longer than they then run (measured).
  await client.query("SET jit = off");
  return {
    description: `Postgres ${redactUrl(url)}`,
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      return (await client.query(sql, params as unknown[])).rows as Row[];
    },
    async exec(sql) {
      await client.query(sql);
    },
    async copyCsv(table, columns, csv) {
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN WITH (FORMAT csv)`));
      await new Promise<void>((resolve, reject) => {
        stream.on("error", reject);
        stream.on("finish", resolve);
        stream.end(csv);
      });
    },
    copyStream(table, columns) {
      const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN WITH (FORMAT csv)`));
      let failed: Error | undefined;
      const finished = new Promise<void>((resolve, reject) => {
        stream.on("error", (error) => {
          failed = error;
          reject(error);
        });
        stream.on("finish", resolve);
      });
      finished.catch(() => undefined); // surfaced by write or end
      return {
        async write(csv) {
          if (failed) throw failed;
          if (!stream.write(csv)) await new Promise<void>((resolve) => stream.once("drain", resolve));
          if (failed) throw failed;
        },
        async end() {
          if (!failed) stream.end();
          await finished;
        },
        async abort(reason) {
          // destroy() sends CopyFail: the server ends the COPY with an error and the
          // connection is free for the ROLLBACK.
          if (!failed) stream.destroy(reason);
          await finished.catch(() => undefined);
        },
      };
    },
    async close() {
      await client.end();
    },
  };
}
