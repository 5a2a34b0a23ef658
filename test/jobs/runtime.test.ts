import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeWithTool } from "../helpers/tools";
import { ROOT } from "../helpers/cli";
import { cli, scratch } from "./helpers/scratch";
import { KoreaderDb, pageRows } from "./helpers/koreader";
import { synth, writeStack } from "./helpers/stack";

const JOBS_BUNDLE = join(ROOT, "dist", "jobs.js");

/** A stack below a temporary folder, synthesized, with a reader's statistics already synced in. */
function deployed() {
  const root = scratch("shelfstack-runtime-");
  const stack = writeStack(root);
  const out = synth(stack, join(root, "out"));
  const data = join(root, "data");
  const settings = join(data, "statistics", "palma");
  mkdirSync(settings, { recursive: true });
  const k = new KoreaderDb(join(settings, "statistics.sqlite3"));
  return { root, out, data, k };
}

describeWithTool("git", "apt-get install git", "the jobs runtime end to end (built bundles, rendered files)", () => {
  test("dist/jobs.js, the container's entry, does not contain cdktf", () => {
    const bundle = readFileSync(JOBS_BUNDLE, "utf8");
    // Booleans, so a failure does not print the whole bundle.
    expect(/cdktf|TerraformStack|provider-docker/.test(bundle)).toBe(false);
    expect(bundle.includes("scheduled job line")).toBe(true);
  });

  test("`shelfstack jobs --run snapshot` on the rendered config: the job runs through the CLI, status and snapshot written", () => {
    const { out, data, k } = deployed();
    const book = k.addBook("Emma", "Jane Austen", "md5-emma");
    k.read(book, 1_700_000_000, 7);
    k.close();
    const args = ["jobs", "-c", join(out, "jobs/stack.yaml"), "--crontab", join(out, "cron/crontab")];
    const list = cli([...args, "--list"]);
    expect(
      list.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(/\s+/).slice(0, 6).join(" ")),
    ).toEqual(["bootstrap @reboot at start", "snapshot 0 2 * * *", "etl 30 3 * * *"]);
    const run = cli([...args, "--run", "snapshot"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Z snapshot: started\n/);
    expect(run.stdout).toMatch(/Z snapshot \| palma: committed \(1 book, 7 min read\)\n/);
    expect(run.stdout).toMatch(/Z snapshot: ok in \d+\.\d s\n/);
    expect(pageRows(join(data, "statistics-snapshots/palma/statistics.sqlite3"))).toBe(7);
    const status = JSON.parse(readFileSync(join(data, "appdata/jobs/status/snapshot.json"), "utf8"));
    expect(status).toMatchObject({ job: "snapshot", running: false, lastOutcome: "ok" });
  });

  test("the container entry runs the @reboot jobs, and exits cleanly on SIGTERM", async () => {
    const { root, out, data, k } = deployed();
    k.read(k.addBook("Persuasion", "Jane Austen", "md5-p"), 1_700_000_000, 3);
    k.close();
    const crontab = join(root, "crontab");
    writeFileSync(crontab, readFileSync(join(out, "cron/crontab"), "utf8") + "@reboot shelfstack snapshot\n");
    const child = spawn(process.execPath, [JOBS_BUNDLE], {
      env: { ...process.env, SHELFSTACK_CONFIG: join(out, "jobs/stack.yaml"), SHELFSTACK_CRONTAB: crontab },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    const status = join(data, "appdata/jobs/status/snapshot.json");
    for (let i = 0; i < 100 && !(existsSync(status) && JSON.parse(readFileSync(status, "utf8")).lastOutcome); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGTERM");
    const code = await new Promise((r) => child.on("close", r));
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(status, "utf8")).lastOutcome).toBe("ok");
    expect(log).toMatch(/scheduler: 2 scheduled job line\(s\) in Europe\/Berlin\n/);
    expect(log).toMatch(/scheduler: SIGTERM, stopping\n/);
  });

  test("the container entry exits 2 on an internal error instead of hanging with its timers armed", async () => {
    const { out, data } = deployed();
    // The status directory cannot be made (a file is in its place): fails even for root.
    mkdirSync(join(data, "appdata/jobs"), { recursive: true });
    writeFileSync(join(data, "appdata/jobs/status"), "not a directory\n");
    const child = spawn(process.execPath, [JOBS_BUNDLE], {
      env: { ...process.env, SHELFSTACK_CONFIG: join(out, "jobs/stack.yaml"), SHELFSTACK_CRONTAB: join(out, "cron/crontab") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    const hung = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await exited;
    clearTimeout(hung);
    expect(log).toMatch(/scheduler: internal error: /);
    expect(code).toBe(2);
  });

  test("the container entry refuses a crontab it cannot run: exit 1, the line and the fix", () => {
    const { root, out } = deployed();
    const crontab = join(root, "crontab");
    writeFileSync(crontab, "30 2 * * * shelfstack backups\n");
    const run = spawnSync(process.execPath, [JOBS_BUNDLE], {
      env: { ...process.env, SHELFSTACK_CONFIG: join(out, "jobs/stack.yaml"), SHELFSTACK_CRONTAB: crontab },
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/scheduler: cannot start: crontab line 1: unknown job "backups" — known jobs: backup, bootstrap, etl, restore-drill, snapshot\n$/);
  });
});
