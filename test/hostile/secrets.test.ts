import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { redactSecrets, redactUrl } from "../../runtimes/redact";
import { databaseTarget, EtlUsageError } from "../../runtimes/jobs/etl/options";
import { loadStack } from "../../config/load";
import { EXAMPLE, shelfstack, tmp } from "../helpers/cli";

const PASSWORD = "s3cret-Pa55";

describe("redaction: one helper for every runtime message", () => {
  test.each([
    [`postgres://etl:${PASSWORD}@db.example:5432/reading`, "postgres://***@db.example:5432/reading"],
    [`http://u:${PASSWORD}@127.0.0.1:80/status`, "http://***@127.0.0.1/status"],
    [`https://${PASSWORD}@git.example/x.git`, "https://***@git.example/x.git"],
  ])("redactUrl(%s)", (url, safe) => {
    expect(redactUrl(url)).toBe(safe);
    expect(redactUrl(url)).not.toContain(PASSWORD);
  });

  test("a URL that does not parse still loses its userinfo", () => {
    expect(redactUrl(`postgres://u:${PASSWORD}@[bad/db`)).not.toContain(PASSWORD);
  });

  test.each([
    `connect failed: postgres://etl:${PASSWORD}@db.example/reading (refused)`,
    `fetch http://u:${PASSWORD}@host/status: Request cannot be constructed from a URL that includes credentials`,
    `one slash: postgres:/etl:${PASSWORD}@db.example/reading`,
    `a password with an @ in it: mysql://etl:${PASSWORD}@x@db.example/reading`,
    `twice: http://a:${PASSWORD}@h1/ and https://b:${PASSWORD}@h2/`,
  ])("free text: %s", (text) => {
    const safe = redactSecrets(text);
    expect(safe).not.toContain(PASSWORD);
    expect(safe).toContain("***@");
  });

  test("text without credentials is left as it is", () => {
    const text = "koreader/palma: /srv/snapshots/statistics.sqlite3: 3 of 3 books read — http://127.0.0.1:80/status";
    expect(redactSecrets(text)).toBe(text);
  });
});

describe("etl --database: only postgres:// and postgresql:// are connection strings", () => {
  const config = loadStack(EXAMPLE);

  test.each(["postgres://u:p@h/db", "postgresql://u:p@h/db", "POSTGRES://u:p@h:5432/db", "postgres:///reading?host=/run/postgresql"])("%s is Postgres", (url) => {
    expect(databaseTarget(config, { database: url }, {})).toEqual({ kind: "postgres", url });
  });

  test.each(["./shelfstack-etl", "/srv/appdata/jobs/etl", "etl-data", "./mysql:odd-but-explicit"])("%s is a directory", (dir) => {
    expect(databaseTarget(config, { database: dir }, {})).toEqual({ kind: "pglite", dir });
  });

  test.each([
    [`mysql://etl:${PASSWORD}@db/reading`, /not a Postgres connection string/],
    [`postgress://etl:${PASSWORD}@db/reading`, /not a Postgres connection string/],
    [`postgres:/etl:${PASSWORD}@db/reading`, /not a Postgres connection string/],
    [`postgres:etl:${PASSWORD}@db/reading`, /not a Postgres connection string/],
    [`supabase://etl:${PASSWORD}@db/reading`, /not a Postgres connection string/],
    [`postgres://etl:${PASSWORD}@[bad/reading`, /not a valid postgres:\/\/ connection string/],
    [`postgres://etl:${PASSWORD}@db:99999/reading`, /not a valid postgres:\/\/ connection string/],
  ])("%s is refused without the password", (value, message) => {
    for (const [flags, env] of [
      [{ database: value }, {}],
      [{}, { DATABASE_URL: value }],
    ] as const) {
      let error: unknown;
      try {
        databaseTarget(config, flags, env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EtlUsageError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(PASSWORD);
      expect((error as Error).message).toMatch(flags.database ? /--database/ : /DATABASE_URL/);
    }
  });

  test.each([`mysql://etl:${PASSWORD}@db/reading`, `postgres://etl:${PASSWORD}@[bad/reading`, `postgres:/etl:${PASSWORD}@db/reading`])(
    "the CLI: %s exits 1, prints no password, creates nothing",
    (value) => {
      const cwd = tmp();
      const run = shelfstack(["etl", "--database", value], { cwd });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/shelfstack etl: --database .*connection string/);
      expect(run.stdout + run.stderr).not.toContain(PASSWORD);
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(readdirSync(cwd)).toEqual([]);
      expect(existsSync(join(cwd, "mysql:"))).toBe(false);
    },
  );

  test("the CLI: DATABASE_URL=mysql://… is refused the same way (the nightly job must not record success)", () => {
    const cwd = tmp();
    const run = shelfstack(["etl"], { cwd, env: { DATABASE_URL: `mysql://etl:${PASSWORD}@db/reading` } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/DATABASE_URL/);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("bootstrap --url with credentials", () => {
  test("is refused without echoing the password", () => {
    const run = shelfstack(["bootstrap", "--url", `http://root:${PASSWORD}@127.0.0.1:9/`, "--timeout", "1"], { env: { ABS_ROOT_PASSWORD: "root-pw" } });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(run.stderr).toMatch(/--url/);
  });
});

describe("ingest --abs-url with credentials", () => {
  test("is refused before any pass, naming the host and not the password", () => {
    const dir = tmp();
    const run = shelfstack(["ingest", "--once", "--from", dir, "--library", join(dir, "l"), "--audiobooks", join(dir, "a"), "--abs-url", `http://root:${PASSWORD}@abs.local:80/`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/--abs-url \(http:\/\/…@abs\.local\) holds credentials/);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});
