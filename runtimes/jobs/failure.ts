import { failure as report, type ExitCode } from "../../config/errors";
import type { Log } from "./log";

/** Logs why the scheduler cannot start, each line as a log line; the exit code comes from the one table. */
export function failure(error: unknown, log: Log): ExitCode {
  return report(error, { prefix: "cannot start", print: (text) => text.split("\n").forEach((line) => log(`scheduler: ${line}`)) });
}
