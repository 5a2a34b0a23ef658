import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadStack } from "../../config/load";
import type { StackConfig } from "../../config/resolve";
import { type Crontab, CrontabError, parseCrontab } from "./crontab";
import type { Log } from "./log";
import { cliLauncher, JOBS } from "./registry";
import { Scheduler } from "./scheduler";

/** Where job status files live: the jobs' own corner of the application state. */
export function defaultStatusDir(config: StackConfig): string {
  return `${config.server.paths.appdata}/jobs/status`;
}

export interface ServiceOptions {
  /** The stack.yaml the jobs read (in the container: the rendered copy). */
  readonly configPath: string;
  /** The rendered crontab. */
  readonly crontabPath: string;
  /** @default - defaultStatusDir(config) */
  readonly statusDir?: string;
  readonly log: Log;
  /** @see SchedulerOptions.onInternalError */
  readonly onInternalError?: (error: unknown) => void;
}

/**
 * The jobs runtime as the container runs it: the config loaded through the same loader as synth,
 * the crontab parsed and checked against the registry, each job run through the shelfstack CLI
 * with that same stack.yaml. Throws (StackError, CrontabError, UnknownJobError) before anything runs.
 */
export function createService(options: ServiceOptions): { config: StackConfig; crontab: Crontab; scheduler: Scheduler } {
  const config = loadStack(options.configPath);
  if (!existsSync(options.crontabPath)) throw new CrontabError(`no crontab at ${options.crontabPath} — synth writes it to <out>/cron/crontab`);
  const crontab = parseCrontab(readFileSync(options.crontabPath, "utf8"), options.crontabPath);
  const scheduler = new Scheduler({
    crontab,
    registry: JOBS,
    launcher: cliLauncher(options.configPath),
    statusDir: options.statusDir ?? defaultStatusDir(config),
    cwd: dirname(resolve(options.configPath)),
    log: options.log,
    onInternalError: options.onInternalError,
  });
  return { config, crontab, scheduler };
}
