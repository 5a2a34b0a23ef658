import { EXIT, findExample, parse, stackFile, type Command } from "../cli";
import { loadStack } from "../../config/load";
import { EtlUsageError, failedSources, formatReport, resolveEtl, runEtl, StatisticsFileError } from "../../runtimes/jobs/etl";

const HELP = `usage: shelfstack etl [-c stack.yaml] [--stats [device=]statistics.sqlite3 ...] [--database <url|dir>] [--full]

Loads reading sessions into Postgres: KOReader's statistics (page rows → sessions), Audiobookshelf
listening sessions and the Hardcover shelf. Only what is new since the last run is read; one
transaction per run, so an interrupted run leaves the previous state. Prints what it loaded.

  --stats     a KOReader statistics file, optionally named by device (repeatable)
              (default: the statistics snapshots in server.paths.snapshots)
  --database  a postgres:// connection string, or a directory for the embedded database
              (default: $DATABASE_URL (etl.database), else etl.embeddedDir)
  --full      recompute everything from the sources and mirror them

Audiobookshelf's API key: ABS_API_KEY, or the file ABS_API_KEY_FILE names. Hardcover's token:
HARDCOVER_TOKEN (shelfbridge.hardcoverToken). A source without them is skipped and said so.

Exit 0: loaded. 1: a statistics file, a flag or the database is wrong, or a source could not be
read (the others were loaded). 2: a bug.`;

const etl: Command = async (args) => {
  const { values } = parse(
    args,
    {
      config: { type: "string", short: "c" },
      stats: { type: "string", multiple: true },
      database: { type: "string" },
      full: { type: "boolean" },
    },
    HELP,
  );
  const file = stackFile(values.config);
  const config = loadStack(file);
  try {
    const { options, notes } = resolveEtl(config, { stats: values.stats, database: values.database, full: values.full, exampleConfig: file === findExample() });
    const report = await runEtl(options);
    for (const line of formatReport(report, notes)) console.log(line);
    const failed = failedSources(report);
    return failed.length ? EXIT.invalid : EXIT.ok;
  } catch (error) {
    if (error instanceof EtlUsageError || error instanceof StatisticsFileError || isDatabaseProblem(error)) {
      console.error(`shelfstack etl: ${(error as Error).message}`);
      return EXIT.invalid;
    }
    throw error;
  }
};
export default etl;

/** Connection refused, bad password, unknown database, an edited migration: the user fixes these. */
function isDatabaseProblem(error: unknown): boolean {
  const e = error as { code?: string; syscall?: string; message?: string };
  return (
    e?.syscall === "connect" ||
    ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EACCES", "28P01", "28000", "3D000"].includes(e?.code ?? "") ||
    /changed after it was applied|in use by another shelfstack etl/.test(e?.message ?? "")
  );
}
