import { createServer } from "node:net";
import { isUserError } from "../../config/errors";
import { sqlState, type Database } from "../../runtimes/jobs/etl/db/database";
import { openPostgres } from "../../runtimes/jobs/etl/db/postgres";
import { migrate, MigrationChangedError } from "../../runtimes/jobs/etl/migrate";

/**
 * What the user got wrong about the warehouse is decided where the error is raised (the
 * connection, the migration check, Postgres's SQLSTATE), never by matching error texts.
 */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test("a Postgres that refuses the connection is the user's to fix, named without its password", async () => {
  const url = `postgres://etl:s3cret-pw@127.0.0.1:${await closedPort()}/warehouse`;
  const error = await openPostgres(url).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeDefined();
  expect(isUserError(error)).toBe(true);
  expect(error!.message).toMatch(/^cannot connect to Postgres postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/warehouse: .*ECONNREFUSED/);
  expect(error!.message).not.toContain("s3cret-pw");
});

test("an applied migration whose file changed is the user's to undo", async () => {
  const applied: Database = {
    description: "stand-in",
    async query<Row>(sql: string) {
      const rows = sql.includes("to_regclass") ? [{ present: true }] : [{ version: 1, name: "001_schema.sql", sha256: "the applied text" }];
      return rows as Row[];
    },
    exec: async () => undefined,
    copyCsv: async () => undefined,
    copyStream: () => {
      throw new Error("not used");
    },
    close: async () => undefined,
  };
  const edited = [{ version: 1, name: "001_schema.sql", sql: "-- edited", sha256: "another text" }];
  const error = await migrate(applied, edited).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MigrationChangedError);
  expect(isUserError(error)).toBe(true);
});

test("a SQLSTATE is what marks Postgres's refusal of a statement; other errors have none", () => {
  expect(sqlState(Object.assign(new Error('relation "nope" does not exist'), { code: "42P01" }))).toBe("42P01");
  expect(sqlState(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeUndefined();
  expect(sqlState(new TypeError("x is undefined"))).toBeUndefined();
  expect(sqlState(null)).toBeUndefined();
});
