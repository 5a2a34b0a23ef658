import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { JOB_CATALOGUE } from "../../config/jobs";

/** What the scheduler knows about a job besides its schedule. */
export interface JobSpec {
  /** What it does (log lines). */
  readonly summary: string;
  /** A run still going after this long is stopped: SIGTERM to its process group, SIGKILL a little later. */
  readonly timeoutMinutes: number;
  /** Jobs it waits for when they are running as it comes due. @default - none */
  readonly after?: readonly string[];
}

export type Registry = Readonly<Record<string, JobSpec>>;

/**
 * Every job the jobs container can run, by name: the job catalogue (config/jobs.ts). A job is a
 * `shelfstack <name>` CLI command, run as its own child process (see cliLauncher), so a crash or
 * a leak in one job never takes the scheduler down.
 */
export const JOBS: Registry = Object.fromEntries(
  JOB_CATALOGUE.map((j) => [j.name, { summary: j.summary, timeoutMinutes: j.timeoutMinutes, ...(j.after ? { after: j.after } : {}) }]),
);

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
