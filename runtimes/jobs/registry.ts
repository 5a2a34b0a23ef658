import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** What the scheduler knows about a job besides its schedule. */
export interface JobSpec {
  /** What it does (`shelfstack jobs --list`, log lines). */
  readonly summary: string;
  /** A run still going after this long is stopped: SIGTERM to its process group, SIGKILL a little later. */
  readonly timeoutMinutes: number;
}

export type Registry = Readonly<Record<string, JobSpec>>;

/**
 * Every job the jobs container can run, by name. A job is a `shelfstack <name>` CLI command, run
 * as its own child process (see cliLauncher), so a crash or a leak in one job never takes the
 * scheduler down. To add a job: a command in bin/commands/, an entry here, and its line in
 * constructs/jobs/schedule.ts (a schedule from stack.yaml, or "@reboot" to run at every start).
 */
export const JOBS: Registry = {
  snapshot: { summary: "integrity-checked git snapshot of KOReader statistics", timeoutMinutes: 30 },
  // A first upload of a large library can take nights: a run stopped here continues where it left off.
  backup: { summary: "rclone sync of the library to encrypted Koofr, then cryptcheck", timeoutMinutes: 20 * 60 },
  // Downloads a sample of the library, plus whatever changed since the last drill.
  "restore-drill": { summary: "restore drill: files downloaded from the backup, decrypted, compared byte for byte", timeoutMinutes: 3 * 60 },
  // `shelfstack etl` (bin/commands/etl.ts, runtimes/jobs/etl/; README.md#etl-reading-sessions-into-postgres).
  etl: { summary: "ETL of reading sessions into Postgres", timeoutMinutes: 2 * 60 },
  // `shelfstack bootstrap` (bin/commands/bootstrap.ts, runtimes/jobs/bootstrap/), @reboot.
  // Longer than audiobookshelf.bootstrapTimeoutSeconds (at most 10 min) of waiting for Audiobookshelf.
  bootstrap: { summary: "Audiobookshelf set-up from stack.yaml: root user, libraries, API keys", timeoutMinutes: 15 },
};

/** A child process: what to execute and its arguments. */
export interface Launch {
  readonly command: string;
  readonly args: readonly string[];
}

export type Launcher = (job: string, args: readonly string[]) => Launch;

/** The built CLI: beside dist/jobs.js in the image, or dist/ of the repository when run from source. */
export function cliPath(): string {
  const candidates = [process.env.SHELFSTACK_CLI, join(__dirname, "shelfstack.js"), join(__dirname, "..", "shelfstack.js"), join(__dirname, "..", "..", "dist", "shelfstack.js")];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error(`the shelfstack CLI is not built (looked for ${candidates.filter(Boolean).join(", ")}) — run npm run build`);
  return found;
}

/**
 * Runs `shelfstack <job> [args] -c <stack.yaml>` with this Node: every job reads the same
 * stack.yaml as the scheduler (the crontab line itself is what a person types in the container).
 */
export function cliLauncher(configPath: string, cli = cliPath()): Launcher {
  const config = resolve(configPath);
  return (job, args) => ({
    command: process.execPath,
    args: [cli, job, ...args, ...(args.includes("-c") || args.includes("--config") ? [] : ["-c", config])],
  });
}
