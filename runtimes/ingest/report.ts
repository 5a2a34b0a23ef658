/** What happened to one thing dropped into the ingest folder. */
export interface Outcome {
  readonly kind: "ingested" | "duplicate" | "failed" | "waiting";
  /** Path relative to the ingest folder. */
  readonly name: string;
  readonly detail: string;
}

/** The outcomes of one pass over the ingest folder, and the notes worth telling the reader. */
export class Report {
  readonly outcomes: Outcome[] = [];
  readonly notes: string[] = [];

  add(kind: Outcome["kind"], name: string, detail: string): void {
    this.outcomes.push({ kind, name, detail });
  }

  of(kind: Outcome["kind"]): Outcome[] {
    return this.outcomes.filter((o) => o.kind === kind);
  }
}

/** The summary printed after a pass: counts first, then one line per book that needs a look. */
export function renderSummary(report: Report): string {
  const count = (kind: Outcome["kind"]) => report.of(kind).length;
  const lines = [`ingested ${count("ingested")}, duplicates ${count("duplicate")}, failed ${count("failed")}, waiting ${count("waiting")} (still being copied in)`];
  const sorted = [...report.outcomes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const kind of ["ingested", "duplicate", "failed", "waiting"] as const) {
    for (const o of sorted.filter((x) => x.kind === kind)) lines.push(`  ${kind.padEnd(9)} ${o.name}: ${o.detail}`);
  }
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}
