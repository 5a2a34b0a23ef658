/**
 * The jobs container's entry point (dist/jobs.js): runs the crontab until the container stops.
 * Paths come from the environment the Jobs construct sets. This bundle never loads cdktf: each
 * job runs as `shelfstack <job>` in its own process.
 */
import { EXIT, type ExitCode } from "../../config/errors";
import { failure } from "./failure";
import { timestamped } from "./log";
import type { Scheduler } from "./scheduler";
import { createService } from "./service";

const log = timestamped();
let scheduler: Scheduler | undefined;
let exiting = false;

/**
 * Stops what runs (SIGTERM to each job, each is safe to interrupt) and exits with `code`. A
 * deadline bounds the wait, so the container always ends and its restart policy applies.
 */
function shutDown(code: ExitCode, why: string): void {
  if (exiting) return;
  exiting = true;
  const deadline = setTimeout(() => process.exit(code), 15_000);
  deadline.unref();
  void (scheduler ? scheduler.stop(why) : Promise.resolve()).finally(() => process.exit(code));
}

// Armed before anything starts: docker stop's SIGTERM is honoured even while starting up.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    log(`scheduler: ${signal}, stopping${scheduler?.busy.length ? ` ${scheduler.busy.join(", ")}` : ""}`);
    shutDown(EXIT.ok, `container stopping (${signal})`);
  });
}

try {
  scheduler = createService({
    configPath: process.env.SHELFSTACK_CONFIG ?? "/etc/shelfstack/stack.yaml",
    crontabPath: process.env.SHELFSTACK_CRONTAB ?? "/etc/shelfstack/crontab",
    log,
    onInternalError: (error) => shutDown(failure(error, log), "the scheduler failed"),
  }).scheduler;
  scheduler.start();
} catch (error) {
  shutDown(failure(error, log), "the scheduler failed");
}
