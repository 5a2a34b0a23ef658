import type { Database } from "../etl/db/database";

/**
 * What the report is drawn from: rows exactly as the warehouse gives them, with every date and
 * hour already in server.timezone (Postgres does the time-zone arithmetic, DST included). The
 * render functions only add these up; nothing here depends on the clock, so the same warehouse
 * gives the same bytes.
 */
export interface ReportSession {
  readonly bookId: string;
  readonly source: "koreader" | "audiobookshelf";
  readonly device: string | null;
  /** Local start, "YYYY-MM-DD HH:MM". */
  readonly start: string;
  /** Local day it began (the day it counts on), "YYYY-MM-DD". */
  readonly day: string;
  readonly hour: number;
  /** ISO weekday: 1 Monday … 7 Sunday. */
  readonly weekday: number;
  readonly seconds: number;
  /** Distinct pages turned in the session (KOReader). */
  readonly pages: number | null;
  /** Kept though its source no longer has it. */
  readonly missing: boolean;
}

export interface ReportBook {
  readonly id: string;
  readonly title: string;
  readonly author: string | null;
  readonly format: "ebook" | "audiobook" | "both" | null;
  /** Distinct pages read (KOReader's meaning) and the book's pages, when KOReader knows it. */
  readonly pagesRead: number | null;
  readonly totalPages: number | null;
  /** Audiobookshelf: the item's length and the furthest position reached (seconds). */
  readonly audioDuration: number | null;
  readonly audioPosition: number | null;
  readonly hardcoverStatus: string | null;
}

export interface HardcoverShelf {
  readonly status: string;
  readonly books: number;
}

export interface ReportData {
  readonly timeZone: string;
  readonly sessions: readonly ReportSession[];
  readonly books: readonly ReportBook[];
  readonly hardcover: readonly HardcoverShelf[];
}

/** The time zone the warehouse's views use (stack.yaml server.timezone, stored by the ETL). */
export async function warehouseTimeZone(db: Database): Promise<string | undefined> {
  const [row] = await db.query<{ value: string }>("SELECT value FROM shelfstack.settings WHERE key = 'time_zone'");
  return row?.value;
}

/** Three queries; sessions in a stable order (start, then id) so equal warehouses read equal. */
export async function readReportData(db: Database, timeZone: string): Promise<ReportData> {
  const sessions = await db.query<{ b: string; s: ReportSession["source"]; d: string | null; st: string; h: number; w: number; sec: number; p: number | null; m: boolean }>(
    `SELECT book_id AS b, source AS s, device AS d,
            to_char(start_time AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI') AS st,
            extract(hour FROM start_time AT TIME ZONE $1)::int AS h,
            extract(isodow FROM start_time AT TIME ZONE $1)::int AS w,
            duration_seconds AS sec, pages_read AS p, missing_since IS NOT NULL AS m
     FROM shelfstack.reading_sessions ORDER BY start_time, id`,
    [timeZone],
  );
  const books = await db.query<{
    id: string;
    title: string;
    author: string | null;
    format: ReportBook["format"];
    pages_read: number | null;
    total_pages: number | null;
    audio_duration: number | null;
    audio_position: number | null;
    hardcover_status: string | null;
  }>(
    `SELECT book_id AS id, title, author, format, pages_read::float8 AS pages_read, total_pages,
            audiobook_duration_seconds AS audio_duration, audiobook_position_seconds AS audio_position, hardcover_status
     FROM shelfstack.reading_time_per_book ORDER BY book_id`,
  );
  const hardcover = await db.query<{ status: string; books: number }>("SELECT status, count(*)::int AS books FROM shelfstack.hardcover_user_books GROUP BY status ORDER BY status");
  return {
    timeZone,
    sessions: sessions.map((r) => ({
      bookId: r.b,
      source: r.s,
      device: r.d,
      start: r.st,
      day: r.st.slice(0, 10),
      hour: r.h,
      weekday: r.w,
      seconds: r.sec,
      pages: r.p,
      missing: r.m,
    })),
    books: books.map((b) => ({
      id: b.id,
      title: b.title,
      author: b.author,
      format: b.format,
      pagesRead: b.pages_read,
      totalPages: b.total_pages,
      audioDuration: b.audio_duration,
      audioPosition: b.audio_position,
      hardcoverStatus: b.hardcover_status,
    })),
    hardcover,
  };
}
