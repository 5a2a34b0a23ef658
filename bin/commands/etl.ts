import { EXIT, failure, findExample, parse, stackFile, type Command } from "../cli";
import { loadStack } from "../../config/load";
import { reportDir } from "../../config/report";
import { failedSources, formatReport, resolveEtl, runEtl } from "../../runtimes/jobs/etl";
import { openDatabase } from "../../runtimes/jobs/etl/db/open";
import { generateReport, ReportDirError, reportLine } from "../../runtimes/jobs/report";

const HELP = `usage: shelfstack etl [-c stack.yaml] [--stats [device=]statistics.sqlite3 ...] [--database <url|dir>] [--full [--prune]] [--report [--report-dir <dir>]]

Loads reading sessions into Postgres: KOReader's statistics (page rows → sessions), Audiobookshelf
listening sessions and the Hardcover shelf. Only what is new since the last run is read; one
transaction per run, so an interrupted run leaves the previous state. Prints what it loaded.

  --stats     a KOReader statistics file, optionally named by device (repeatable)
              (default: the statistics snapshots in server.paths.snapshots)
  --database  a postgres:// connection string, or a directory for the embedded database
              (default: $DATABASE_URL (etl.database), else etl.embeddedDir)
  --full      recompute everything from the sources and mirror them
  --prune     with --full: delete the sessions a source no longer has (otherwise they are kept,
              marked as no longer in the source, and still counted), and say what went
  --report    then rewrite the reading report in <server.paths.appdata>/jobs/report (what the
              nightly job does: the Tailscale sidecar serves that folder at /report/)
  --report-dir  then rewrite the reading report in this directory instead

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
      prune: { type: "boolean" },
      report: { type: "boolean" },
      "report-dir": { type: "string" },
    },
    HELP,
  );
  const file = stackFile(values.config);
  const config = loadStack(file);
  try {
    const { options, notes } = resolveEtl(config, {
      stats: values.stats,
      database: values.database,
      full: values.full,
      prune: values.prune,
      exampleConfig: file === findExample(),
    });
    const db = await openDatabase(options.database);
    let failed: string[];
    let reportFailed = false;
    try {
      const report = await runEtl(options, db);
      for (const line of formatReport(report, notes)) console.log(line);
      failed = failedSources(report);
      const reportTo = values["report-dir"] ?? (values.report ? reportDir(config) : undefined);
      if (reportTo) {
        // After the load committed: a report that cannot be written fails the job, the load stays.
        try {
          console.log(reportLine(reportTo, await generateReport(db, reportTo, options.timeZone)));
        } catch (error) {
          if (!(error instanceof ReportDirError)) throw error;
          console.error(`shelfstack etl: report: ${error.message}`);
          reportFailed = true;
        }
      }
    } finally {
      await db.close();
    }
    return failed.length || reportFailed ? EXIT.invalid : EXIT.ok;
  } catch (error) {
    // A flag, a statistics file, the database's address or an edited migration: each is raised
    // as a user error where it is found; anything else is a bug.
    return failure(error, { prefix: "shelfstack etl", redact: true });
  }
};
export default etl;
