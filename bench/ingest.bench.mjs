// Ingest of 100 generated EPUBs into a fresh Calibre library: seconds per book for
// `shelfstack ingest --once` (dist/ingest.js, default batch size), beside one batched
// `calibredb add` of the same files and one `calibredb add` process per book. Target: ingest
// ≤ 1.2× the batched figure (it adds checks, hashing, the journal and two `calibredb list`).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const BOOKS = 100;
const ROUNDS = 3;

/** The tests' EPUB generator (test/ingest/fixtures.ts), bundled on the fly. */
async function fixtures(dir) {
  const out = join(dir, "fixtures.cjs");
  await build({ entryPoints: [join(root, "test/ingest/fixtures.ts")], bundle: true, platform: "node", format: "cjs", outfile: out, logLevel: "silent" });
  return createRequire(import.meta.url)(out);
}

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

/**
 * One calibredb run, timed. calibredb holds one lock per user for the whole machine: when another
 * calibre program has it, wait and run again, counting only the run that worked.
 */
function timedCalibredb(args) {
  for (;;) {
    const start = process.hrtime.bigint();
    const r = spawnSync("calibredb", args, { encoding: "utf8" });
    const time = seconds(start);
    if (r.status === 0) return time;
    if (!/Another calibre program/.test(r.stderr)) throw new Error(`calibredb ${args[0]} failed: ${r.stderr}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}

export default async function bench() {
  if (spawnSync("calibredb", ["--version"]).status !== 0) {
    console.log("calibredb not installed (apt-get install calibre): skipped");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-ingest-"));
  try {
    const { epub } = await fixtures(dir);
    const books = Array.from({ length: BOOKS }, (_, i) =>
      epub({ version: i % 2 ? 3 : 2, title: `Bench Book ${i}`, author: `Author ${i % 17}`, identifier: `urn:uuid:bench-${i}`, cover: i % 5 === 0 }),
    );
    const drop = (name) => {
      const folder = join(dir, name, "in");
      mkdirSync(folder, { recursive: true });
      books.forEach((b, i) => writeFileSync(join(folder, `book-${String(i).padStart(3, "0")}.epub`), b));
      return {
        folder,
        files: readdirSync(folder)
          .sort()
          .map((f) => join(folder, f)),
        library: join(dir, name, "library"),
      };
    };

    // Other work on a 2-core machine skews a single timing: ingest and the batched add run in
    // turns, three times each, and each keeps its best time.
    const runIngest = (name) => {
      const drop1 = drop(name);
      const start = process.hrtime.bigint();
      const run = spawnSync(
        process.execPath,
        [
          join(root, "dist/ingest.js"),
          "--once",
          "--from",
          drop1.folder,
          "--library",
          drop1.library,
          "--audiobooks",
          join(dir, name, "audiobooks"),
          "--failed",
          join(dir, name, "failed"),
          "--stable",
          "0",
        ],
        { encoding: "utf8" },
      );
      const time = seconds(start);
      if (run.status !== 0 || !run.stdout.startsWith(`ingested ${BOOKS},`)) throw new Error(`ingest did not file all books:\n${run.stdout}\n${run.stderr}`);
      return time;
    };
    const runBatch = (name) => {
      const drop1 = drop(name);
      return timedCalibredb(["add", "--library-path", drop1.library, "--", ...drop1.files]);
    };
    const batchTimes = [];
    const ingestTimes = [];
    // Each round takes a while (Calibre starts Qt): say where it is, so minutes of quiet never look like a hang.
    for (let round = 1; round <= ROUNDS; round++) {
      batchTimes.push(runBatch(`batch-${round}`));
      ingestTimes.push(runIngest(`ingest-${round}`));
      console.log(`  round ${round}/${ROUNDS}: batched ${batchTimes.at(-1).toFixed(1)} s, ingest ${ingestTimes.at(-1).toFixed(1)} s`);
    }
    const ingestTime = Math.min(...ingestTimes);
    const batchTime = Math.min(...batchTimes);

    const single = drop("single");
    let singleTime = 0;
    console.log(`  one calibredb process per book, ${BOOKS} books…`);
    for (const file of single.files) singleTime += timedCalibredb(["add", "--library-path", single.library, "--", file]);

    const perBook = (t) => `${(t / BOOKS).toFixed(3)} s/book (${t.toFixed(1)} s)`;
    console.log(`${BOOKS} EPUBs into a fresh Calibre library (ingest and batched: best of ${ROUNDS}, run in turns):`);
    console.log(`  shelfstack ingest --once (default batches): ${perBook(ingestTime)}`);
    console.log(`  one batched calibredb add:                  ${perBook(batchTime)}`);
    console.log(`  one calibredb add process per book:         ${perBook(singleTime)}`);
    console.log(`  ingest / batched: ${(ingestTime / batchTime).toFixed(2)}× (target ≤ 1.2×); per-book / batched: ${(singleTime / batchTime).toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
