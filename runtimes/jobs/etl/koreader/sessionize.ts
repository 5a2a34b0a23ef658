/** One reading session of one book, from KOReader's page rows (times in epoch seconds). */
export interface Session {
  readonly start: number;
  readonly end: number;
  /** Sum of the page durations: KOReader's own reading time, so totals match KOReader's. */
  readonly duration: number;
  /** Distinct pages turned. */
  readonly pages: number;
}

interface Open {
  start: number;
  end: number;
  lastStart: number;
  duration: number;
  pages: Set<number>;
}

/**
 * Turns one book's page rows into sessions. Rows arrive sorted by start time; a row joins the
 * open session while the gap from the session's end (its latest row's start + duration) is at
 * most `gapSeconds`, else it starts a new one. For KOReader's rows, which never overlap, "the
 * session's end" is the previous row's end; taking the latest end keeps the result the same
 * whatever order rows with the same start come in. Rows without duration add no reading time
 * and are skipped (KOReader itself never stores them: a page needs its minimum time).
 */
export class BookSessions {
  private open: Open | undefined;

  constructor(
    private readonly gapSeconds: number,
    private readonly emit: (session: Session) => void,
  ) {}

  add(page: number, start: number, duration: number): void {
    if (!(duration > 0)) return;
    let s = this.open;
    if (s) {
      if (start < s.lastStart) throw new Error(`page rows out of start-time order (${start} after ${s.lastStart})`);
      if (start - s.end > this.gapSeconds) {
        this.flush();
        s = undefined;
      }
    }
    if (!s) {
      s = { start, end: start + duration, lastStart: start, duration: 0, pages: new Set() };
      this.open = s;
    }
    s.duration += duration;
    s.pages.add(page);
    if (start + duration > s.end) s.end = start + duration;
    s.lastStart = start;
  }

  /** Ends the open session (at the end of the rows). */
  flush(): void {
    const s = this.open;
    if (!s) return;
    this.open = undefined;
    // Whole seconds, as the warehouse keeps them (a file may hold fractional durations).
    this.emit({ start: s.start, end: s.end, duration: Math.round(s.duration), pages: s.pages.size });
  }
}

/** Convenience for tests and small inputs: rows (any order) → sessions. */
export function sessionize(rows: readonly { page: number; start: number; duration: number }[], gapSeconds: number): Session[] {
  const out: Session[] = [];
  const book = new BookSessions(gapSeconds, (s) => out.push(s));
  for (const r of [...rows].sort((a, b) => a.start - b.start)) book.add(r.page, r.start, r.duration);
  book.flush();
  return out;
}
