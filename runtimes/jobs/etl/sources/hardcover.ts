import type { SourceRecord } from "../books/match";
import { Malformed, requestJson, SourceError, type HttpOptions } from "./http";

export const HARDCOVER_URL = "https://api.hardcover.app/v1/graphql";

export interface HardcoverRead {
  readonly id: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly progressPages: number | null;
  readonly progressSeconds: number | null;
}

export interface HardcoverUserBook {
  readonly id: string;
  /** Hardcover's book id: the book source key. */
  readonly bookKey: string;
  readonly status: string;
  readonly rating: number | null;
  readonly reads: readonly HardcoverRead[];
}

export interface HardcoverExtract {
  readonly userBooks: readonly HardcoverUserBook[];
  readonly records: readonly SourceRecord[];
  readonly pages: number;
}

/** Hardcover's status_id (docs, UserBooks). */
const STATUS: Record<number, string> = { 1: "want_to_read", 2: "reading", 3: "read", 4: "paused", 5: "did_not_finish", 6: "ignored" };

// One top-level field (`me`): one request against the 60 a minute.
const QUERY = `query ShelfstackUserBooks($limit: Int!, $offset: Int!) {
  me {
    user_books(limit: $limit, offset: $offset, order_by: {id: asc}) {
      id
      status_id
      rating
      book { id title contributions(where: {contributable_type: {_eq: "Book"}}) { contribution author { name } } }
      edition { isbn_13 isbn_10 asin }
      user_book_reads(order_by: {id: asc}) { id started_at finished_at progress_pages progress_seconds }
    }
  }
}`;

interface RawUserBook {
  id: number;
  status_id: number;
  rating: number | string | null;
  book: { id: number; title: string; contributions?: { contribution: string | null; author: { name: string } | null }[] };
  edition: { isbn_13?: string | null; isbn_10?: string | null; asin?: string | null } | null;
  user_book_reads: { id: number; started_at: string | null; finished_at: string | null; progress_pages: number | null; progress_seconds: number | null }[];
}

/**
 * The reader's Hardcover shelf: every user_book with its reads, paged by offset. Small (one row
 * per book on the shelf), so each run reads it whole and the load mirrors it.
 */
export async function fetchHardcover(options: { readonly url?: string; readonly token: string; readonly pageSize?: number }, http: HttpOptions = {}): Promise<HardcoverExtract> {
  const pageSize = options.pageSize ?? 100;
  // Tokens were once shown with "Bearer " in front; send it exactly once.
  const token = options.token.trim().replace(/^bearer\s+/i, "");
  const raw: RawUserBook[] = [];
  let pages = 0;
  for (;;) {
    const rows = await requestJson(
      `hardcover: user_books page ${pages} (offset ${pages * pageSize})`,
      options.url ?? HARDCOVER_URL,
      {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "user-agent": "shelfstack-etl" },
        body: JSON.stringify({ query: QUERY, variables: { limit: pageSize, offset: pages * pageSize } }),
      },
      validatePage,
      { ...http, authHint: "check HARDCOVER_TOKEN (hardcover.app → Settings → API)" },
    );
    pages++;
    raw.push(...rows);
    if (rows.length < pageSize) break;
  }
  const byId = new Map(raw.map((u) => [u.id, u]));
  const userBooks: HardcoverUserBook[] = [...byId.values()]
    .sort((a, b) => a.id - b.id)
    .map((u) => ({
      id: String(u.id),
      bookKey: String(u.book.id),
      status: STATUS[u.status_id] ?? `status_${u.status_id}`,
      rating: u.rating === null || u.rating === undefined ? null : Number(u.rating),
      reads: u.user_book_reads.map((r) => ({
        id: String(r.id),
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        progressPages: r.progress_pages,
        progressSeconds: r.progress_seconds,
      })),
    }));
  const records = new Map<string, SourceRecord>();
  for (const u of [...byId.values()].sort((a, b) => a.id - b.id)) {
    const key = String(u.book.id);
    if (records.has(key)) continue;
    const authors = u.book.contributions ?? [];
    const author = (authors.find((c) => c.contribution === null || c.contribution === "Author") ?? authors[0])?.author?.name ?? null;
    records.set(key, {
      source: "hardcover",
      key,
      title: u.book.title.trim(),
      author: author?.trim() || null,
      isbn: u.edition?.isbn_13 ?? u.edition?.isbn_10 ?? null,
      asin: u.edition?.asin ?? null,
    });
  }
  return { userBooks, records: [...records.values()], pages };
}

function validatePage(body: unknown): RawUserBook[] {
  const b = body as { data?: { me?: { user_books?: unknown }[] }; errors?: { message?: string }[] };
  if (typeof b !== "object" || b === null) throw new Malformed("not a JSON object");
  if (Array.isArray(b.errors) && b.errors.length > 0) {
    throw new SourceError(`hardcover: ${b.errors.map((e) => e.message ?? "error").join("; ")}`);
  }
  const me = b.data?.me;
  if (!Array.isArray(me) || me.length === 0) throw new Malformed("no data.me (is the token a user's token?)");
  const rows = me[0].user_books;
  if (!Array.isArray(rows)) throw new Malformed("no user_books list");
  rows.forEach((r: unknown, i) => {
    const u = r as RawUserBook;
    if (typeof u !== "object" || u === null || typeof u.id !== "number" || typeof u.status_id !== "number") throw new Malformed(`user_book ${i} has no id/status_id`);
    if (typeof u.book !== "object" || u.book === null || typeof u.book.id !== "number" || typeof u.book.title !== "string")
      throw new Malformed(`user_book ${u.id} has no book id/title`);
    if (!Array.isArray(u.user_book_reads)) throw new Malformed(`user_book ${u.id} has no user_book_reads list`);
  });
  return rows as RawUserBook[];
}
