import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { duration, type Log } from "./log";
import type { JobSpec, Launcher } from "./registry";
import { updateStatus } from "./status";
import { redactSecrets } from "../redact";

export interface RunOptions {
  readonly launcher: Launcher;
  readonly statusDir: string;
  readonly log: Log;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Between SIGTERM and SIGKILL when a run is stopped. @default 10000 */
  readonly graceMs?: number;
}

export interface RunResult {
  readonly job: string;
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly durationMs: number;
  /** Why it failed, in one line (the job's last error line that is not a stack frame, or the signal). */
  readonly reason?: string;
}

/** A run in progress: its result, and a way to stop it (SIGTERM to its whole process group). */
export interface Run {
  readonly result: Promise<RunResult>;
  stop(why: string): void;
}

/**
 * Runs one job as a child process in its own process group (so stopping it also stops what it
 * started, e.g. rclone), streams its output into the log prefixed with its name, writes its
 * status file, and logs one line at the start and one at the end with the outcome and duration.
 */
export function startRun(job: string, args: readonly string[], spec: JobSpec, options: RunOptions): Run {
  const { log, statusDir } = options;
  const started = new Date();
  const launch = options.launcher(job, args);
  updateStatus(statusDir, job, { running: true, lastStart: started.toISOString() });
  log(`${job}: started${args.length ? ` (${args.join(" ")})` : ""}`);

  const child = spawn(launch.command, [...launch.args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let lastError: string | undefined;
  let lastOutput: string | undefined;
  const follow = (stream: Readable, isErr: boolean) =>
    new Promise<void>((done) => {
      createInterface({ input: stream })
        .on("line", (raw) => {
          // A job's line lands in the container log and in status.json: never with a credential.
          const line = redactSecrets(raw);
          if (line.trim() === "") return;
          if (isErr && !isTraceLine(line)) lastError = line.trim();
          else lastOutput = line.trim();
          log(`${job} | ${line}`);
        })
        .on("close", done);
    });
  // The result waits for both streams' last line, so the reason is never read too early.
  const drained = [follow(child.stdout, false), follow(child.stderr, true)];

  let stoppedWhy: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const stop = (why: string) => {
    if (stoppedWhy || child.exitCode !== null) return;
    stoppedWhy = why;
    log(`${job}: stopping (${why})`);
    signalGroup("SIGTERM");
    killTimer = setTimeout(() => signalGroup("SIGKILL"), options.graceMs ?? 10_000);
  };
  const timeout = setTimeout(() => stop(`still running after ${spec.timeoutMinutes} min`), spec.timeoutMinutes * 60_000);

  const result = new Promise<RunResult>((resolveResult) => {
    let spawnError: Error | undefined;
    child.on("error", (error) => {
      spawnError = error;
    });
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- its one await (the output drained) only resolves; a throw from updateStatus stays an unhandled rejection
    child.on("close", async (code, signal) => {
      await Promise.all(drained);
      clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
      const ended = new Date();
      const ms = ended.getTime() - started.getTime();
      const ok = code === 0 && !spawnError;
      const reason = ok
        ? undefined
        : spawnError
          ? `could not start: ${spawnError.message}`
          : stoppedWhy
            ? `stopped: ${stoppedWhy}`
            : `${code === null ? `killed by ${signal}` : `exit ${code}`}${(lastError ?? lastOutput) ? `: ${lastError ?? lastOutput}` : ""}`;
      try {
        updateStatus(statusDir, job, {
          running: false,
          lastEnd: ended.toISOString(),
          lastOutcome: ok ? "ok" : "failed",
          lastDurationSeconds: Math.round(ms / 100) / 10,
          ...(ok ? { lastSuccess: ended.toISOString() } : { lastError: { at: ended.toISOString(), message: reason! } }),
        });
      } catch (error) {
        // The run's result still resolves, so the scheduler can stop and exit.
        log(`${job}: could not write its status: ${(error as Error).message}`);
      }
      log(ok ? `${job}: ok in ${duration(ms)}` : `${job}: FAILED in ${duration(ms)} — ${reason}`);
      resolveResult({ job, ok, exitCode: code, durationMs: ms, reason });
    });
  });
  return { result, stop };
}

/**
 * A stack frame ("    at main (…)") or Node's closing "Node.js v20…" line: never the reason a
 * person can act on, which is the message line printed before them.
 */
function isTraceLine(line: string): boolean {
  return /^\s+at\s/.test(line) || /^Node\.js v\d+/.test(line.trim());
}
