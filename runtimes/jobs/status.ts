import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One job's last runs, as a health check reads it: `<status dir>/<job>.json`. */
export interface JobStatus {
  readonly job: string;
  readonly running: boolean;
  readonly lastStart?: string;
  readonly lastEnd?: string;
  readonly lastOutcome?: "ok" | "failed";
  readonly lastDurationSeconds?: number;
  readonly lastSuccess?: string;
  readonly lastError?: { readonly at: string; readonly message: string };
  /** The last time a run was due while the previous one was still going, and so was skipped. */
  readonly lastSkipped?: string;
}

export function statusFile(dir: string, job: string): string {
  return join(dir, `${job}.json`);
}

export function readStatus(dir: string, job: string): JobStatus {
  try {
    return JSON.parse(readFileSync(statusFile(dir, job), "utf8")) as JobStatus;
  } catch {
    return { job, running: false };
  }
}

/** Written whole (temporary file, then rename), so a reader never sees half a file. */
export function writeStatus(dir: string, status: JobStatus): void {
  mkdirSync(dir, { recursive: true });
  const file = statusFile(dir, status.job);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(status, null, 2) + "\n");
  renameSync(tmp, file);
}

export function updateStatus(dir: string, job: string, change: Partial<JobStatus>): JobStatus {
  const next = { ...readStatus(dir, job), ...change, job };
  writeStatus(dir, next);
  return next;
}
