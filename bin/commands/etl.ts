import { EXIT, examplePath, failure, parse, stackFile, type Command } from "../cli";
import { loadStack } from "../../config/load";
import { failedSources, formatReport, resolveEtl, runEtl } from "../../runtimes/jobs/etl";

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
    const { options, notes } = resolveEtl(config, { stats: values.stats, database: values.database, full: values.full, exampleConfig: file === examplePath() });
    const report = await runEtl(options);
    for (const line of formatReport(report, notes)) console.log(line);
    const failed = failedSources(report);
    return failed.length ? EXIT.invalid : EXIT.ok;
  } catch (error) {
    // A flag, a statistics file, the database's address or an edited migration: each is raised
    // as a user error where it is found; anything else is a bug.
    return failure(error, { prefix: "shelfstack etl" });
  }
};
export default etl;
