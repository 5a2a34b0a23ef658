import { createHash } from "node:crypto";
import { matchKey, normalizeAsin, normalizeIsbn } from "./normalize";

export type Source = "koreader" | "audiobookshelf" | "hardcover";

/** What one source says about one book. */
export interface SourceRecord {
  readonly source: Source;
  /** KOReader: partial md5; Audiobookshelf: library item id; Hardcover: book id. */
  readonly key: string;
  readonly title: string;
  readonly author: string | null;
  readonly isbn: string | null;
  readonly asin: string | null;
}

export interface BookRow {
  readonly id: string;
  readonly title: string;
  readonly author: string | null;
  readonly format: "ebook" | "audiobook" | "both" | null;
  readonly koreader_md5: string | null;
  readonly abs_item_id: string | null;
  readonly hardcover_book_id: string | null;
}

/** Whose title and author a matched book shows: the curated catalogue first. */
const PRECEDENCE: Record<Source, number> = { hardcover: 0, audiobookshelf: 1, koreader: 2 };

export function recordId(source: Source, key: string): string {
  return `${source}\u0000${key}`;
}

/**
 * The matching rule. Records are the same book when any of these holds (and transitively):
 * 1. the same source key — KOReader's partial md5 (one file, however often its metadata
 *    changed), Audiobookshelf's library item id, Hardcover's book id;
 * 2. the same ISBN (ISBN-10 and -13 compared as ISBN-13) or ASIN;
 * 3. the same normalized title + first author (books/normalize.ts).
 * A book's id is derived from the smallest match key among its records, so it is the same on
 * every run and every rebuild. Computed over every record known, never in arrival order: the
 * result depends only on the records.
 */
export function matchBooks(records: readonly SourceRecord[]): { books: BookRow[]; bookOf: Map<string, string> } {
  const sorted = [...records].sort((a, b) => cmp(recordId(a.source, a.key), recordId(b.source, b.key)));
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const keys = sorted.map((r) => matchKey(r.title, r.author) || `untitled|${recordId(r.source, r.key)}`);
  const seen = new Map<string, number>();
  const link = (token: string | undefined, i: number) => {
    if (!token) return;
    const first = seen.get(token);
    if (first === undefined) seen.set(token, i);
    else union(first, i);
  };
  sorted.forEach((r, i) => {
    link(`key:${keys[i]}`, i);
    link(`isbn:${normalizeIsbn(r.isbn) ?? ""}`.replace(/^isbn:$/, ""), i);
    link(`asin:${normalizeAsin(r.asin) ?? ""}`.replace(/^asin:$/, ""), i);
  });

  const groups = new Map<number, number[]>();
  sorted.forEach((_, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  const books: BookRow[] = [];
  const bookOf = new Map<string, string>();
  for (const members of groups.values()) {
    const id = `b${createHash("sha256")
      .update(members.map((i) => keys[i]).sort(cmp)[0])
      .digest("hex")
      .slice(0, 16)}`;
    const recs = members.map((i) => sorted[i]);
    const shown = [...recs].sort((a, b) => PRECEDENCE[a.source] - PRECEDENCE[b.source] || cmp(a.key, b.key))[0];
    const smallest = (source: Source) =>
      recs
        .filter((r) => r.source === source)
        .map((r) => r.key)
        .sort(source === "hardcover" ? numeric : cmp)[0] ?? null;
    const ebook = recs.some((r) => r.source === "koreader");
    const audio = recs.some((r) => r.source === "audiobookshelf");
    books.push({
      id,
      title: shown.title,
      author: shown.author?.split("\n").join(", ") ?? null,
      format: ebook && audio ? "both" : ebook ? "ebook" : audio ? "audiobook" : null,
      koreader_md5: smallest("koreader"),
      abs_item_id: smallest("audiobookshelf"),
      hardcover_book_id: smallest("hardcover"),
    });
    for (const r of recs) bookOf.set(recordId(r.source, r.key), id);
  }
  books.sort((a, b) => cmp(a.id, b.id));
  return { books, bookOf };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function numeric(a: string, b: string): number {
  return Number(a) - Number(b) || cmp(a, b);
}
