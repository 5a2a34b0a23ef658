import { StackError } from "../../config/load";
import { CrontabError } from "./crontab";
import type { Log } from "./log";
import { UnknownJobError } from "./scheduler";

/** Logs why the scheduler cannot start; 1 for a problem in its input, 2 for a bug. */
export function failure(error: unknown, log: Log): number {
  if (error instanceof StackError || error instanceof CrontabError || error instanceof UnknownJobError) {
    for (const line of error.message.split("\n")) log(`scheduler: cannot start: ${line}`);
    return 1;
  }
  log(`scheduler: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 2;
}
