import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { scratch } from "./helpers/scratch";
import { parseCrontab } from "../../runtimes/jobs/crontab";
import type { Launcher, Registry } from "../../runtimes/jobs/registry";
import { Scheduler, UnknownJobError } from "../../runtimes/jobs/scheduler";
import { readStatus, writeStatus } from "../../runtimes/jobs/status";

/** Stand-in jobs: small Node scripts, each a real child process like `shelfstack <job>`. */
const SCRIPTS: Record<string, string> = {
  ok: `require("fs").appendFileSync(process.env.OUT + "/ok.log", "ran\\n")`,
  boot: `require("fs").appendFileSync(process.env.OUT + "/boot.log", "ran\\n")`,
  fail: `console.log("checking"); console.error("the disk is on fire"); process.exit(3)`,
  // As the CLI reports a bug: the message, then the stack, then Node's version line.
  trace: `console.error("shelfstack: internal error: Error: the snapshot repository is locked\\n    at main (/app/dist/shelfstack.js:4:73)\\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\\n\\nNode.js v20.20.2"); process.exit(2)`,
  // Runs 2.5 s, logging its start and end: overlapping runs would show two starts in a row.
  slow: `const fs = require("fs"); fs.appendFileSync(process.env.OUT + "/slow.log", "start\\n"); setTimeout(() => fs.appendFileSync(process.env.OUT + "/slow.log", "end\\n"), 2500)`,
  // Starts a grandchild that would outlive it, and waits.
  tree: `const c = require("child_process").spawn("sleep", ["30"], { stdio: "ignore" }); require("fs").writeFileSync(process.env.OUT + "/grandchild.pid", String(c.pid)); setInterval(() => {}, 1000)`,
};

const REGISTRY: Registry = Object.fromEntries(Object.keys(SCRIPTS).map((job) => [job, { summary: job, timeoutMinutes: 5 }]));
const launcher: Launcher = (job, args) => ({ command: process.execPath, args: ["-e", SCRIPTS[job], ...args] });

function scheduler(crontab: string, registry: Registry = REGISTRY) {
  const out = scratch("shelfstack-scheduler-");
  const lines: string[] = [];
  const s = new Scheduler({
    crontab: parseCrontab(crontab, "crontab", { seconds: true }),
    registry,
    launcher,
    statusDir: join(out, "status"),
    log: (line) => lines.push(line),
    cwd: out,
    seconds: true,
    graceMs: 500,
  });
  process.env.OUT = out;
  return { s, out, lines, status: (job: string) => readStatus(join(out, "status"), job) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : []);
/** A process that has exited but not been reaped yet (a zombie) counts as gone. */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

describe("the jobs scheduler (real child processes, every-second schedules)", () => {
  test("due jobs run; an overlapping run is skipped; a failing job is reported and the others go on; @reboot runs once", async () => {
    const { s, out, lines, status } = scheduler(
      ["CRON_TZ=UTC", "@reboot shelfstack boot", "* * * * * * shelfstack ok", "* * * * * * shelfstack slow", "* * * * * * shelfstack fail"].join("\n"),
    );
    s.start();
    await sleep(3600);
    await s.stop("test over", { drain: true });

    expect(read(join(out, "boot.log"))).toEqual(["ran"]);
    expect(read(join(out, "ok.log")).length).toBeGreaterThanOrEqual(2);
    expect(status("ok")).toMatchObject({ running: false, lastOutcome: "ok" });
    expect(status("ok").lastSuccess).toBeDefined();

    // Every second due, 2.5 s long: started at most twice, never two at once, the rest skipped.
    const slow = read(join(out, "slow.log"));
    expect(slow.slice(0, 2)).toEqual(["start", "end"]);
    expect(slow.length).toBeLessThanOrEqual(4);
    expect(slow.join(" ")).not.toMatch(/start start/);
    expect(lines.filter((l) => l === "slow: skipped — the previous run is still going").length).toBeGreaterThanOrEqual(1);
    expect(status("slow").lastSkipped).toBeDefined();

    const failures = lines.filter((l) => l.startsWith("fail: FAILED"));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures[0]).toMatch(/^fail: FAILED in \d+\.\d s — exit 3: the disk is on fire$/);
    expect(lines).toContain("fail | the disk is on fire");
    expect(status("fail")).toMatchObject({ running: false, lastOutcome: "failed", lastError: { message: "exit 3: the disk is on fire" } });
    expect(status("fail").lastSuccess).toBeUndefined();
    expect(lines.filter((l) => /^ok: ok in \d+\.\d s$/.test(l)).length).toBeGreaterThanOrEqual(2);
  });

  test("a failed job's status keeps the error's message, not a line of its stack trace", async () => {
    const { s, status } = scheduler("@reboot shelfstack trace");
    const result = await s.trigger({ job: "trace", args: [] })!;
    expect(result.reason).toBe("exit 2: shelfstack: internal error: Error: the snapshot repository is locked");
    expect(status("trace").lastError?.message).toBe("exit 2: shelfstack: internal error: Error: the snapshot repository is locked");
  });

  test("stopping the scheduler stops a running job and everything it started", async () => {
    const { s, out, status } = scheduler("@reboot shelfstack tree");
    s.start();
    // The file may exist before its number is written: wait for the number (generously: CI is busy).
    const pidOf = () => (existsSync(join(out, "grandchild.pid")) ? Number(readFileSync(join(out, "grandchild.pid"), "utf8")) : 0);
    for (let i = 0; i < 200 && !(pidOf() > 0); i++) await sleep(50);
    const grandchild = pidOf();
    expect(grandchild).toBeGreaterThan(0);
    expect(alive(grandchild)).toBe(true);
    await s.stop("test over");
    for (let i = 0; i < 40 && alive(grandchild); i++) await sleep(50);
    expect(alive(grandchild)).toBe(false);
    expect(status("tree")).toMatchObject({ running: false, lastOutcome: "failed", lastError: { message: "stopped: test over" } });
  });

  test("a run past its time limit is stopped and recorded as failed", async () => {
    const { s, status, lines } = scheduler("@reboot shelfstack tree", { tree: { summary: "tree", timeoutMinutes: 0.01 } });
    const run = s.trigger({ job: "tree", args: [] })!;
    const result = await run;
    expect(result.ok).toBe(false);
    expect(result.reason).toBe("stopped: still running after 0.01 min");
    expect(status("tree").lastOutcome).toBe("failed");
    expect(lines).toContain("tree: stopping (still running after 0.01 min)");
  });

  test("a crontab line naming an unknown job stops the scheduler before anything runs", () => {
    expect(() => scheduler("* * * * * * shelfstack ok\n* * * * * * shelfstack nightly-magic")).toThrow(UnknownJobError);
    expect(() => scheduler("* * * * * * shelfstack nightly-magic")).toThrow(/crontab line 1: unknown job "nightly-magic" — known jobs: boot, fail, ok, slow, trace, tree/);
    expect(() => scheduler("* * * * * * shelfstack constructor")).toThrow(UnknownJobError);
  });

  test("a status left running by a stopped container is recorded as interrupted at start", () => {
    const { s, out, status } = scheduler("0 0 0 1 1 * shelfstack ok");
    writeStatus(join(out, "status"), { job: "ok", running: true, lastStart: "2025-01-01T00:00:00.000Z" });
    s.start();
    void s.stop();
    expect(status("ok")).toMatchObject({ running: false, lastOutcome: "failed", lastError: { message: "interrupted: the container stopped during the run" } });
  });

  test("next runs are read in the crontab's time zone", () => {
    const { s } = scheduler("CRON_TZ=Europe/Berlin\n0 30 2 * * 1-5 shelfstack ok\n@reboot shelfstack boot");
    const [weekday, boot] = s.nextRuns();
    expect(boot.next).toBeNull();
    // 02:30 in Berlin is 00:30 or 01:30 UTC depending on summer time, never 02:30 UTC.
    expect(weekday.next!.getUTCHours()).toBeLessThan(2);
    expect(weekday.next!.getUTCMinutes()).toBe(30);
  });
});
