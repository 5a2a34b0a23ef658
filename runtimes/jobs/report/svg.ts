/**
 * The charts: pure functions from totals to SVG text. Every mark carries a <title> with its
 * numbers, and every chart has a role="img" with a label; the same numbers stand in the page's
 * tables as well. Ebooks and audiobooks are told apart by colour (and by the title text).
 */
import { dayNumber, type DayTotal, type Time } from "./summarize";

export const EBOOK_COLOUR = "#2f6db5";
export const AUDIOBOOK_COLOUR = "#d9822b";

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** "1 h 05 min", "12 min", "0 min". */
export function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

function level(seconds: number): number {
  const minutes = seconds / 60;
  if (minutes <= 0) return 0;
  if (minutes < 15) return 0.35;
  if (minutes < 30) return 0.55;
  if (minutes < 60) return 0.75;
  return 1;
}

const CELL = 11;
const STEP = 13;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const isoDay = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

/**
 * A year as a calendar: one column per week (Monday on top), one cell per day. A day with
 * reading is split: top half ebooks, bottom half audiobooks, each as dark as its minutes.
 */
export function calendarSvg(year: number, days: readonly DayTotal[]): string {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const first = dayNumber(`${year}-01-01`);
  const last = dayNumber(`${year}-12-31`);
  // 1970-01-01 was a Thursday: (n + 3) % 7 is 0 on Mondays.
  const weekdayOf = (n: number) => (n + 3) % 7;
  const offset = weekdayOf(first);
  const left = 30;
  const top = 16;
  const weeks = Math.floor((last - first + offset) / 7) + 1;
  const width = left + weeks * STEP + 4;
  const height = top + 7 * STEP + 4;
  const parts: string[] = [];
  for (let m = 0; m < 12; m++) {
    const n = dayNumber(`${year}-${String(m + 1).padStart(2, "0")}-01`);
    parts.push(`<text x="${left + Math.floor((n - first + offset) / 7) * STEP}" y="11" class="axis">${MONTHS[m]}</text>`);
  }
  for (const w of [0, 2, 4]) parts.push(`<text x="0" y="${top + w * STEP + 9}" class="axis">${WEEKDAYS[w]}</text>`);
  for (let n = first; n <= last; n++) {
    const day = isoDay(n);
    const x = left + Math.floor((n - first + offset) / 7) * STEP;
    const y = top + weekdayOf(n) * STEP;
    const d = byDay.get(day);
    if (!d) {
      parts.push(`<rect class="day empty" x="${x}" y="${y}" width="${CELL}" height="${CELL}" data-day="${day}"><title>${day}: no reading</title></rect>`);
      continue;
    }
    const title = `${day}: ${duration(d.seconds)} (ebooks ${duration(d.ebookSeconds)}, audiobooks ${duration(d.audiobookSeconds)}), ${d.sessions} session${d.sessions === 1 ? "" : "s"}`;
    parts.push(
      `<g class="day" data-day="${day}" data-seconds="${d.seconds}"><title>${title}</title>` +
        `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="#eef0f3"/>` +
        (d.ebookSeconds > 0 ? `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL / 2}" fill="${EBOOK_COLOUR}" fill-opacity="${level(d.ebookSeconds)}"/>` : "") +
        (d.audiobookSeconds > 0
          ? `<rect x="${x}" y="${y + CELL / 2}" width="${CELL}" height="${CELL / 2}" fill="${AUDIOBOOK_COLOUR}" fill-opacity="${level(d.audiobookSeconds)}"/>`
          : "") +
        `</g>`,
    );
  }
  return svg(width, height, `Reading time per day in ${year}`, "calendar", parts);
}

export interface Bar extends Pick<Time, "ebookSeconds" | "audiobookSeconds"> {
  readonly label: string;
  /** Shown under the bar; defaults to the label. */
  readonly tick?: string;
}

/** Stacked bars (ebooks below, audiobooks on top), heights in hours or minutes of the largest. */
export function barsSvg(title: string, bars: readonly Bar[], options: { barWidth?: number; tickEvery?: number } = {}): string {
  const barWidth = options.barWidth ?? 18;
  const gap = 4;
  const left = 44;
  const top = 10;
  const plot = 120;
  const max = Math.max(1, ...bars.map((b) => b.ebookSeconds + b.audiobookSeconds));
  const hours = max >= 3 * 3600;
  const unit = hours ? 3600 : 60;
  const width = left + bars.length * (barWidth + gap) + 4;
  const height = top + plot + 22;
  const parts: string[] = [
    `<line x1="${left - 2}" y1="${top + plot}" x2="${width}" y2="${top + plot}" class="baseline"/>`,
    `<text x="${left - 6}" y="${top + 8}" class="axis" text-anchor="end">${Math.round(max / unit)} ${hours ? "h" : "min"}</text>`,
    `<text x="${left - 6}" y="${top + plot}" class="axis" text-anchor="end">0</text>`,
  ];
  bars.forEach((b, i) => {
    const x = left + i * (barWidth + gap);
    const eh = (b.ebookSeconds / max) * plot;
    const ah = (b.audiobookSeconds / max) * plot;
    const label =
      b.ebookSeconds > 0 && b.audiobookSeconds > 0
        ? `${b.label}: ${duration(b.ebookSeconds + b.audiobookSeconds)} (ebooks ${duration(b.ebookSeconds)}, audiobooks ${duration(b.audiobookSeconds)})`
        : `${b.label}: ${duration(b.ebookSeconds + b.audiobookSeconds)}${b.audiobookSeconds > 0 ? " of audiobooks" : b.ebookSeconds > 0 ? " of ebooks" : ""}`;
    parts.push(
      `<g class="bar" data-seconds="${b.ebookSeconds + b.audiobookSeconds}"><title>${escapeXml(label)}</title>` +
        (eh > 0 ? `<rect x="${x}" y="${round(top + plot - eh)}" width="${barWidth}" height="${round(eh)}" fill="${EBOOK_COLOUR}"/>` : "") +
        (ah > 0 ? `<rect x="${x}" y="${round(top + plot - eh - ah)}" width="${barWidth}" height="${round(ah)}" fill="${AUDIOBOOK_COLOUR}"/>` : "") +
        `</g>`,
    );
    if (i % (options.tickEvery ?? 1) === 0) {
      parts.push(`<text x="${x + barWidth / 2}" y="${top + plot + 14}" class="axis" text-anchor="middle">${escapeXml(b.tick ?? b.label)}</text>`);
    }
  });
  return svg(width, height, title, "bars", parts);
}

/** A completion bar: read share of a book's length. */
export function completionSvg(percent: number): string {
  const w = 80;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="completion" width="${w}" height="10" viewBox="0 0 ${w} 10" role="img" aria-label="${percent}% read">` +
    `<rect width="${w}" height="10" rx="2" fill="#eef0f3"/><rect width="${round((percent / 100) * w)}" height="10" rx="2" fill="${EBOOK_COLOUR}"/></svg>`
  );
}

const round = (n: number) => Math.round(n * 10) / 10;

function svg(width: number, height: number, label: string, kind: string, parts: readonly string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart ${kind}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">` +
    `<title>${escapeXml(label)}</title>${parts.join("")}</svg>`
  );
}
