import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseTarget } from "../../runtimes/jobs/etl/db/database";
import { CLI } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { appendRows, generateStatistics } from "./helpers/generate";
import { absSession, hardcoverUserBook } from "./helpers/remote-data";
import { writeStack } from "./helpers/stack";
import { absStandIn, hardcoverStandIn, type StandIn } from "./helpers/stand-ins";
import { dump, pgliteTarget, postgresTarget, withDb, type Target } from "./helpers/targets";

/**
 * The ETL killed (SIGKILL: no cleanup, no rollback from our side) at points spread over a run,
 * several times, then run to the end: the database is, after every kill, exactly its state
 * before the run, and in the end exactly what an uninterrupted run gives.
 */
function killSuite(makeTarget: () => Target, { rows, more, kills }: { rows: number; more: number; kills: number }): void {
  const target = makeTarget();
  let dir: string;
  let stack: string;
  const servers: StandIn[] = [];
  const env: NodeJS.ProcessEnv = { ABS_API_KEY: "abs-kill-key", HARDCOVER_TOKEN: "hc-kill-token", DATABASE_URL: "" };

  beforeAll(async () => {
    await target.setup();
    dir = mkdtempSync(join(tmpdir(), "shelfstack-etl-kill-"));
    generateStatistics(join(dir, "v1.sqlite3"), rows);
    copyFileSync(join(dir, "v1.sqlite3"), join(dir, "v2.sqlite3"));
    appendRows(join(dir, "v2.sqlite3"), rows, rows + more);
    const abs = await absStandIn(
      Array.from({ length: 300 }, (_, i) =>
        absSession({
          id: `ls_${i}`,
          itemId: `li_${i % 7}`,
          title: `Book ${i % 7} — Книга ${i % 7}`,
          author: `Author ${i % 7}`,
          startedAt: 1_600_000_000_000 + i * 3_600_000,
          updatedAt: 1_600_000_000_000 + i * 3_600_000 + 900_000,
          timeListening: 900,
        }),
      ),
      env.ABS_API_KEY!,
    );
    const hc = await hardcoverStandIn(
      Array.from({ length: 150 }, (_, i) =>
        hardcoverUserBook({
          id: 100 + i,
          bookId: 7000 + i,
          title: `Book ${i + 1} — Книга ${i + 1}`,
          author: `Author ${(i + 1) % 37}`,
          statusId: 1 + (i % 5),
          reads: [{ id: 900 + i, started_at: "2024-01-02", finished_at: i % 2 ? "2024-02-03" : null }],
        }),
      ),
      env.HARDCOVER_TOKEN!,
    );
    servers.push(abs, hc);
    stack = writeStack(dir, join(dir, "data"), { audiobookshelfUrl: abs.url, hardcoverUrl: hc.url });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await target.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  const databaseArg = (t: DatabaseTarget) => (t.kind === "postgres" ? t.url : t.dir);

  function etl(t: DatabaseTarget, stats: string): { done: Promise<{ code: number | null; signal: string | null; stderr: string; ms: number }>; kill(): void } {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, "etl", "-c", stack, "--stats", `palma=${stats}`, "--database", databaseArg(t)], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const done = new Promise<{ code: number | null; signal: string | null; stderr: string; ms: number }>((resolve) =>
      child.on("close", (code, signal) => resolve({ code, signal, stderr, ms: Date.now() - started })),
    );
    return { done, kill: () => child.kill("SIGKILL") };
  }

  async function complete(t: DatabaseTarget, stats: string): Promise<number> {
    const r = await etl(t, stats).done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return r.ms;
  }

  test("killed at random points, several times, then rerun: equal to an uninterrupted run", async () => {
    // The uninterrupted runs: the first load, then the night after (more rows).
    const clean = await target.fresh();
    const empty = await withDb(clean, dump); // no tables yet: every table empty
    const firstMs = await complete(clean, join(dir, "v1.sqlite3"));
    const afterFirst = await withDb(clean, dump);
    const secondMs = await complete(clean, join(dir, "v2.sqlite3"));
    const afterSecond = await withDb(clean, dump);
    expect(afterSecond.reading_sessions).not.toEqual(afterFirst.reading_sessions);

    const killed = await target.fresh();
    let interrupted = 0;
    for (const [stats, ms, before, after] of [
      [join(dir, "v1.sqlite3"), firstMs, empty, afterFirst],
      [join(dir, "v2.sqlite3"), secondMs, afterFirst, afterSecond],
    ] as const) {
      for (let k = 0; k < kills; k++) {
        // Spread over the run: start-up, migrations, reading the sources, the load, the commit.
        const delay = Math.floor(((k + Math.random()) / kills) * ms);
        const run = etl(killed, stats);
        const timer = setTimeout(run.kill, delay);
        const r = await run.done;
        clearTimeout(timer);
        if (r.signal === "SIGKILL") interrupted++;
        // Killed before its commit: exactly the previous state. After it: exactly the new one.
        expect([before, after]).toContainEqual(await withDb(killed, dump));
      }
      await complete(killed, stats);
      expect(await withDb(killed, dump)).toEqual(after);
    }
    // At least half the kills must have landed inside a run, or this test proves little.
    expect(interrupted).toBeGreaterThanOrEqual(kills);
  });
}

describeWithTool("initdb", "PostgreSQL 15 server binaries: initdb, pg_ctl, postgres on PATH", "ETL killed mid-run — PostgreSQL 15", () => {
  killSuite(postgresTarget, { rows: 300_000, more: 60_000, kills: 5 });
});

describe("ETL killed mid-run — embedded PGlite", () => {
  // Smaller: the embedded database is slower, and what is under test is its recovery, not size.
  killSuite(pgliteTarget, { rows: 40_000, more: 8_000, kills: 2 });
});
