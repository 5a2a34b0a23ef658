/** One line of `shelfstack doctor`: what was checked, what was found, and what to do about it. */
export type Verdict = "pass" | "fail" | "unchecked";

export interface Check {
  /** Short and stable, e.g. "container audiobookshelf": scripts key on it (--json). */
  readonly name: string;
  readonly verdict: Verdict;
  /** What was found, in one line. */
  readonly fact: string;
  /** What to do (failed), or how to make it checkable (not checked). */
  readonly fix?: string;
}

export const pass = (name: string, fact: string): Check => ({ name, verdict: "pass", fact });
export const fail = (name: string, fact: string, fix: string): Check => ({ name, verdict: "fail", fact, fix });
export const unchecked = (name: string, fact: string, fix: string): Check => ({ name, verdict: "unchecked", fact, fix });

const MARK: Record<Verdict, string> = { pass: "✓", fail: "✗", unchecked: "–" };

/** One line a check, then a one-line tally; "not checked" is never counted as passed. */
export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(0, ...checks.map((c) => c.name.length));
  const lines = checks.map((c) => {
    const fix = c.fix ? ` → ${c.fix}` : "";
    const label = c.verdict === "unchecked" ? "not checked: " : "";
    return `${MARK[c.verdict]} ${c.name.padEnd(width)}  ${label}${c.fact}${fix}`;
  });
  const count = (v: Verdict) => checks.filter((c) => c.verdict === v).length;
  lines.push("", `${count("pass")} passed, ${count("fail")} failed, ${count("unchecked")} not checked`);
  return lines.join("\n");
}

/** Any failed check fails the run; a check that could not run does not pass it either, but it is not a fault found. */
export function anyFailed(checks: readonly Check[]): boolean {
  return checks.some((c) => c.verdict === "fail");
}

/** The first line of an error, without anything that looks like a credential in a URL. */
export function reason(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const text = e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
  return text.split("\n")[0].replace(/\/\/[^/@\s]*@/g, "//…@");
}
