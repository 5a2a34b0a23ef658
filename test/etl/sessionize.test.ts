import { BookSessions, sessionize } from "../../runtimes/jobs/etl/koreader/sessionize";

const row = (page: number, start: number, duration: number) => ({ page, start, duration });

describe("KOReader page rows → sessions (gap 300 s)", () => {
  test("a row whose gap from the previous row's end is exactly the limit joins the session", () => {
    // Ends at 1060; next starts at 1360: gap 300.
    expect(sessionize([row(1, 1000, 60), row(2, 1360, 30)], 300)).toEqual([{ start: 1000, end: 1390, duration: 90, pages: 2 }]);
  });

  test("one second more starts a new session", () => {
    expect(sessionize([row(1, 1000, 60), row(2, 1361, 30)], 300)).toEqual([
      { start: 1000, end: 1060, duration: 60, pages: 1 },
      { start: 1361, end: 1391, duration: 30, pages: 1 },
    ]);
  });

  test("duration is the sum of page durations (KOReader's reading time), not end − start", () => {
    // Idle 200 s between pages 1 and 2 (within the gap): the session spans 320 s, 120 s of it reading.
    expect(sessionize([row(1, 0, 60), row(2, 260, 60)], 300)).toEqual([{ start: 0, end: 320, duration: 120, pages: 2 }]);
  });

  test("pages read counts distinct pages; going back to a page counts its time again", () => {
    expect(sessionize([row(5, 0, 20), row(6, 20, 20), row(5, 40, 20)], 300)).toEqual([{ start: 0, end: 60, duration: 60, pages: 2 }]);
  });

  test("rows without duration add nothing and do not stretch a session", () => {
    expect(sessionize([row(1, 0, 60), row(2, 100, 0), row(3, 361, 10)], 300)).toEqual([
      { start: 0, end: 60, duration: 60, pages: 1 },
      { start: 361, end: 371, duration: 10, pages: 1 },
    ]);
    expect(sessionize([row(1, 0, 0)], 300)).toEqual([]);
  });

  test("rows with the same start give the same session whatever their order", () => {
    const a = sessionize([row(1, 0, 30), row(2, 0, 50), row(3, 340, 10)], 300);
    const b = sessionize([row(2, 0, 50), row(1, 0, 30), row(3, 340, 10)], 300);
    expect(a).toEqual(b);
    expect(a).toEqual([{ start: 0, end: 350, duration: 90, pages: 3 }]);
  });

  test("a different gap regroups the same rows", () => {
    const rows = [row(1, 0, 60), row(2, 400, 60), row(3, 1000, 60)];
    expect(sessionize(rows, 300)).toHaveLength(3);
    expect(sessionize(rows, 340)).toHaveLength(2);
    expect(sessionize(rows, 540)).toEqual([{ start: 0, end: 1060, duration: 180, pages: 3 }]);
  });

  test("rows out of start-time order are a bug upstream, not silently wrong sessions", () => {
    const book = new BookSessions(300, () => undefined);
    book.add(1, 100, 10);
    expect(() => book.add(2, 99, 10)).toThrow(/out of start-time order/);
  });
});
