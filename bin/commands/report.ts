import { EXIT, failure, findExample, parse, stackFile, UsageError, type Command } from "../cli";
import { loadStack } from "../../config/load";
import { databaseTarget } from "../../runtimes/jobs/etl/options";
import { openDatabase } from "../../runtimes/jobs/etl/db/open";
import { sqlState } from "../../runtimes/jobs/etl/db/database";
import { generateReport, reportLine } from "../../runtimes/jobs/report";

const HELP = `usage: shelfstack report [-c stack.yaml] [-o dir] [--database <url|dir>]

Writes the reading report: static HTML pages with SVG charts (no script, nothing fetched) from the
ETL's warehouse — a calendar of reading time per day, streaks, time and completion per book,
sessions by time of day and weekday, per device and source, totals per month and year. Dates are
in server.timezone. The nightly ETL rewrites it on the server, where the tailnet serves it at
https://<server>/report/.

  -o          the directory to write (default: ./shelfstack-report); it must be empty or an
              earlier report
  --database  a postgres:// connection string, or the embedded database's directory
              (default: as shelfstack etl: $DATABASE_URL (etl.database), else etl.embeddedDir)

Exit 0: written. 1: the database or the directory is wrong. 2: a bug.`;

const report: Command = async (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, out: { type: "string", short: "o" }, database: { type: "string" } }, HELP);
  const file = stackFile(values.config);
  const config = loadStack(file);
  const dir = values.out ?? "shelfstack-report";
  try {
    const db = await openDatabase(databaseTarget(config, { database: values.database, exampleConfig: file === findExample() }, process.env));
    try {
      const r = await generateReport(db, dir, config.server.timezone);
      console.log(reportLine(dir, r));
    } finally {
      await db.close();
    }
    return EXIT.ok;
  } catch (error) {
    // undefined_table: the warehouse's tables are not there, the ETL has not run against it yet.
    if (sqlState(error) === "42P01") return failure(new UsageError("the database has no shelfstack warehouse yet — run shelfstack etl first"), { prefix: "shelfstack report" });
    return failure(error, { prefix: "shelfstack report" });
  }
};
export default report;
