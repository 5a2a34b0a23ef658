import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { isMap, isNode, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type YAMLError } from "yaml";
import type { z } from "zod";
import { stackSchema } from "./schema";
import { resolve, type StackConfig } from "./resolve";
import { UsageError, UserError, type Problem } from "./errors";

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
  return `${file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""} ${p.path || "(top level)"}: ${p.message}`;
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
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
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
    if (issue.input === null) return `has no value — write its value after the colon, or remove the key to get the default`;
    const got = Array.isArray(issue.input) ? "a list" : typeof issue.input === "object" ? "a mapping" : typeof issue.input === "string" ? "text" : `a ${typeof issue.input}`;
    // What to write instead; never the value itself, which may be a secret typed in the wrong place.
    const fix: Record<string, string> = {
      number: typeof issue.input === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(issue.input) ? "write the number without quotes" : "write a plain number, e.g. 30",
      boolean: typeof issue.input === "string" ? "write true or false, without quotes" : "write true or false",
      string: "write text; put it in quotes if it looks like a number or true/false",
      array: 'write a list: one "- item" line per entry below the key, or [a, b]',
      object: "write key: value lines indented below it",
    };
    const want = issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping (key: value lines)" : `a ${issue.expected}`;
    return `expected ${want}, got ${got}${fix[issue.expected] ? ` — ${fix[issue.expected]}` : ""}`;
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    return `must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return undefined;
}

/** stack.yaml is a page of text; anything larger is the wrong file (or an attack on the parser). */
export const MAX_STACK_BYTES = 4 * 1024 * 1024;
/** Aliases a stack.yaml may expand; a handful is plenty, thousands is an alias bomb. */
const MAX_ALIASES = 200;

/** What to tell the user for each kind of YAML error: the parser's words are for parser authors. */
function yamlMessage(error: YAMLError, text: string): string {
  const [first] = error.message.split("\n");
  const bare = first.replace(/ at line \d+, column \d+:?$/, "");
  switch (error.code) {
    case "DUPLICATE_KEY": {
      const key = text
        .slice(error.pos[0])
        .match(/^["']?([^"':\n]*)/)?.[1]
        ?.trim();
      return `the key ${key ? `"${key}" ` : ""}appears twice in this mapping — keep one (YAML would silently use only one of them)`;
    }
    case "TAB_AS_INDENT":
      return "a tab indents this line — YAML indents with spaces only; replace the tab with spaces";
    case "MULTIPLE_DOCS":
      return "a second YAML document starts here (---) — stack.yaml is one document; remove the --- line";
    case "TAG_RESOLVE_FAILED":
      return `${bare.replace(/^Unresolved tag/, "unknown YAML tag")} — remove it: stack.yaml holds plain values (a secret is written { env: NAME })`;
    default:
      return `not valid YAML: ${bare} — fix the indentation or quoting there`;
  }
}

function yamlProblem(error: YAMLError, text: string): Problem {
  return { path: "", line: error.linePos?.[0]?.line, column: error.linePos?.[0]?.col, message: yamlMessage(error, text) };
}

/**
 * A mapping key written with nothing after it (`koofr:`) is YAML null. Where a mapping is
 * expected, treat it as an empty one, so the fields missing inside are reported by their own paths.
 */
function emptyMappings(data: unknown, issues: readonly z.core.$ZodIssue[]): boolean {
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== "invalid_type" || issue.expected !== "object" || issue.input !== null || issue.path.length === 0) continue;
    let parent = data as Record<PropertyKey, unknown>;
    for (const k of issue.path.slice(0, -1)) parent = parent?.[k as string] as Record<PropertyKey, unknown>;
    const last = issue.path[issue.path.length - 1] as string;
    if (parent && typeof parent === "object" && parent[last] === null) {
      parent[last] = {};
      changed = true;
    }
  }
  return changed;
}

export function parseStack(text: string, file = "stack.yaml"): StackConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const yamlErrors = [...doc.errors, ...doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED")];
  if (yamlErrors.length > 0)
    throw new StackError(
      file,
      yamlErrors.map((e) => yamlProblem(e, text)),
    );
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (error) {
    let alias: Node | undefined;
    visit(doc, { Alias: (_, node) => ((alias ??= node), visit.BREAK) });
    const offset = alias?.range?.[0];
    throw new StackError(file, [
      {
        path: "",
        line: offset === undefined ? undefined : lines.linePos(offset).line,
        message: `the aliases (*name) expand to too much (${(error as Error).message.split("\n")[0]}) — write the values out instead of aliasing them`,
      },
    ]);
  }
  let result = stackSchema.safeParse(data, { error: describe, reportInput: true });
  for (let pass = 0; !result.success && pass < 8 && emptyMappings(data, result.error.issues); pass++) {
    result = stackSchema.safeParse(data, { error: describe, reportInput: true });
  }
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

/** Reads stack.yaml, refusing what is not a regular file of sensible size with a message. */
export function readStackFile(path: string): string {
  let fd: number;
  try {
    // Non-blocking: a named pipe would otherwise wait forever for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new UsageError(`${path}: no such file`);
    if (code === "EACCES" || code === "EPERM") throw new UsageError(`${path}: cannot read it (permission denied) — check its owner and mode, e.g. chmod u+r ${path}`);
    throw new UsageError(`${path}: cannot open it (${code ?? (error as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UsageError(`${path} is a directory — name the file, e.g. -c ${path.replace(/\/+$/, "")}/stack.yaml`);
    if (!stat.isFile()) throw new UsageError(`${path} is not a regular file (a device, pipe or socket) — name a stack.yaml file`);
    if (stat.size > MAX_STACK_BYTES) throw new UsageError(tooLarge(path));
    // Read one byte past the limit: a file that grows while being read is still caught.
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_STACK_BYTES) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += n;
    if (length > MAX_STACK_BYTES) throw new UsageError(tooLarge(path));
    return buffer.subarray(0, length).toString("utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new UsageError(`${path} is a directory — name the file, e.g. -c ${path}/stack.yaml`);
    if (code) throw new UsageError(`${path}: cannot read it (${code})`);
    throw error;
  } finally {
    closeSync(fd);
  }
}

function tooLarge(path: string): string {
  return `${path} is larger than ${MAX_STACK_BYTES / 1024 / 1024} MiB, far more than any stack.yaml — is it the right file?`;
}

export function loadStack(path: string): StackConfig {
  return parseStack(readStackFile(path), path);
}
