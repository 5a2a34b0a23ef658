import { existsSync, readFileSync } from "node:fs";
import { Cron } from "croner";
import { parseCrontab, type Crontab } from "../jobs/crontab";
import { JOBS } from "../jobs/registry";
import { readStatus, statusFile } from "../jobs/status";
import { fail, pass, reason, unchecked, type Check } from "./check";

export interface JobsCheckOptions {
  /** The rendered crontab: which jobs run, and when. */
  readonly crontab: string;
  /** Where the jobs container writes its status files. */
  readonly statusDir: string;
  readonly now: Date;
}

/**
 * Each scheduled job's last run succeeded, and recently enough: no run that was due (and had time
 * to finish) is missing. A failed run is reported with its last error line.
 */
export function checkJobs(options: JobsCheckOptions): Check[] {
  let crontab: Crontab;
  try {
    if (!existsSync(options.crontab)) return [unchecked("jobs", `no crontab at ${options.crontab}`, "run shelfstack synth, or pass --crontab")];
    crontab = parseCrontab(readFileSync(options.crontab, "utf8"), options.crontab);
  } catch (error) {
    return [fail("jobs", reason(error), "run shelfstack synth again")];
  }
  if (!existsSync(options.statusDir)) {
    return crontab.entries.map((e) =>
      unchecked(`job ${e.job}`, `no status files here (${options.statusDir})`, "run doctor on the server (docker exec jobs shelfstack doctor), or pass --status-dir"),
    );
  }
  return crontab.entries.map((entry) => jobCheck(entry.job, entry.schedule, crontab.timezone, options));
}

function jobCheck(job: string, schedule: string, timezone: string | undefined, options: JobsCheckOptions): Check {
  const name = `job ${job}`;
  const runNow = `docker exec jobs shelfstack jobs --run ${job}`;
  if (!existsSync(statusFile(options.statusDir, job))) return fail(name, "has never run", `wait for its schedule (${schedule}) or ${runNow}`);
  const status = readStatus(options.statusDir, job);
  if (status.running) return pass(name, `running since ${status.lastStart}`);
  if (status.lastOutcome === "failed") {
    const last = status.lastSuccess ? `; last success ${status.lastSuccess}` : "; it never succeeded";
    return fail(
      name,
      `last run failed at ${status.lastError?.at ?? status.lastEnd}: ${status.lastError?.message ?? "no message"}${last}`,
      `docker logs jobs, fix the cause, then ${runNow}`,
    );
  }
  if (schedule === "@reboot") return pass(name, `ran at the last start, ok at ${status.lastSuccess}`);
  const graceMs = (JOBS[job]?.timeoutMinutes ?? 60) * 60_000;
  // The latest run that was due and should have finished by now.
  const due = new Cron(schedule, { timezone, paused: true }).previousRuns(3, options.now).find((d) => d.getTime() + graceMs <= options.now.getTime());
  const lastSuccess = status.lastSuccess ? Date.parse(status.lastSuccess) : undefined;
  if (due && (lastSuccess === undefined || lastSuccess < due.getTime())) {
    return fail(
      name,
      `stale: last success ${status.lastSuccess ?? "never"}, but a run was due at ${due.toISOString()} (${schedule})`,
      `is the jobs container running? docker logs jobs; then ${runNow}`,
    );
  }
  return pass(name, `last success ${status.lastSuccess} (${schedule})`);
}
