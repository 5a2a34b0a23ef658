import { failure as report, isUserError, type ExitCode } from "../../config/errors";
import type { Log } from "./log";

/**
 * Logs why the scheduler cannot start or stopped, every line a log line with the scheduler's
 * prefix; the exit code comes from the one table.
 */
export function failure(error: unknown, log: Log): ExitCode {
  const prefix = isUserError(error) ? "scheduler: cannot start" : "scheduler";
  const print = (text: string) => text.split("\n").forEach((line) => log(line.startsWith(`${prefix}: `) ? line : `${prefix}: ${line}`));
  return report(error, { prefix, print });
}
