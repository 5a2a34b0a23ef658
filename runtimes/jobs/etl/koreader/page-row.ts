/**
 * What a page row must be for the warehouse to hold its session. SQLite stores whatever a row is
 * given (text in an integer column, reals, times past year 9999), and one such row must not stop
 * every later run: it is skipped and said so, the rest loads.
 */

/** 9999-12-31T23:59:59Z: the last second both Postgres' timestamptz and a JS Date hold. */
const LAST_SECOND = 253_402_300_799;
/** A page shown for longer than a day is no reading; KOReader itself caps a page at minutes. */
export const MAX_PAGE_SECONDS = 86_400;

/** Why a row cannot be loaded, or undefined when it can. */
export function pageRowProblem(start: unknown, duration: unknown): string | undefined {
  if (!isLoadableStart(start)) return `start_time ${shown(start)} is not a time in seconds since 1970`;
  if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0 || duration > MAX_PAGE_SECONDS) {
    return `duration ${shown(duration)} is out of range (0–${MAX_PAGE_SECONDS} s)`;
  }
  return undefined;
}

/** A start the warehouse holds (whole seconds, 1970 to 9999): what counts as a book's latest start. */
export function isLoadableStart(start: unknown): start is number {
  return typeof start === "number" && Number.isInteger(start) && start >= 0 && start <= LAST_SECOND - MAX_PAGE_SECONDS;
}

/** isLoadableStart in SQLite's words, for the per-book statistics (they must agree with the scan). */
export const START_TIME_CHECK = `typeof(start_time) = 'integer' AND start_time BETWEEN 0 AND ${LAST_SECOND - MAX_PAGE_SECONDS}`;

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : String(value);
}

/** One skipped row, for the report. */
export interface SkippedRow {
  readonly title: string;
  readonly page: unknown;
  readonly problem: string;
}
