/**
 * The job catalogue: every job of the jobs container, defined once. The crontab renderer
 * (constructs/jobs/schedule.ts), the scheduler's registry (runtimes/jobs/registry.ts) and the CLI's
 * command list (bin/shelfstack.ts) all read this list, so a job's name, summary, time limit,
 * schedule and order cannot drift apart. A job is the `shelfstack <name>` command of
 * bin/commands/<name>.ts, run as its own child process.
 *
 * To add a job: one entry here (and the command it runs).
 */
import type { StackConfig } from "./resolve";

export interface JobDefinition {
  /** The `shelfstack <name>` command that runs it; also its status file's name. */
  readonly name: string;
  /** One line: `shelfstack --help` and the scheduler's log. */
  readonly summary: string;
  /** A run still going after this long is stopped: SIGTERM to its process group, SIGKILL a little later. */
  readonly timeoutMinutes: number;
  /**
   * When it runs in this stack, from stack.yaml: a five-field cron schedule, "@reboot" (once each
   * time the container starts), or undefined when stack.yaml leaves it off.
   */
  readonly schedule: (config: StackConfig) => string | undefined;
  /** What it does in this stack: the crontab's comment above its line. @default - summary */
  readonly describe?: (config: StackConfig) => string;
  /** Arguments after `shelfstack <name>` on its crontab line. @default - none: the command's own defaults */
  readonly args?: (config: StackConfig) => readonly string[];
  /**
   * Jobs this one runs after: when it is due while one of them is running (or waiting), it waits
   * for that run to end, then starts — whether that run succeeded or not.
   * @default - none
   */
  readonly after?: readonly string[];
}

export const JOB_CATALOGUE: readonly JobDefinition[] = [
  {
    name: "bootstrap",
    summary: "set up Audiobookshelf (root user, libraries, API keys for the clients)",
    // Longer than audiobookshelf.bootstrapTimeoutSeconds (at most 10 min) of waiting for Audiobookshelf.
    timeoutMinutes: 15,
    // Safe at any time; at start so a fresh server needs no clicks (constructs/setup/bootstrap-job.ts).
    schedule: () => "@reboot",
    describe: () => "Audiobookshelf as stack.yaml declares: root user, the two libraries, an API key per client in its key file",
  },
  {
    name: "snapshot",
    summary: "integrity-checked git snapshot of the readers' KOReader statistics",
    timeoutMinutes: 30,
    schedule: (c) => (c.statistics.enabled ? c.statistics.snapshotSchedule : undefined),
    describe: () => "integrity-checked copy of each reader's KOReader statistics.sqlite3, committed to git when it changed",
  },
  {
    name: "backup",
    summary: "encrypted backup of the library to Koofr (rclone sync + cryptcheck)",
    // A first upload of a large library can take nights: a run stopped here continues where it left off.
    timeoutMinutes: 20 * 60,
    schedule: (c) => (c.backup?.enabled ? c.backup.schedule : undefined),
    describe: (c) => `encrypted copy of ${c.backup!.folders.join(", ")} to Koofr (rclone sync, deletions kept under deleted/<date>, then cryptcheck)`,
    // It carries the night's statistics snapshot.
    after: ["snapshot"],
  },
  {
    name: "restore-drill",
    summary: "the scheduled restore drill: restore --verify with stack.yaml's sample size",
    // Downloads a sample of the library, plus whatever changed since the last drill.
    timeoutMinutes: 3 * 60,
    schedule: (c) => (c.backup?.enabled && c.backup.drill.enabled ? c.backup.drill.schedule : undefined),
    describe: (c) =>
      `${c.backup!.drill.sample} random files and every file changed since the last drill, downloaded from Koofr, decrypted and compared byte for byte with the library`,
    after: ["backup"],
  },
  {
    name: "etl",
    summary: "load reading sessions (KOReader, Audiobookshelf, Hardcover) into Postgres",
    timeoutMinutes: 2 * 60,
    schedule: (c) => (c.etl.enabled ? c.etl.schedule : undefined),
    describe: () => "reading sessions from the statistics snapshot, Audiobookshelf and Hardcover into Postgres, then the reading report",
    // Then the reading report from the warehouse, into the folder the tailnet serves at /report/. The
    // folder comes from stack.yaml in the job, not as an argument: a crontab word cannot hold a space.
    args: () => ["--report"],
    // It reads the statistics snapshot.
    after: ["snapshot"],
  },
];

/** The catalogue by name. */
export const JOBS_BY_NAME: Readonly<Record<string, JobDefinition>> = Object.fromEntries(JOB_CATALOGUE.map((j) => [j.name, j]));

/** A job of this stack, as its crontab line says it. */
export interface ScheduledJob {
  readonly name: string;
  readonly schedule: string;
  readonly summary: string;
  readonly args?: readonly string[];
  /** The scheduled jobs of this stack it waits for. */
  readonly after?: readonly string[];
}

/** The jobs stack.yaml schedules, in catalogue order; `after` names only jobs this stack schedules. */
export function scheduledJobsOf(config: StackConfig): ScheduledJob[] {
  const scheduled = JOB_CATALOGUE.flatMap((job) => {
    const schedule = job.schedule(config);
    return schedule ? [{ job, schedule }] : [];
  });
  const present = new Set(scheduled.map((s) => s.job.name));
  return scheduled.map(({ job, schedule }) => {
    const after = (job.after ?? []).filter((name) => present.has(name));
    const args = job.args?.(config);
    return {
      name: job.name,
      schedule,
      summary: job.describe?.(config) ?? job.summary,
      ...(args?.length ? { args } : {}),
      ...(after.length ? { after } : {}),
    };
  });
}

/** Names in `after` that are not jobs, or a dependency cycle: a catalogue bug, found by a test. */
export function catalogueProblems(catalogue: readonly JobDefinition[] = JOB_CATALOGUE): string[] {
  const names = new Set(catalogue.map((j) => j.name));
  const problems: string[] = [];
  if (names.size !== catalogue.length) problems.push("two jobs share a name");
  for (const job of catalogue) for (const dep of job.after ?? []) if (!names.has(dep)) problems.push(`${job.name} runs after "${dep}", which is not a job`);
  const byName = new Map(catalogue.map((j) => [j.name, j]));
  const visit = (name: string, path: string[]): void => {
    if (path.includes(name)) {
      problems.push(`dependency cycle: ${[...path, name].join(" → ")}`);
      return;
    }
    for (const dep of byName.get(name)?.after ?? []) visit(dep, [...path, name]);
  };
  for (const job of catalogue) visit(job.name, []);
  return [...new Set(problems)];
}
