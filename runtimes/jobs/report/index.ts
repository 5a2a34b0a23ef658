/** The reading report: warehouse → static HTML pages with SVG charts. */
import type { Database } from "../etl/db/database";
import { readReportData, warehouseTimeZone } from "./data";
import { renderReport } from "./render";
import { summarize, type ReportModel } from "./summarize";
import { writeReport } from "./write";

export { ReportDirError, REPORT_MARKER } from "./write";
export { renderReport } from "./render";
export { summarize, streaks, type ReportModel } from "./summarize";
export { readReportData } from "./data";

export interface ReportResult {
  readonly model: ReportModel;
  readonly files: number;
  readonly written: number;
  readonly removed: number;
  /** Milliseconds in the queries, and in everything after them (summing, rendering). */
  readonly queryMs: number;
  readonly renderMs: number;
  /** CPU time of this process after the queries: on a busy machine, what the report itself cost. */
  readonly renderCpuMs: number;
}

/** Reads the warehouse and (re)writes the report in `dir`. `timeZone` defaults to the warehouse's. */
export async function generateReport(db: Database, dir: string, timeZone?: string): Promise<ReportResult> {
  const t0 = performance.now();
  const zone = timeZone ?? (await warehouseTimeZone(db)) ?? "UTC";
  const data = await readReportData(db, zone);
  const t1 = performance.now();
  const cpu = process.cpuUsage();
  const model = summarize(data);
  const files = renderReport(model);
  const { written, removed } = await writeReport(dir, files);
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  return { model, files: files.size, written, removed, queryMs: t1 - t0, renderMs: t2 - t1, renderCpuMs: (used.user + used.system) / 1000 };
}

/** One line: where, how much. */
export function reportLine(dir: string, r: ReportResult): string {
  const t = r.model.total;
  return `report: ${dir}/index.html — ${r.files} pages (${r.written} rewritten, ${r.removed} removed): ${t.sessions} sessions, ${t.books} books, ${r.model.years.length} years`;
}
