import type { StackConfig } from "../../config/resolve";
import type { CronJob } from "../cron";

/**
 * Every job of the jobs container, from stack.yaml: THE place a new job is added. A job is a
 * `shelfstack <name>` command; the runtime's registry (runtimes/jobs/registry.ts) must know the
 * same name, or the container refuses to start (a test checks the two agree).
 *
 * - A nightly job: a five-field `schedule` from stack.yaml.
 * - A start-up job: `schedule: "@reboot"` runs once each time the container starts.
 *   The Audiobookshelf bootstrap, below, is one (README.md#first-start-without-clicks-shelfstack-bootstrap-and-a-setupmd-per-device).
 * What a job needs in the container (secrets, volumes, settings) comes in through JobsProps.
 */
export function scheduledJobs(config: StackConfig): CronJob[] {
  const jobs: CronJob[] = [];
  // Safe to run at any time; at start so a fresh server needs no clicks (constructs/setup/bootstrap-job.ts).
  jobs.push({
    name: "bootstrap",
    schedule: "@reboot",
    summary: "Audiobookshelf as stack.yaml declares: root user, the two libraries, an API key per client in its key file",
  });
  if (config.statistics.enabled) {
    jobs.push({
      name: "snapshot",
      schedule: config.statistics.snapshotSchedule,
      summary: "integrity-checked copy of each reader's KOReader statistics.sqlite3, committed to git when it changed",
    });
  }
  if (config.backup?.enabled) {
    jobs.push({
      name: "backup",
      schedule: config.backup.schedule,
      summary: `encrypted copy of ${config.backup.folders.join(", ")} to Koofr (rclone sync, deletions kept under deleted/<date>, then cryptcheck)`,
    });
  }
  if (config.backup?.enabled && config.backup.drill.enabled) {
    jobs.push({
      name: "restore-drill",
      schedule: config.backup.drill.schedule,
      summary: `${config.backup.drill.sample} random files and every file changed since the last drill, downloaded from Koofr, decrypted and compared byte for byte with the library`,
    });
  }
  if (config.etl.enabled) {
    // The ETL (README.md#etl-reading-sessions-into-postgres): `shelfstack etl` loads the statistics snapshot and listening sessions into Postgres.
    // Then the reading report from the warehouse, into the folder the tailnet serves at /report/.
    jobs.push({
      name: "etl",
      schedule: config.etl.schedule,
      summary: "reading sessions from the statistics snapshot, Audiobookshelf and Hardcover into Postgres, then the reading report",
      // The folder comes from stack.yaml in the job, not as an argument: a crontab word cannot hold a space.
      args: ["--report"],
    });
  }
  return jobs;
}

/** Schedules other containers run themselves: written as comments, so the crontab shows the whole night. */
export function externalSchedules(config: StackConfig): string[] {
  return config.shelfbridge.enabled
    ? [`shelfbridge (its own container, not this scheduler): progress to Hardcover at "${config.shelfbridge.schedule}"`]
    : [];
}
