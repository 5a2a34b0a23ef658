// ETL of a KOReader statistics file into a local PostgreSQL 15, beside the floor: the same page
// rows piped `sqlite3 -csv … | psql -c '\copy … from stdin csv'`. Figures: full load of 1 M page
// rows (a fresh database, and a rebuild with --full), a no-change rerun, and peak RSS at 100 k and
// 1 M rows (flat memory: the rows are streamed, never held).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const CLI = join(ROOT, "dist", "shelfstack.js");
const REPEAT = 3;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${Math.round(x)} ms`;

/** The test helpers (cluster, generator) and a runner that reports its own time and peak RSS. */
async function bundle(dir) {
  writeFileSync(
    join(dir, "runner.ts"),
    `import { runEtl } from ${JSON.stringify(join(ROOT, "runtimes/jobs/etl/run"))};
     const [stats, url] = process.argv.slice(2);
     const options = { database: { kind: "postgres", url }, koreader: [{ device: "palma", path: stats }], gapSeconds: 300, timeZone: "UTC", full: false } as const;
     const time = async () => { const t = process.hrtime.bigint(); const r = await runEtl(options); return { ms: Number(process.hrtime.bigint() - t) / 1e6, r }; };
     (async () => {
       const full = await time();
       const again = await time();
       if (again.r.changed) throw new Error("the rerun changed something");
       console.log(JSON.stringify({ full: full.ms, noChange: again.ms, maxRssKb: process.resourceUsage().maxRSS, sessions: full.r.sessions.total }));
     })();`,
  );
  writeFileSync(
    join(dir, "helpers.ts"),
    `export { startCluster } from ${JSON.stringify(join(ROOT, "test/etl/helpers/postgres"))};
     export { generateStatistics } from ${JSON.stringify(join(ROOT, "test/etl/helpers/generate"))};`,
  );
  const common = {
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
    external: ["better-sqlite3", "pg-native", "@electric-sql/pglite"],
    nodePaths: [join(ROOT, "node_modules")],
  };
  await build({ ...common, entryPoints: { runner: join(dir, "runner.ts"), helpers: join(dir, "helpers.ts") }, outdir: dir });
  cpSync(join(ROOT, "runtimes/jobs/etl/migrations"), join(dir, "etl-migrations"), { recursive: true });
  return createRequire(join(dir, "helpers.js"))(join(dir, "helpers.js"));
}

function timed(cmd, args, options = {}) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", ...options });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, stdout: r.stdout };
}

export default async function () {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-etl-bench-"));
  // The bundles live inside the repository's node_modules, where their native modules resolve.
  mkdirSync(join(ROOT, "node_modules", ".cache"), { recursive: true });
  const code = mkdtempSync(join(ROOT, "node_modules", ".cache", "shelfstack-etl-bench-"));
  let cluster;
  let n = 0;
  const freshDb = () => cluster.createDatabase(`bench_${++n}`);
  const psql = (url, sql) => execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]);
  try {
    const helpers = await bundle(code);
    cluster = helpers.startCluster({ fsync: true });
    for (const rows of [100_000, 1_000_000, 3_000_000]) {
      const stats = join(dir, `statistics-${rows}.sqlite3`);
      helpers.generateStatistics(stats, rows);
      const label = `${rows / 1000}k page rows`;
      if (rows > 1_000_000) {
        // Only to show memory stays flat past the 1 M of the figures above.
        const r = JSON.parse(timed(process.execPath, [join(code, "runner.js"), stats, freshDb()]).stdout);
        console.log(`${label}: peak RSS of a process running the ETL: ${Math.round(r.maxRssKb / 1024)} MB (full load ${ms(r.full)})`);
        continue;
      }

      const floorDb = freshDb();
      psql(floorDb, "CREATE TABLE page_stat_data (id_book integer, page integer, start_time bigint, duration integer, total_pages integer)");
      const floor = [];
      for (let i = 0; i < REPEAT; i++) {
        psql(floorDb, "TRUNCATE page_stat_data");
        floor.push(
          timed("bash", [
            "-c",
            `sqlite3 -csv '${stats}' 'SELECT id_book, page, start_time, duration, total_pages FROM page_stat_data' | psql -X -q -d '${floorDb}' -c '\\copy page_stat_data from stdin csv'`,
          ]).ms,
        );
      }

      // The CLI as the crontab runs it: fresh database (migrations included), then no change, then --full.
      const cli = { full: [], noChange: [], rebuild: [] };
      // The ETL alone, in a process of its own: without Node's start-up and the CLI bundle's load.
      const alone = { full: [], noChange: [] };
      let rss = 0;
      for (let i = 0; i < REPEAT; i++) {
        const db = freshDb();
        const etl = (...extra) =>
          timed(process.execPath, [CLI, "etl", "--stats", `palma=${stats}`, "--database", db, ...extra], {
            cwd: dir,
            env: { ...process.env, ABS_API_KEY: "", HARDCOVER_TOKEN: "" },
          }).ms;
        cli.full.push(etl());
        cli.noChange.push(etl());
        cli.rebuild.push(etl("--full"));
        const r = JSON.parse(timed(process.execPath, [join(code, "runner.js"), stats, freshDb()]).stdout);
        alone.full.push(r.full);
        alone.noChange.push(r.noChange);
        rss = Math.max(rss, r.maxRssKb);
      }
      const f = median(floor);
      const ratio = (x) => `${(median(x) / f).toFixed(2)}× floor`;
      const pct = (a, b) => `${((100 * median(a)) / median(b)).toFixed(1)} % of the full load`;
      console.log(`${label}: floor sqlite3 -csv | psql \\copy: ${ms(f)}`);
      console.log(
        `${label}: full load into a fresh database: shelfstack etl ${ms(median(cli.full))} (${ratio(cli.full)}); the ETL alone ${ms(median(alone.full))} (${ratio(alone.full)})`,
      );
      console.log(
        `${label}: no-change rerun: shelfstack etl ${ms(median(cli.noChange))} (${pct(cli.noChange, cli.full)}); the ETL alone ${ms(median(alone.noChange))} (${pct(alone.noChange, alone.full)})`,
      );
      console.log(`${label}: rebuild, shelfstack etl --full: ${ms(median(cli.rebuild))}`);
      console.log(`${label}: peak RSS of a process running the ETL: ${Math.round(rss / 1024)} MB`);
    }
  } finally {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(code, { recursive: true, force: true });
  }
}
