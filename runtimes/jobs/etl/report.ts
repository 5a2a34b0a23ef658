import type { Changes } from "./load/upsert";
import type { Pruned } from "./load/sessions";
import type { EtlReport, SourceOutcome } from "./run";

function changes(c: Changes | undefined, noun: string): string {
  if (!c) return "";
  const parts = [`${c.inserted} new`, ...(c.updated ? [`${c.updated} updated`] : []), ...(c.deleted ? [`${c.deleted} removed`] : [])];
  return `${noun} ${parts.join(", ")}`;
}

function kept(missing: number | undefined, where: string): string {
  return missing ? `; ${missing} no longer in ${where}, kept` : "";
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function prunedLine(p: Pruned): string {
  const name = p.source === "koreader" ? `koreader/${p.device}` : p.source;
  const span = p.firstMs === p.lastMs ? `started ${day(p.firstMs)}` : `started ${day(p.firstMs)} to ${day(p.lastMs)}`;
  return `pruned ${name}: ${p.sessions} session${p.sessions === 1 ? "" : "s"} of ${p.books} book${p.books === 1 ? "" : "s"} no longer in the source (${Math.round(p.seconds / 60)} min, ${span})`;
}

function remote(name: string, outcome: SourceOutcome, what: string, noun: string): string | undefined {
  if (outcome.read) return `${name}: ${outcome.items} ${what} read — ${changes(outcome.changes, noun)}${kept(outcome.missing, "it")}`;
  if (outcome.problem === "not configured") return undefined; // said in the notes
  return `${name}: FAILED, kept what it had — ${outcome.problem}`;
}

/** What a run printed: one line per source, then the totals with what is new since the last run. */
export function formatReport(report: EtlReport, notes: readonly string[] = []): string[] {
  const lines = [`etl: ${report.database}${report.migrations.length ? ` (schema: applied ${report.migrations.join(", ")})` : ""}`];
  for (const k of report.koreader) {
    lines.push(
      k.unchanged
        ? `koreader/${k.device}: ${k.path} unchanged since the last run (${k.books} books)`
        : `koreader/${k.device}: ${k.path}: ${k.booksRead} of ${k.books} books read — ${changes(k.sessions, "sessions")}${kept(k.missing, "the file")}`,
    );
    for (const row of k.skippedRows)
      lines.push(`koreader/${k.device}: skipped a page row of ${JSON.stringify(row.title)} (page ${String(row.page)}): ${row.problem}; the rest loaded`);
    if (k.skipped > k.skippedRows.length) lines.push(`koreader/${k.device}: … and ${k.skipped - k.skippedRows.length} more page rows skipped`);
  }
  for (const line of [remote("audiobookshelf", report.audiobookshelf, "listening sessions", "sessions"), remote("hardcover", report.hardcover, "shelf entries", "rows")]) {
    if (line) lines.push(line);
  }
  lines.push(...report.pruned.map(prunedLine));
  lines.push(...notes);
  const b = report.books.changes;
  const s = report.sessions.changes;
  lines.push(
    report.changed
      ? `loaded: ${report.books.total} books (${b.inserted} new), ${report.sessions.total} sessions (${s.inserted} new, ${s.updated} updated, ${s.deleted} removed since the last run)`
      : `nothing new since the last run: ${report.books.total} books, ${report.sessions.total} sessions`,
  );
  if (report.sessions.missing > 0) {
    lines.push(`kept: ${report.sessions.missing} sessions no longer in their source, still counted (\`shelfstack etl --full --prune\` removes them)`);
  }
  return lines;
}

/** A configured remote source that could not be read makes the run fail (after the others loaded). */
export function failedSources(report: EtlReport): string[] {
  return (["audiobookshelf", "hardcover"] as const).filter((s) => !report[s].read && report[s].problem !== "not configured");
}
