import type { CaseResult, Evaluation, PolicyProblem } from "./evaluate";

/** How a test's source reads in a report: "alice@example.com (node:os=ios)". */
export function describeSource(c: Pick<CaseResult, "src" | "srcPostureAttrs" | "proto">): string {
  const attrs = Object.entries(c.srcPostureAttrs ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return `${c.src}${attrs.length ? ` (${attrs.join(", ")})` : ""}${c.proto ? ` ${c.proto}` : ""}`;
}

/** A plain-text table, one row per case, columns padded to the widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function failureTable(failures: readonly CaseResult[]): string {
  return table(
    ["TEST", "FROM", "EXPECTED", "TO", "FOUND"],
    failures.map((f) => [`${f.section}[${f.test}]`, describeSource(f), f.expect, f.dst, f.reason]),
  );
}

export function problemList(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `  ${p.where}: ${p.message}`).join("\n");
}

/** The whole report `shelfstack policy test` prints. */
export function formatEvaluation(e: Evaluation): string {
  const parts: string[] = [];
  if (e.problems.length) parts.push(`${e.problems.length} problem${e.problems.length === 1 ? "" : "s"} in the policy:\n${problemList(e.problems)}`);
  const wrong = e.failures.filter((f) => !f.undecided);
  if (wrong.length) parts.push(`${wrong.length} of ${e.cases.length} test cases fail:\n${failureTable(wrong)}`);
  if (e.undecided.length) {
    parts.push(`${e.undecided.length} of ${e.cases.length} test cases cannot be decided offline (never counted as a pass):\n${failureTable(e.undecided)}`);
  }
  if (e.ok) parts.push(`all ${e.cases.length} test cases pass`);
  return parts.join("\n\n");
}
