import type { SourceRecord } from "../books/match";
import { Malformed, requestJson, type HttpOptions } from "./http";

/** One listening session, as the ETL keeps it (times in ms since the epoch). */
export interface AbsSession {
  readonly id: string;
  readonly itemId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly duration: number;
  /** The item's playback length and where this session left off (seconds), when Audiobookshelf says. */
  readonly itemDuration: number | null;
  readonly position: number | null;
}

export interface AbsExtract {
  readonly sessions: readonly AbsSession[];
  readonly records: readonly SourceRecord[];
  /** The newest updatedAt seen: where the next run starts. */
  readonly cursor: number | undefined;
  readonly pages: number;
}

interface RawSession {
  id: string;
  libraryItemId?: string | null;
  mediaType?: string;
  displayTitle?: string;
  displayAuthor?: string;
  mediaMetadata?: { title?: string; authorName?: string; authors?: { name?: string }[]; isbn?: string | null; asin?: string | null } | null;
  timeListening?: number;
  /** The item's playback length, and the position the session reached. */
  duration?: number | null;
  currentTime?: number | null;
  startedAt: number;
  updatedAt: number;
}

/**
 * Audiobookshelf's listening sessions of the API key's user (`GET /api/me/listening-sessions`,
 * newest `updatedAt` first, pages from 0). With a cursor, paging stops at the first session older
 * than it: a session still being listened to moves to the front when it is updated, so it is
 * read again. Podcast episodes are not books and are left out.
 */
export async function fetchAudiobookshelf(
  options: { readonly url: string; readonly apiKey: string; readonly cursor?: number; readonly pageSize?: number },
  http: HttpOptions = {},
): Promise<AbsExtract> {
  const pageSize = options.pageSize ?? 100;
  const base = options.url.replace(/\/+$/, "");
  const byId = new Map<string, RawSession>();
  let page = 0;
  for (;;) {
    const body = await requestJson(
      `audiobookshelf: listening sessions page ${page}`,
      `${base}/api/me/listening-sessions?itemsPerPage=${pageSize}&page=${page}`,
      { headers: { authorization: `Bearer ${options.apiKey}`, accept: "application/json" } },
      validatePage,
      { ...http, authHint: "check the Audiobookshelf API key (ABS_API_KEY or the file named by ABS_API_KEY_FILE)" },
    );
    for (const s of body.sessions) if (options.cursor === undefined || s.updatedAt >= options.cursor) byId.set(s.id, s);
    page++;
    const older = options.cursor !== undefined && body.sessions.some((s) => s.updatedAt < options.cursor!);
    if (older || body.sessions.length === 0 || page >= body.numPages) break;
  }
  const sessions: AbsSession[] = [];
  const latest = new Map<string, RawSession>();
  let cursor = options.cursor;
  for (const s of byId.values()) {
    cursor = Math.max(cursor ?? s.updatedAt, s.updatedAt);
    if (s.mediaType !== "book" || !s.libraryItemId) continue;
    const duration = Math.round(s.timeListening ?? 0);
    if (duration <= 0) continue;
    const seconds = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : null);
    sessions.push({
      id: s.id,
      itemId: s.libraryItemId,
      startMs: s.startedAt,
      endMs: Math.max(s.startedAt, s.updatedAt),
      duration,
      itemDuration: seconds(s.duration),
      position: seconds(s.currentTime),
    });
    const prior = latest.get(s.libraryItemId);
    if (!prior || s.updatedAt > prior.updatedAt || (s.updatedAt === prior.updatedAt && s.id < prior.id)) latest.set(s.libraryItemId, s);
  }
  const records: SourceRecord[] = [...latest.entries()].map(([itemId, s]) => {
    const m = s.mediaMetadata ?? {};
    return {
      source: "audiobookshelf",
      key: itemId,
      title: (m.title || s.displayTitle || itemId).trim(),
      author: (m.authors?.[0]?.name || m.authorName || s.displayAuthor || "").trim() || null,
      isbn: m.isbn ?? null,
      asin: m.asin ?? null,
    };
  });
  sessions.sort((a, b) => (a.id < b.id ? -1 : 1));
  records.sort((a, b) => (a.key < b.key ? -1 : 1));
  return { sessions, records, cursor, pages: page };
}

function validatePage(body: unknown): { sessions: RawSession[]; numPages: number } {
  const b = body as { sessions?: unknown; numPages?: unknown };
  if (typeof b !== "object" || b === null || !Array.isArray(b.sessions)) throw new Malformed("no sessions list");
  if (typeof b.numPages !== "number") throw new Malformed("no numPages");
  b.sessions.forEach((s: unknown, i) => {
    const x = s as RawSession;
    if (typeof x !== "object" || x === null || typeof x.id !== "string") throw new Malformed(`session ${i} has no id`);
    if (typeof x.startedAt !== "number" || typeof x.updatedAt !== "number") throw new Malformed(`session ${x.id} has no startedAt/updatedAt`);
    if (x.timeListening !== undefined && x.timeListening !== null && typeof x.timeListening !== "number") throw new Malformed(`session ${x.id}: timeListening is not a number`);
  });
  return { sessions: b.sessions as RawSession[], numPages: b.numPages };
}
