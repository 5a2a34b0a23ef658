import { Cron } from "croner";
import type { Crontab, CrontabEntry } from "./crontab";
import type { Log } from "./log";
import type { Launcher, Registry } from "./registry";
import { startRun, type Run, type RunResult } from "./runner";
import { readStatus, updateStatus } from "./status";
import { UserError } from "../../config/errors";

export interface SchedulerOptions {
  readonly crontab: Crontab;
  readonly registry: Registry;
  readonly launcher: Launcher;
  /** Where each job's status file goes. */
  readonly statusDir: string;
  readonly log: Log;
  /** The jobs' working directory. @default - the scheduler's */
  readonly cwd?: string;
  /** The crontab's schedules have a leading seconds field (tests). @default false */
  readonly seconds?: boolean;
  /** Between SIGTERM and SIGKILL when a run is stopped. @default 10000 */
  readonly graceMs?: number;
  /**
   * How long a job that runs after others holds back when it comes due, so that a job it runs
   * after, due at the same moment, starts first and is waited for. @default 1000
   */
  readonly settleMs?: number;
  /**
   * A due line could not be started for a reason no later line would escape (e.g. the status
   * directory is not writable): the schedule is already stopped when this is called.
   * @default - log it
   */
  readonly onInternalError?: (error: unknown) => void;
}

export class UnknownJobError extends UserError {}

/**
 * Runs the crontab in-process (croner): each due line starts its job as a child process; a job
 * still running when it is due again is skipped, never started twice; a failing job is logged and
 * recorded in its status file and does not affect the others. "@reboot" lines run once at start.
 * A job that runs after others (its registry entry's `after`) and comes due while one of them is
 * running or waiting, waits for that run to end, then starts.
 */
export class Scheduler {
  private readonly running = new Map<string, Run>();
  /** Jobs due but waiting for a job they run after: each settles when its own run has ended. */
  private readonly waiting = new Map<string, Promise<RunResult | undefined>>();
  private readonly crons: Cron[] = [];
  private stopping = false;

  constructor(private readonly options: SchedulerOptions) {
    // Refuse to start on a line that would never run: a job the runtime does not know.
    const unknown = options.crontab.entries.filter((e) => !Object.hasOwn(options.registry, e.job));
    if (unknown.length) {
      throw new UnknownJobError(unknown.map((e) => `crontab line ${e.line}: unknown job "${e.job}" — known jobs: ${Object.keys(options.registry).sort().join(", ")}`).join("\n"));
    }
  }

  /**
   * Starts the schedule and the start-up jobs. If that throws, nothing stays armed: a scheduler
   * that cannot record its runs must exit, not idle with live timers.
   */
  start(): void {
    try {
      this.arm();
    } catch (error) {
      this.disarm();
      throw error;
    }
  }

  private arm(): void {
    const { crontab, log, statusDir } = this.options;
    // A status left "running" by a container that was stopped mid-run is an interrupted run.
    for (const job of new Set(crontab.entries.map((e) => e.job))) {
      if (readStatus(statusDir, job).running) {
        updateStatus(statusDir, job, {
          running: false,
          lastOutcome: "failed",
          lastError: { at: new Date().toISOString(), message: "interrupted: the container stopped during the run" },
        });
      }
    }
    for (const entry of crontab.entries) {
      if (entry.schedule === "@reboot") continue;
      const cron = new Cron(entry.schedule, { timezone: crontab.timezone, mode: this.options.seconds ? "6-part" : "5-part", catch: true }, () => this.triggerScheduled(entry));
      this.crons.push(cron);
    }
    log(`scheduler: ${this.crons.length} scheduled job line(s)${crontab.timezone ? ` in ${crontab.timezone}` : ""}`);
    for (const entry of crontab.entries.filter((e) => e.schedule === "@reboot")) void this.trigger(entry);
  }

  private triggerScheduled(entry: CrontabEntry): void {
    try {
      void this.trigger(entry);
    } catch (error) {
      this.internalError(error);
    }
  }

  private internalError(error: unknown): void {
    this.disarm();
    if (this.options.onInternalError) this.options.onInternalError(error);
    else this.options.log(`scheduler: internal error: ${error instanceof Error ? error.message : String(error)}`);
  }

  private disarm(): void {
    this.stopping = true;
    for (const cron of this.crons) cron.stop();
  }

  /**
   * Starts the entry's job unless that job is already running or waiting (then logs the skip and
   * returns undefined); first waits for any job it runs after that is running or waiting. The
   * promise is undefined-valued when the scheduler stopped during the wait.
   */
  trigger(entry: Pick<CrontabEntry, "job" | "args">): Promise<RunResult | undefined> | undefined {
    const { log, statusDir } = this.options;
    if (!Object.hasOwn(this.options.registry, entry.job))
      throw new UnknownJobError(`unknown job "${entry.job}" — known jobs: ${Object.keys(this.options.registry).sort().join(", ")}`);
    if (this.stopping) return undefined;
    if (this.running.has(entry.job) || this.waiting.has(entry.job)) {
      log(`${entry.job}: skipped — the previous run is still ${this.running.has(entry.job) ? "going" : "waiting"}`);
      updateStatus(statusDir, entry.job, { lastSkipped: new Date().toISOString() });
      return undefined;
    }
    const after = this.options.registry[entry.job].after ?? [];
    if (!after.length) return this.launch(entry);
    const waited = (async () => {
      await new Promise((r) => setTimeout(r, this.options.settleMs ?? 1000));
      const blockers = after.filter((job) => this.running.has(job) || this.waiting.has(job));
      if (blockers.length) {
        log(`${entry.job}: waiting for ${blockers.join(", ")} to end (it runs after ${blockers.length === 1 ? "it" : "them"})`);
        const ends: Promise<unknown>[] = blockers.flatMap((job) => {
          const end = this.running.get(job)?.result ?? this.waiting.get(job);
          return end ? [end] : [];
        });
        await Promise.allSettled(ends);
      }
      if (this.stopping) return undefined;
      try {
        return await this.launch(entry);
      } catch (error) {
        // Started late, outside triggerScheduled's reach: the same handling.
        this.internalError(error);
        return undefined;
      }
    })().finally(() => this.waiting.delete(entry.job));
    this.waiting.set(entry.job, waited);
    return waited;
  }

  private launch(entry: Pick<CrontabEntry, "job" | "args">): Promise<RunResult> {
    const run = startRun(entry.job, entry.args, this.options.registry[entry.job], this.options);
    this.running.set(entry.job, run);
    return run.result.finally(() => this.running.delete(entry.job));
  }

  /** Names of the jobs running now. */
  get busy(): string[] {
    return [...this.running.keys()].sort();
  }

  /** When each scheduled line runs next. */
  nextRuns(): { entry: CrontabEntry; next: Date | null }[] {
    const { crontab } = this.options;
    return crontab.entries.map((entry) => ({
      entry,
      next:
        entry.schedule === "@reboot" ? null : new Cron(entry.schedule, { timezone: crontab.timezone, mode: this.options.seconds ? "6-part" : "5-part", paused: true }).nextRun(),
    }));
  }

  /**
   * Stops the schedule and waits for running jobs. By default they are asked to stop (SIGTERM;
   * SIGKILL after the grace period) — every job is safe to interrupt; with `drain` they finish.
   */
  async stop(why = "the scheduler is stopping", options: { drain?: boolean } = {}): Promise<void> {
    this.disarm();
    const runs = [...this.running.values()];
    if (!options.drain) for (const run of runs) run.stop(why);
    await Promise.all([...runs.map((r) => r.result), ...this.waiting.values()]);
  }
}
