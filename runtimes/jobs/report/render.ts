import Handlebars from "handlebars";
import { barsSvg, calendarSvg, completionSvg, duration } from "./svg";
import type { BookSummary, ReportModel, YearSummary } from "./summarize";
import { BOOK, INDEX, STYLE, YEAR } from "./templates";

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

let compiled: { index: HandlebarsTemplateDelegate; year: HandlebarsTemplateDelegate; book: HandlebarsTemplateDelegate } | undefined;

function templates() {
  if (!compiled) {
    const hb = Handlebars.create();
    hb.registerHelper("duration", (seconds: number) => duration(seconds));
    hb.registerHelper("dayCount", (n: number) => (n === 1 ? "1 day" : `${n} days`));
    hb.registerHelper("completion", (percent: number) => new hb.SafeString(completionSvg(percent)));
    // Only our two helpers and the built-in blocks: Handlebars then calls them directly, no lookup per cell.
    const options = { knownHelpers: { duration: true, completion: true, dayCount: true }, knownHelpersOnly: true };
    compiled = { index: hb.compile(INDEX, options), year: hb.compile(YEAR, options), book: hb.compile(BOOK, options) };
  }
  return compiled;
}

function monthsChart(title: string, months: YearSummary["months"]) {
  return barsSvg(
    title,
    months.map((m) => ({ label: m.period, tick: m.period.slice(5) === "01" || months.length <= 12 ? m.period.slice(months.length <= 12 ? 5 : 0, 7) : "", ...m })),
    { barWidth: months.length > 36 ? 8 : 18 },
  );
}

/**
 * The report's files from its model, by relative path: index.html, year-YYYY.html, one
 * books/<slug>.html per book, style.css. Pure: the same model gives the same bytes.
 */
export function renderReport(m: ReportModel): Map<string, string> {
  const t = templates();
  const files = new Map<string, string>([["style.css", STYLE.trimStart()]]);
  const years = m.years.map((y) => y.year);
  const base = { years, timeZone: m.timeZone };
  const latest = m.years[m.years.length - 1];
  files.set(
    "index.html",
    t.index({
      ...base,
      root: "",
      title: "Reading report",
      m,
      latest,
      latestCalendar: latest ? calendarSvg(latest.year, latest.dayTotals) : "",
      monthsChart: monthsChart("Reading time per month", m.months),
      hoursChart: barsSvg(
        "Reading time by hour of the day the session began",
        m.byHour.map((h, i) => ({ label: `${String(i).padStart(2, "0")}:00`, tick: String(i), ...h })),
      ),
      weekdaysChart: barsSvg(
        "Reading time by weekday",
        m.byWeekday.map((w, i) => ({ label: WEEKDAYS[i], tick: WEEKDAYS[i].slice(0, 3), ...w })),
        { barWidth: 40 },
      ),
      weekdays: m.byWeekday.map((w, i) => ({ name: WEEKDAYS[i], ...w })),
      sourcesChart: barsSvg("Reading time per device and source", m.sources, { barWidth: 110 }),
    }),
  );
  for (const y of m.years) {
    files.set(
      `year-${y.year}.html`,
      t.year({
        ...base,
        root: "",
        title: `Reading in ${y.year}`,
        y,
        calendar: calendarSvg(y.year, y.dayTotals),
        monthsChart: monthsChart(`Reading time per month in ${y.year}`, y.months),
      }),
    );
  }
  for (const b of m.books) files.set(`books/${b.slug}.html`, t.book({ ...base, root: "../", title: b.title, b, daysChart: bookChart(b) }));
  return files;
}

/** A book's days as bars (its last 30 days with reading, so a long history stays legible). */
function bookChart(b: BookSummary): string {
  const days = b.daysList.slice(-30);
  return barsSvg(
    `Reading time per day for ${b.title}`,
    days.map((d) => ({ label: d.day, tick: d.day.slice(5), ...d })),
    { tickEvery: Math.max(1, Math.ceil(days.length / 10)) },
  );
}
