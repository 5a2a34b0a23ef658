/**
 * The jobs container's entry point (dist/jobs.js): runs the crontab until the container stops.
 * Paths come from the environment the Jobs construct sets. This bundle never loads cdktf: each
 * job runs as `shelfstack <job>` in its own process.
 */
import { EXIT } from "../../config/errors";
import { failure } from "./failure";
import { timestamped } from "./log";
import { createService } from "./service";

const log = timestamped();
try {
  const { scheduler } = createService({
    configPath: process.env.SHELFSTACK_CONFIG ?? "/etc/shelfstack/stack.yaml",
    crontabPath: process.env.SHELFSTACK_CRONTAB ?? "/etc/shelfstack/crontab",
    log,
  });
  scheduler.start();
  // docker stop sends SIGTERM: let running jobs stop cleanly (each is safe to interrupt), then exit.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log(`scheduler: ${signal}, stopping${scheduler.busy.length ? ` ${scheduler.busy.join(", ")}` : ""}`);
      void scheduler.stop(`container stopping (${signal})`).then(() => process.exit(EXIT.ok));
    });
  }
} catch (error) {
  process.exitCode = failure(error, log);
}
