import Database from "better-sqlite3";

/** One book's reading so far, from KOReader's page rows. */
export interface BookTotal {
  readonly title: string;
  readonly authors: string;
  readonly md5: string;
  readonly readSeconds: number;
  readonly pageReads: number;
}

/** What a snapshot holds, kept beside it as statistics.json (so `git log -p` shows a night's reading). */
export interface Summary {
  readonly books: number;
  readonly pageReads: number;
  readonly readSeconds: number;
  readonly perBook: readonly BookTotal[];
}

export function summarize(file: string): Summary {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // One scan of the page rows (NOT INDEXED: through the unique index it is a lookup per row, 6× slower).
    const sums = db.prepare("SELECT id_book AS id, sum(duration) AS seconds, count(*) AS reads FROM page_stat_data NOT INDEXED GROUP BY id_book").all() as {
      id: number;
      seconds: number;
      reads: number;
    }[];
    const byBook = new Map(sums.map((s) => [s.id, s]));
    const books = db.prepare("SELECT id, coalesce(title, '') AS title, coalesce(authors, '') AS authors, coalesce(md5, '') AS md5 FROM book").all() as {
      id: number;
      title: string;
      authors: string;
      md5: string;
    }[];
    const perBook: BookTotal[] = books
      .map((b) => ({ title: b.title, authors: b.authors, md5: b.md5, readSeconds: byBook.get(b.id)?.seconds ?? 0, pageReads: byBook.get(b.id)?.reads ?? 0, id: b.id }))
      .sort((a, b) => cmp(a.title, b.title) || cmp(a.authors, b.authors) || cmp(a.md5, b.md5) || a.id - b.id)
      .map(({ id: _id, ...book }) => book);
    return {
      books: perBook.length,
      pageReads: sums.reduce((n, s) => n + s.reads, 0),
      readSeconds: sums.reduce((n, s) => n + s.seconds, 0),
      perBook,
    };
  } finally {
    db.close();
  }
}

/** Code-point order, the same on every machine (no locale). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function summaryJson(summary: Summary): string {
  return JSON.stringify(summary, null, 2) + "\n";
}

/** 2 h 5 min, 45 min, 30 s. */
export function readTime(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text = h ? `${h} h${m ? ` ${m} min` : ""}` : m ? `${m} min` : `${s} s`;
  return seconds < 0 ? `-${text}` : text;
}

/** 1 book, 2 books. */
export function books(n: number): string {
  return `${n} book${n === 1 ? "" : "s"}`;
}

const signed = (n: number, unit: (x: number) => string) => (n > 0 ? `+${unit(n)}` : n < 0 ? unit(n) : "±0");

const keyOf = (b: BookTotal) => (b.md5 ? `md5:${b.md5}` : `t:${b.title}\0${b.authors}`);
const bookName = (b: BookTotal) => `${b.title || "(untitled)"}${b.authors ? ` — ${b.authors.replace(/\n/g, ", ")}` : ""}`;

/** One reader's change as the commit message tells it: a subject part and a line per book. */
export function describeChange(reader: string, before: Summary | undefined, after: Summary): { subject: string; lines: string[] } {
  const count = before ? `${books(after.books)} (${signed(after.books - before.books, String)})` : books(after.books);
  const time = before ? `${readTime(after.readSeconds)} read (${signed(after.readSeconds - before.readSeconds, readTime)})` : `${readTime(after.readSeconds)} read`;
  const old = new Map((before?.perBook ?? []).map((b) => [keyOf(b), b]));
  const lines: string[] = [];
  for (const book of after.perBook) {
    const was = old.get(keyOf(book));
    old.delete(keyOf(book));
    if (!was) lines.push(`+ ${bookName(book)}: ${readTime(book.readSeconds)}`);
    else if (was.readSeconds !== book.readSeconds) lines.push(`~ ${bookName(book)}: ${signed(book.readSeconds - was.readSeconds, readTime)}`);
  }
  for (const gone of old.values()) lines.push(`- ${bookName(gone)}`);
  return { subject: `${reader}: ${count}, ${time}`, lines };
}

/** The commit message: a subject with every changed reader, then the books that changed, per reader. */
export function commitMessage(changes: readonly { reader: string; before?: Summary; after: Summary }[]): string {
  const described = changes.map((c) => ({ reader: c.reader, ...describeChange(c.reader, c.before, c.after) }));
  const body = described.flatMap((d) => (d.lines.length ? ["", `${d.reader}:`, ...d.lines] : []));
  return [`statistics ${described.map((d) => d.subject).join("; ")}`, ...body].join("\n") + "\n";
}
