/**
 * The job catalogue (config/jobs.ts) is the one place a job is defined: the crontab, the
 * scheduler's registry and the CLI's command list are all read from it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { catalogueProblems, JOB_CATALOGUE, scheduledJobsOf, type JobDefinition } from "../../config/jobs";
import { loadStack, parseStack } from "../../config/load";
import { JOBS } from "../../runtimes/jobs/registry";
import { EXAMPLE, ROOT, shelfstack } from "../helpers/cli";
import { exampleWith } from "../tailscale/fixtures";

describe("the job catalogue", () => {
  test("names are unique, every `after` names a job, and no job waits on itself through others", () => {
    expect(catalogueProblems()).toEqual([]);
    const job = (name: string, after?: string[]): JobDefinition => ({ name, summary: name, timeoutMinutes: 1, schedule: () => "@reboot", after });
    expect(catalogueProblems([job("a", ["b"]), job("b", ["a"])])).toContain("dependency cycle: a → b → a");
    expect(catalogueProblems([job("a", ["nope"])])).toEqual(['a runs after "nope", which is not a job']);
  });

  test("each job is the command of its name", () => {
    for (const job of JOB_CATALOGUE) expect(existsSync(join(ROOT, "bin", "commands", `${job.name}.ts`))).toBe(true);
  });

  test("the scheduler's registry is the catalogue: summary, time limit and order dependencies", () => {
    expect(Object.keys(JOBS).sort()).toEqual(JOB_CATALOGUE.map((j) => j.name).sort());
    for (const job of JOB_CATALOGUE) expect(JOBS[job.name]).toEqual({ summary: job.summary, timeoutMinutes: job.timeoutMinutes, ...(job.after ? { after: job.after } : {}) });
  });

  test("the CLI lists every job with its catalogue summary", () => {
    const help = shelfstack(["--help"]);
    expect(help.status).toBe(0);
    for (const job of JOB_CATALOGUE) expect(help.stdout).toMatch(new RegExp(`^  ${job.name} +${job.summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
  });

  test("the order: backup and the ETL after the snapshot, the drill after the backup; a dependency stack.yaml leaves off is dropped", () => {
    const after = (jobs: ReturnType<typeof scheduledJobsOf>) => Object.fromEntries(jobs.map((j) => [j.name, j.after ?? []]));
    expect(after(scheduledJobsOf(loadStack(EXAMPLE)))).toEqual({
      bootstrap: [],
      snapshot: [],
      backup: ["snapshot"],
      "restore-drill": ["backup"],
      etl: ["snapshot"],
    });
    const noStatistics = parseStack(
      exampleWith((doc) => (doc.statistics = { ...doc.statistics, enabled: false })),
      "stack.yaml",
    );
    expect(after(scheduledJobsOf(noStatistics))).toEqual({ bootstrap: [], backup: [], "restore-drill": ["backup"], etl: [] });
  });
});
