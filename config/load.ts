import { readFileSync } from "node:fs";
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { stackSchema } from "./schema";
import { resolve, type StackConfig } from "./resolve";
import { UserError, type Problem } from "./errors";

/** One thing wrong with stack.yaml: where (YAML path and line) and what to do about it. */
export type { Problem };

/** stack.yaml (or a file it names) is wrong: every problem, each with its YAML path and line. */
export class StackError extends UserError {
  declare readonly file: string;
  declare readonly problems: readonly Problem[];
  constructor(file: string, problems: readonly Problem[]) {
    super(problems.map((p) => formatProblem(file, p)).join("\n"), { file, problems });
    this.name = "StackError";
  }
}

export function formatProblem(file: string, p: Problem): string {
  return `${file}${p.line ? `:${p.line}` : ""} ${p.path || "(top level)"}: ${p.message}`;
}

/** Where a loaded config came from, so problems found later (by constructs) get a line too. */
export interface StackSource {
  readonly file: string;
  line(path: string): number | undefined;
}

/** "devices[1].syncthingId" → ["devices", 1, "syncthingId"] */
export function parseYamlPath(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

/**
 * A StackError raised after loading (by a construct's own rule) names the YAML path but not the
 * file or line: fill them in from where the config came from.
 */
export function locateProblems(error: unknown, source: StackSource | undefined): unknown {
  if (!(error instanceof StackError) || !source) return error;
  return new StackError(
    source.file,
    error.problems.map((p) => (p.line !== undefined || !p.path ? p : { ...p, line: source.line(p.path) })),
  );
}

/** devices[1].syncthingId */
export function yamlPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("");
}

/**
 * The line to point at: the key of the deepest field that exists on the path (a missing field is
 * reported at its parent's key), or the list item's first line.
 */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[], key?: string): number | undefined {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? (node as Node).range?.[0] : undefined;
  for (const k of key === undefined ? path : [...path, key]) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === k);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof k === "number" && isNode(node.items[k])) {
      node = node.items[k];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/**
 * Turns zod's generic wording into a sentence that says what to write instead. A wrong type
 * always gets this wording, even where a field has its own message for a bad value.
 */
function describe(issue: z.core.$ZodRawIssue | z.core.$ZodIssue): string | undefined {
  if (issue.code === "invalid_type") {
    if (issue.input === undefined) return `is required — add it (see "stack.yaml reference" in the README)`;
    const got = issue.input === null ? "nothing" : Array.isArray(issue.input) ? "a list" : typeof issue.input;
    const want = issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping (key: value lines)" : `a ${issue.expected}`;
    return `expected ${want}, got ${got}`;
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    return `must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return undefined;
}

export function parseStack(text: string, file = "stack.yaml"): StackConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new StackError(
      file,
      doc.errors.map((e) => ({
        path: "",
        line: e.linePos?.[0]?.line,
        message: `not valid YAML: ${e.message.split("\n")[0]} — fix the indentation or quoting there`,
      })),
    );
  }
  const data: unknown = doc.toJS() ?? {};
  const result = stackSchema.safeParse(data, { error: describe, reportInput: true });
  if (!result.success) {
    const problems: Problem[] = [];
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) {
          problems.push({
            path: yamlPath([...issue.path, key]),
            line: lineOf(doc, lines, issue.path, key),
            message: `unknown key — remove it or check its spelling`,
          });
        }
      } else {
        const message = (issue.code === "invalid_type" && describe(issue)) || issue.message;
        problems.push({ path: yamlPath(issue.path), line: lineOf(doc, lines, issue.path), message });
      }
    }
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || a.path.localeCompare(b.path));
    throw new StackError(file, problems);
  }
  const config = resolve(result.data);
  const source: StackSource = { file, line: (path) => lineOf(doc, lines, parseYamlPath(path)) };
  // Not enumerable: the config stays plain data (equality, JSON) for everything else.
  Object.defineProperty(config, "source", { value: source, enumerable: false });
  return config;
}

export function loadStack(path: string): StackConfig {
  return parseStack(readFileSync(path, "utf8"), path);
}
