// The nightly statistics snapshot of a KOReader statistics.sqlite3 with 1 M page rows, through the
// built CLI (`shelfstack snapshot`, as the jobs container runs it): the first snapshot into an empty
// repository, a night with no change (same bytes: the fast path), a night whose bytes changed but
// not its content, and a night with 1,000 new page rows. Beside them, the floor: sqlite3's own
// integrity_check + VACUUM INTO of the same file. Peak RSS from /usr/bin/time.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const Database = createRequire(import.meta.url)(join(root, "node_modules/better-sqlite3"));
const ROWS = 1_000_000;
const BOOKS = 200;

/** KOReader's schema (20221111), WAL mode as on Android, ROWS page reads spread over BOOKS books. */
function generate(file) {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(`CREATE TABLE book (id integer PRIMARY KEY autoincrement, title text, authors text, notes integer, last_open integer, highlights integer, pages integer, series text, language text, md5 text, total_read_time integer, total_read_pages integer);
    CREATE TABLE page_stat_data (id_book integer, page integer NOT NULL DEFAULT 0, start_time integer NOT NULL DEFAULT 0, duration integer NOT NULL DEFAULT 0, total_pages integer NOT NULL DEFAULT 0, UNIQUE (id_book, page, start_time), FOREIGN KEY(id_book) REFERENCES book(id));
    CREATE INDEX page_stat_data_start_time ON page_stat_data(start_time);
    CREATE UNIQUE INDEX book_title_authors_md5 ON book(title, authors, md5);
    PRAGMA user_version = 20221111;`);
  const book = db.prepare("INSERT INTO book (title, authors, md5, pages) VALUES (?, ?, ?, 400)");
  const page = db.prepare("INSERT INTO page_stat_data VALUES (?, ?, ?, ?, 400)");
  db.transaction(() => {
    for (let b = 1; b <= BOOKS; b++) book.run(`Book ${b}`, `Author ${b % 37}`, `md5-${b}`);
    for (let i = 0; i < ROWS; i++) page.run((i % BOOKS) + 1, (i % 400) + 1, 1_600_000_000 + i * 40, 20 + (i % 90));
  })();
  db.close();
}

/** Runs a command under /usr/bin/time: wall seconds and peak RSS in MB. */
function timed(command, args) {
  const start = process.hrtime.bigint();
  const run = spawnSync("/usr/bin/time", ["-f", "%M", command, ...args], { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${run.stdout}\n${run.stderr}`);
  const rss = Number(run.stderr.trim().split("\n").at(-1)) / 1024;
  return { seconds, rss, stdout: run.stdout };
}

export default async function bench() {
  if (spawnSync("git", ["--version"]).status !== 0 || spawnSync("/usr/bin/time", ["true"]).status !== 0) {
    console.log("git or /usr/bin/time not installed: skipped");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "bench-snapshot-"));
  try {
    const settings = join(dir, "settings", "palma");
    mkdirSync(settings, { recursive: true });
    const file = join(settings, "statistics.sqlite3");
    generate(file);
    const repo = join(dir, "repo");
    const snapshot = () => timed(process.execPath, [join(root, "dist/shelfstack.js"), "snapshot", "--from", settings, "--repo", repo]);
    const expect = (run, outcome) => {
      if (!run.stdout.startsWith(`palma: ${outcome}`)) throw new Error(`expected ${outcome}, got ${run.stdout}`);
      return run;
    };

    const first = expect(snapshot(), "committed");
    const same = expect(snapshot(), "unchanged");
    const db = new Database(file);
    db.exec("CREATE TABLE scratch (x); INSERT INTO scratch VALUES (randomblob(100000)); DROP TABLE scratch;"); // new bytes, same content
    db.close();
    const rewritten = expect(snapshot(), "unchanged");
    const more = new Database(file);
    const page = more.prepare("INSERT INTO page_stat_data VALUES (1, ?, ?, 30, 400)");
    more.transaction(() => {
      for (let i = 0; i < 1000; i++) page.run((i % 400) + 1, 1_700_000_000 + i * 30);
    })();
    more.close();
    const night = expect(snapshot(), "committed");
    const floorCopy = join(dir, "floor.sqlite3");
    const floor = timed("sqlite3", [file, "PRAGMA integrity_check;", `VACUUM INTO '${floorCopy}';`]);
    const mb = (f) => (statSync(f).size / 1e6).toFixed(1);
    const loose = execFileSync("git", ["-C", repo, "count-objects", "-vH"], { encoding: "utf8" }).match(/\nsize: (.+)\n/)?.[1];
    // The job packs once loose objects pass 256 MiB; what packing these two nights costs and gives:
    const gc = timed("git", ["-C", repo, "gc", "--quiet"]);
    const packed = execFileSync("git", ["-C", repo, "count-objects", "-vH"], { encoding: "utf8" }).match(/size-pack: (.+)\n/)?.[1];

    const row = (name, r) => console.log(`  ${name.padEnd(44)} ${r.seconds.toFixed(2).padStart(6)} s   peak RSS ${r.rss.toFixed(0).padStart(4)} MB`);
    console.log(`KOReader statistics.sqlite3: ${ROWS.toLocaleString("en")} page rows, ${BOOKS} books, ${mb(file)} MB; snapshot ${mb(join(repo, "palma/statistics.sqlite3"))} MB`);
    row("first snapshot (empty repository)", first);
    row("no change (same bytes: fast path)", same);
    row("bytes changed, content not (no commit)", rewritten);
    row("a night's reading (+1,000 rows, commit)", night);
    row("floor: sqlite3 integrity_check + VACUUM INTO", floor);
    row("git gc of the two nights", gc);
    console.log(`  no change / first: ${((same.seconds / first.seconds) * 100).toFixed(0)} %   two nights in git: ${loose} loose, ${packed} packed`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
