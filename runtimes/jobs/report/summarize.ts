import { createHash } from "node:crypto";
import type { ReportBook, ReportData, ReportSession } from "./data";

/** Reading time split the way the charts tell them apart. */
export interface Time {
  seconds: number;
  ebookSeconds: number;
  audiobookSeconds: number;
  sessions: number;
}

export interface DayTotal extends Time {
  readonly day: string;
}

export interface Streak {
  readonly days: number;
  readonly from: string;
  readonly to: string;
}

export interface PeriodTotal extends Time {
  /** "2024" or "2024-03". */
  readonly period: string;
  /** Days with any reading. */
  days: number;
}

export interface SourceTotal extends Time {
  /** "KOReader · palma", "Audiobookshelf". */
  readonly label: string;
  readonly books: number;
}

export interface BookSummary extends Time {
  readonly id: string;
  /** File name of the book's page, without .html. */
  readonly slug: string;
  readonly title: string;
  readonly author: string | null;
  readonly format: ReportBook["format"];
  readonly first: string | null;
  readonly last: string | null;
  readonly pagesRead: number | null;
  readonly totalPages: number | null;
  /** pages read / pages, 0–100 (ebooks KOReader knows the length of). */
  readonly completionPercent: number | null;
  /** Furthest position / length, 0–100 (audiobooks Audiobookshelf gave the length of). */
  readonly listenedPercent: number | null;
  readonly audioDuration: number | null;
  readonly audioPosition: number | null;
  readonly pagesTurned: number;
  readonly pagesPerHour: number | null;
  readonly missing: number;
  readonly hardcoverStatus: string | null;
  readonly sessionList: readonly ReportSession[];
  readonly daysList: readonly DayTotal[];
}

export interface YearSummary extends PeriodTotal {
  readonly year: number;
  readonly months: readonly PeriodTotal[];
  readonly dayTotals: readonly DayTotal[];
  readonly longestStreak: Streak | null;
}

export interface ReportModel {
  readonly timeZone: string;
  readonly total: Time & { days: number; books: number; pagesTurned: number; pagesPerHour: number | null; missing: number };
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  readonly longestStreak: Streak | null;
  /** The run of days that ends on the last day read (the clock is never asked: same data, same page). */
  readonly latestStreak: Streak | null;
  readonly years: readonly YearSummary[];
  readonly months: readonly PeriodTotal[];
  readonly medianSessionSeconds: number;
  readonly meanSessionSeconds: number;
  readonly byHour: readonly Time[];
  /** Monday first. */
  readonly byWeekday: readonly Time[];
  readonly sources: readonly SourceTotal[];
  readonly hardcover: ReportData["hardcover"];
  /** Most time first. */
  readonly books: readonly BookSummary[];
}

const zero = (): Time => ({ seconds: 0, ebookSeconds: 0, audiobookSeconds: 0, sessions: 0 });

function add(t: Time, s: ReportSession): void {
  t.seconds += s.seconds;
  if (s.source === "koreader") t.ebookSeconds += s.seconds;
  else t.audiobookSeconds += s.seconds;
  t.sessions++;
}

function group<K>(sessions: readonly ReportSession[], key: (s: ReportSession) => K): Map<K, Time> {
  const out = new Map<K, Time>();
  for (const s of sessions) {
    const k = key(s);
    let t = out.get(k);
    if (!t) out.set(k, (t = zero()));
    add(t, s);
  }
  return out;
}

const byKey = <T>(entries: Iterable<[string, T]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Days since 1970-01-01 of a "YYYY-MM-DD" (a calendar date: no time zone involved). */
export function dayNumber(day: string): number {
  return Math.round(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000);
}

/** Runs of consecutive days (sorted, distinct): the longest (the earliest of equals) and the last. */
export function streaks(days: readonly string[]): { longest: Streak | null; latest: Streak | null } {
  let longest: Streak | null = null;
  let current: Streak | null = null;
  for (const day of days) {
    current = current && dayNumber(day) === dayNumber(current.to) + 1 ? { days: current.days + 1, from: current.from, to: day } : { days: 1, from: day, to: day };
    if (!longest || current.days > longest.days) longest = current;
  }
  return { longest, latest: current };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

function dayTotals(sessions: readonly ReportSession[]): DayTotal[] {
  return byKey(group(sessions, (s) => s.day)).map(([day, t]) => ({ day, ...t }));
}

function periods(days: readonly DayTotal[], length: number): PeriodTotal[] {
  const out = new Map<string, PeriodTotal>();
  for (const d of days) {
    const period = d.day.slice(0, length);
    let p = out.get(period);
    if (!p) out.set(period, (p = { period, ...zero(), days: 0 }));
    p.seconds += d.seconds;
    p.ebookSeconds += d.ebookSeconds;
    p.audiobookSeconds += d.audiobookSeconds;
    p.sessions += d.sessions;
    p.days++;
  }
  return byKey(out).map(([, p]) => p);
}

const pagesPerHour = (pages: number, seconds: number) => (seconds > 0 && pages > 0 ? Math.round((pages / seconds) * 3600 * 10) / 10 : null);

export function bookSlug(id: string): string {
  return createHash("sha1").update(id).digest("hex").slice(0, 16);
}

function sourceLabel(s: ReportSession): string {
  return s.source === "koreader" ? `KOReader · ${s.device ?? "koreader"}` : "Audiobookshelf";
}

/** Query results → every number the report shows. Pure. */
export function summarize(data: ReportData): ReportModel {
  const { sessions } = data;
  const days = dayTotals(sessions);
  const { longest, latest } = streaks(days.map((d) => d.day));
  const total = group(sessions, () => "all").get("all") ?? zero();
  const ebookPages = sessions.reduce((n, s) => n + (s.source === "koreader" ? (s.pages ?? 0) : 0), 0);

  const perBook = new Map<string, ReportSession[]>();
  for (const s of sessions) {
    const list = perBook.get(s.bookId);
    if (list) list.push(s);
    else perBook.set(s.bookId, [s]);
  }
  const books: BookSummary[] = data.books
    .filter((b) => perBook.has(b.id))
    .map((b) => {
      const list = perBook.get(b.id)!;
      const t = group(list, () => "b").get("b")!;
      const turned = list.reduce((n, s) => n + (s.pages ?? 0), 0);
      return {
        id: b.id,
        slug: bookSlug(b.id),
        title: b.title,
        author: b.author,
        format: b.format,
        ...t,
        first: list[0].start,
        last: list[list.length - 1].start,
        pagesRead: b.pagesRead,
        totalPages: b.totalPages,
        completionPercent: b.pagesRead !== null && b.totalPages ? Math.min(100, Math.round((b.pagesRead / b.totalPages) * 100)) : null,
        listenedPercent: b.audioPosition !== null && b.audioDuration ? Math.min(100, Math.round((b.audioPosition / b.audioDuration) * 100)) : null,
        audioDuration: b.audioDuration,
        audioPosition: b.audioPosition,
        pagesTurned: turned,
        pagesPerHour: pagesPerHour(turned, t.ebookSeconds),
        missing: list.filter((s) => s.missing).length,
        hardcoverStatus: b.hardcoverStatus,
        sessionList: list,
        daysList: dayTotals(list),
      };
    })
    .sort((a, b) => b.seconds - a.seconds || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) || (a.id < b.id ? -1 : 1));

  const months = periods(days, 7);
  const years: YearSummary[] = periods(days, 4).map((p) => {
    const inYear = days.filter((d) => d.day.startsWith(p.period));
    return {
      ...p,
      year: Number(p.period),
      months: months.filter((m) => m.period.startsWith(p.period)),
      dayTotals: inYear,
      longestStreak: streaks(inYear.map((d) => d.day)).longest,
    };
  });

  const hours = group(sessions, (s) => s.hour);
  const weekdays = group(sessions, (s) => s.weekday);
  const bySource = new Map<string, { t: Time; books: Set<string> }>();
  for (const s of sessions) {
    const label = sourceLabel(s);
    let e = bySource.get(label);
    if (!e) bySource.set(label, (e = { t: zero(), books: new Set() }));
    add(e.t, s);
    e.books.add(s.bookId);
  }

  return {
    timeZone: data.timeZone,
    total: {
      ...total,
      days: days.length,
      books: perBook.size,
      pagesTurned: ebookPages,
      pagesPerHour: pagesPerHour(ebookPages, total.ebookSeconds),
      missing: sessions.filter((s) => s.missing).length,
    },
    firstDay: days[0]?.day ?? null,
    lastDay: days[days.length - 1]?.day ?? null,
    longestStreak: longest,
    latestStreak: latest,
    years,
    months,
    medianSessionSeconds: median(sessions.map((s) => s.seconds)),
    meanSessionSeconds: sessions.length ? Math.round(total.seconds / sessions.length) : 0,
    byHour: Array.from({ length: 24 }, (_, h) => hours.get(h) ?? zero()),
    byWeekday: Array.from({ length: 7 }, (_, i) => weekdays.get(i + 1) ?? zero()),
    sources: byKey(bySource).map(([label, e]) => ({ label, ...e.t, books: e.books.size })),
    hardcover: data.hardcover,
    books,
  };
}
