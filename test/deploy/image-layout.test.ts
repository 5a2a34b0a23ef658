import { spawn } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tmp } from "../helpers/cli";
import { koreaderFixture } from "../etl/helpers/suite";
import { writeStack } from "../etl/helpers/stack";

/**
 * The CLI laid out as the jobs image holds it: /app/dist and /app/node_modules, no examples/ and
 * no sources beside it. Every job the scheduler runs must work from there.
 */
function imageLayout(): string {
  const app = join(tmp("shelfstack-image-layout-"), "app");
  mkdirSync(app);
  cpSync(join(ROOT, "dist"), join(app, "dist"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"));
  return app;
}

function run(cli: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, env: { PATH: process.env.PATH, HOME: cwd } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the CLI as the jobs image holds it (dist/ without examples/)", () => {
  test("`shelfstack etl -c stack.yaml` loads the statistics: it never needs the bundled example", async () => {
    const app = imageLayout();
    const work = tmp("shelfstack-image-etl-");
    const stack = writeStack(work, join(work, "srv"), { hardcover: false });
    const stats = join(work, "statistics.sqlite3");
    const { db } = koreaderFixture(stats);
    db.db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    const result = await run(join(app, "dist", "shelfstack.js"), ["etl", "-c", stack, "--stats", stats, "--database", join(work, "pglite")], work);
    expect(result.stderr).not.toMatch(/examples\/stack\.yaml/);
    expect(result.stdout).toMatch(/loaded: 3 books \(3 new\), 5 sessions/);
    expect(result.code).toBe(0);
  });

  test("without -c, ./stack.yaml is used; with neither, the message says what to do", async () => {
    const app = imageLayout();
    const empty = tmp("shelfstack-image-none-");
    const result = await run(join(app, "dist", "shelfstack.js"), ["etl"], empty);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no \.\/stack\.yaml here and no bundled example — pass -c <stack\.yaml>/);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
