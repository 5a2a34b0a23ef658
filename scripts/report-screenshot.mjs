// The README's screenshot of the reading report, from the bundled example history
// (examples/reading-history.json): KOReader statistics files are written from it and loaded by
// the real `shelfstack etl` into the embedded database, Audiobookshelf sessions are added the
// way its load stores them, `shelfstack report` writes the pages, and headless Chromium takes
// the picture. Deterministic: a seeded generator, no clock. Usage: npm run build && node
// scripts/report-screenshot.mjs [out.png]   (default docs/report.png)
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const require = createRequire(join(ROOT, "package.json"));
const Database = require("better-sqlite3");
const history = JSON.parse(readFileSync(join(ROOT, "examples", "reading-history.json"), "utf8"));
const out = resolve(process.argv[2] ?? join(ROOT, "docs", "report.png"));
const DDL = readFileSync(join(ROOT, "test", "etl", "fixtures", "koreader-statistics-20221111.sql"), "utf8");

// mulberry32: the same history every time.
let seed = 20250106;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (a, b) => a + Math.floor(random() * (b - a + 1));
const md5Of = (title) => require("node:crypto").createHash("md5").update(title).digest("hex");

const dir = mkdtempSync(join(tmpdir(), "shelfstack-report-shot-"));
try {
  const start = Date.parse(`${history.from}T00:00:00Z`) / 1000;
  const files = new Map();
  const books = new Map();
  for (const device of history.devices) {
    const path = join(dir, `${device}.sqlite3`);
    const db = new Database(path);
    db.exec(DDL);
    db.pragma("user_version = 20221111");
    files.set(device, { path, db });
  }
  for (const b of history.ebooks) {
    const { db } = files.get(b.device);
    const id = db
      .prepare("INSERT INTO book (title, authors, md5, pages, notes, highlights, last_open, total_read_time, total_read_pages) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0)")
      .run(b.title, b.author, md5Of(b.title), b.pages).lastInsertRowid;
    books.set(b.title, { ...b, id: Number(id), page: 1 });
  }
  const queue = history.ebooks.map((b) => books.get(b.title));
  const listening = [];
  for (let day = 0; day < history.days; day++) {
    const weekend = ((day % 7) + 7) % 7 >= 5;
    // Some evenings off; weekends longer.
    if (random() < (weekend ? 0.12 : 0.22)) continue;
    const book = queue.find((b) => b.page < b.pages) ?? queue[0];
    const { db } = files.get(book.device);
    const insert = db.prepare("INSERT OR IGNORE INTO page_stat_data (id_book, page, start_time, duration, total_pages) VALUES (?, ?, ?, ?, ?)");
    const sessions = weekend ? between(1, 3) : between(1, 2);
    for (let s = 0; s < sessions; s++) {
      // Evenings mostly (19–23 h local, UTC+1/+2), a morning session at weekends.
      const hour = weekend && s === 0 ? between(8, 10) : between(18, 21);
      let t = start + day * 86_400 + hour * 3600 + between(0, 59) * 60;
      const pages = between(8, weekend ? 45 : 28);
      for (let p = 0; p < pages && book.page <= book.pages; p++) {
        const seconds = between(35, 110);
        // Now and then a page is read again: pages read stays distinct, pages turned counts it.
        const page = random() < 0.04 && book.page > 2 ? book.page - 2 : book.page++;
        insert.run(book.id, page, t, seconds, book.pages);
        t += seconds;
      }
    }
    if (random() < 0.3) {
      const a = history.audiobooks[Math.floor(day / 120) % history.audiobooks.length];
      const startMs = (start + day * 86_400 + between(7, 8) * 3600 + between(0, 40) * 60) * 1000;
      const seconds = between(20, 55) * 60;
      listening.push({ id: `ls_${day}`, a, startMs, seconds });
    }
  }
  for (const { db } of files.values()) db.close();

  const cli = (...args) =>
    execFileSync(process.execPath, [join(ROOT, "dist", "shelfstack.js"), ...args, "-c", join(ROOT, "examples", "stack.yaml")], {
      cwd: dir,
      stdio: ["ignore", "inherit", "inherit"],
    });
  const database = join(dir, "warehouse");
  cli("etl", ...[...files].flatMap(([device, f]) => ["--stats", `${device}=${f.path}`]), "--database", database);

  // Listening sessions as the Audiobookshelf load stores them (no Audiobookshelf server here).
  const { PGlite } = await import(require.resolve("@electric-sql/pglite"));
  const pg = await PGlite.create(database);
  for (const [i, a] of history.audiobooks.entries()) {
    const book = `example-audiobook-${i}`;
    await pg.query("INSERT INTO shelfstack.books (id, title, author, format, abs_item_id) VALUES ($1, $2, $3, 'audiobook', $4)", [book, a.title, a.author, `li_${i}`]);
    await pg.query("INSERT INTO shelfstack.book_sources (source, source_key, book_id, title, author) VALUES ('audiobookshelf', $1, $2, $3, $4)", [
      `li_${i}`,
      book,
      a.title,
      a.author,
    ]);
  }
  for (const l of listening) {
    const i = history.audiobooks.indexOf(l.a);
    await pg.query(
      "INSERT INTO shelfstack.reading_sessions (id, book_id, source, source_key, device, start_time, end_time, duration_seconds, pages_read) VALUES ($1, $2, 'audiobookshelf', $3, NULL, $4, $5, $6, NULL)",
      [`audiobookshelf:${l.id}`, `example-audiobook-${i}`, `li_${i}`, new Date(l.startMs).toISOString(), new Date(l.startMs + l.seconds * 1000).toISOString(), l.seconds],
    );
  }
  await pg.close();

  const report = join(dir, "report");
  cli("report", "-o", report, "--database", database);
  mkdirSync(dirname(out), { recursive: true });
  execFileSync(
    "/usr/bin/chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--hide-scrollbars",
      "--window-size=900,1250",
      `--screenshot=${out}`,
      `file://${join(report, "index.html")}`,
    ],
    { stdio: "ignore" },
  );
  console.log(`screenshot: ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
