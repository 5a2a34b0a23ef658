import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkJobs } from "../../runtimes/doctor/jobs";
import { writeStatus } from "../../runtimes/jobs/status";
import { scratch } from "../jobs/helpers/scratch";

const CRONTAB = "CRON_TZ=Europe/Berlin\n@reboot shelfstack bootstrap\n0 2 * * * shelfstack snapshot\n30 2 * * * shelfstack backup\n";
// 02:30 Berlin on 1 March is 01:30 UTC; the backup may run 20 h, the snapshot 30 min.
const at = (iso: string) => new Date(iso);

function setup() {
  const dir = scratch("shelfstack-doctor-jobs-");
  const crontab = join(dir, "crontab");
  writeFileSync(crontab, CRONTAB);
  const statusDir = join(dir, "status");
  const verdicts = (now: Date) => Object.fromEntries(checkJobs({ crontab, statusDir, now }).map((c) => [c.name, [c.verdict, c.fact]]));
  return { crontab, statusDir, verdicts };
}

test("a run that was due and had time to finish must have succeeded since; one still within its time limit is not stale yet", () => {
  const { statusDir, verdicts } = setup();
  writeStatus(statusDir, { job: "bootstrap", running: false, lastOutcome: "ok", lastSuccess: "2025-03-01T00:00:00Z" });
  writeStatus(statusDir, { job: "snapshot", running: false, lastOutcome: "ok", lastSuccess: "2025-02-28T01:05:00Z" });
  writeStatus(statusDir, { job: "backup", running: false, lastOutcome: "ok", lastSuccess: "2025-02-28T03:00:00Z" });
  // 01:20 UTC: the snapshot was due at 01:00 and had its 30 minutes: not yet stale. The backup is not due yet.
  expect(verdicts(at("2025-03-01T01:20:00Z"))).toEqual({
    "job bootstrap": ["pass", "ran at the last start, ok at 2025-03-01T00:00:00Z"],
    "job snapshot": ["pass", "last success 2025-02-28T01:05:00Z (0 2 * * *)"],
    "job backup": ["pass", "last success 2025-02-28T03:00:00Z (30 2 * * *)"],
  });
  // 01:31 UTC: the snapshot had its time and did not succeed since → stale; the backup still within its 20 h.
  const later = verdicts(at("2025-03-01T01:31:00Z"));
  expect(later["job snapshot"]).toEqual(["fail", "stale: last success 2025-02-28T01:05:00Z, but a run was due at 2025-03-01T01:00:00.000Z (0 2 * * *)"]);
  expect(later["job backup"][0]).toBe("pass");
  expect(verdicts(at("2025-03-01T21:31:00Z"))["job backup"]).toEqual([
    "fail",
    "stale: last success 2025-02-28T03:00:00Z, but a run was due at 2025-03-01T01:30:00.000Z (30 2 * * *)",
  ]);
});

test("a failed last run shows its error and the last success; a job that never ran or is running says so", () => {
  const { statusDir, verdicts } = setup();
  writeStatus(statusDir, {
    job: "bootstrap",
    running: false,
    lastOutcome: "failed",
    lastError: { at: "2025-03-01T00:00:05Z", message: "exit 1: Audiobookshelf did not answer within 300 s" },
  });
  writeStatus(statusDir, { job: "snapshot", running: true, lastStart: "2025-03-01T01:00:00Z" });
  const v = verdicts(at("2025-03-01T01:10:00Z"));
  expect(v["job bootstrap"]).toEqual(["fail", "last run failed at 2025-03-01T00:00:05Z: exit 1: Audiobookshelf did not answer within 300 s; it never succeeded"]);
  expect(v["job snapshot"]).toEqual(["pass", "running since 2025-03-01T01:00:00Z"]);
  expect(v["job backup"]).toEqual(["fail", "has never run"]);
});

test("without status files here (the laptop) every job is not checked, never passed", () => {
  const { crontab } = setup();
  const checks = checkJobs({ crontab, statusDir: "/nonexistent/status", now: new Date() });
  expect(checks.map((c) => c.verdict)).toEqual(["unchecked", "unchecked", "unchecked"]);
});
