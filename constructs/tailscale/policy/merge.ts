/**
 * Merges the stack's policy into the user's own policy file (tailnet.basePolicy), so the one
 * `tailscale_acl` keeps what the tailnet already had. The result is the base file's text with
 * insertions only: shelfstack's groups, tag owners, postures, hosts, acls and tests go at the end
 * of those sections (or as new sections at the end of the file); every other byte of the base,
 * comments included, stays where it was. A name both define is refused, never overwritten.
 */
import { countComments, HujsonError, parseHujson, parseHujsonTree, type HujsonNode } from "./hujson";
import { pad, renderEntry, type Notes } from "./render";
import type { TailnetPolicy } from "./types";

/** The user's policy file: its name as stack.yaml writes it, and its text. */
export interface BasePolicy {
  readonly file: string;
  readonly text: string;
}

/** Sections shelfstack adds to; every other section of the base is carried unchanged. */
export const MERGED_MAPS = ["groups", "tagOwners", "postures", "hosts"] as const;
export const MERGED_LISTS = ["acls", "tests"] as const;

export interface MergeResult {
  readonly text: string;
  readonly policy: TailnetPolicy;
  /** The base's own entries come first in each merged list: shelfstack's follow. */
  readonly baseCounts: { readonly acls: number; readonly tests: number };
  /** Base sections carried byte for byte. */
  readonly kept: readonly string[];
  /** Base sections shelfstack added entries to (their own entries and comments unchanged). */
  readonly extended: readonly string[];
  /** Sections the base did not have. */
  readonly added: readonly string[];
  readonly comments: number;
}

/** The base file cannot be used: where in it, and what to do. */
export class BasePolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join("; ")}`);
    this.name = "BasePolicyError";
  }
}

/** Reads the base file as a policy object; HuJSON errors name the file, line and column. */
export function readBasePolicy(base: BasePolicy): { policy: TailnetPolicy; tree: HujsonNode } {
  let value: unknown;
  let tree: HujsonNode;
  try {
    value = parseHujson(base.text);
    tree = parseHujsonTree(base.text);
  } catch (error) {
    if (error instanceof HujsonError) {
      throw new BasePolicyError(base.file, [
        `line ${error.line}, column ${error.column}: not valid HuJSON (${error.message.replace(/^line \d+, column \d+: /, "")}) — export the policy file again from the admin console (Access controls, Edit file)`,
      ]);
    }
    throw error;
  }
  if (tree.kind !== "object" || value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new BasePolicyError(base.file, ["a policy file is one object ({ … }) — export it from the admin console"]);
  }
  const policy = value as TailnetPolicy;
  const wrong: string[] = [];
  for (const key of MERGED_MAPS) {
    const v = policy[key];
    if (v !== undefined && (v === null || typeof v !== "object" || Array.isArray(v))) wrong.push(`"${key}" must be an object`);
  }
  for (const key of [...MERGED_LISTS, "grants", "ssh", "sshTests"]) {
    if (policy[key] !== undefined && !Array.isArray(policy[key])) wrong.push(`"${key}" must be a list`);
  }
  if (wrong.length) throw new BasePolicyError(base.file, wrong);
  return { policy, tree };
}

interface Edit {
  readonly at: number;
  readonly text: string;
}

/**
 * `ours` is the stack's policy (notes keyed by its own indices, e.g. "acls/0"); `banner` is
 * written above each block of shelfstack's entries.
 */
export function mergeIntoBase(base: BasePolicy, ours: TailnetPolicy, notes: Notes, header: readonly string[]): MergeResult {
  const { policy: theirs, tree } = readBasePolicy(base);
  if (tree.kind !== "object") throw new BasePolicyError(base.file, ["a policy file is one object"]);
  const clashes: string[] = [];
  for (const section of MERGED_MAPS) {
    for (const key of Object.keys(ours[section] ?? {})) {
      if (theirs[section] && Object.hasOwn(theirs[section]!, key)) {
        clashes.push(
          `${section}["${key}"] is defined in the file and by shelfstack — rename or remove it in ${base.file} (shelfstack names its entries after tailnet.serverTag), or drop it from stack.yaml's tailnet.extra… fields`,
        );
      }
    }
  }
  if (clashes.length) throw new BasePolicyError(base.file, clashes);

  const edits: Edit[] = [];
  const kept: string[] = [];
  const extended: string[] = [];
  const added: string[] = [];
  const banner = (depth: number) => `${pad(depth)}// shelfstack: from stack.yaml\n`;
  const entries = (section: string, depth: number): string[] => {
    const value = ours[section];
    if (Array.isArray(value)) return value.map((v, i) => renderEntry(undefined, v, `${section}/${i}`, depth, notes));
    return Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => renderEntry(k, v, `${section}/${k}`, depth, notes));
  };
  const ourSections = [...MERGED_MAPS, ...MERGED_LISTS].filter((s) => {
    const v = ours[s];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && Object.keys(v as object).length > 0;
  });
  for (const member of tree.members) {
    if (!ourSections.includes(member.key as (typeof ourSections)[number])) {
      kept.push(member.key);
      continue;
    }
    extended.push(member.key);
    edits.push(...appendTo(base.text, member.value, `${banner(2)}${entries(member.key, 2).join("\n")}\n`, 2));
  }
  const missing = ourSections.filter((s) => !tree.members.some((m) => m.key === s));
  if (missing.length) {
    const block = missing.map((s) => `${pad(1)}${JSON.stringify(s)}: ${container(ours[s], entries(s, 2))},\n`).join("");
    edits.push(...appendTo(base.text, tree, `${banner(1)}${block}`, 1));
    added.push(...missing);
  }
  // Written in the file's own indentation (tabs, or its width of spaces), so the blocks read as part of it.
  const unit = /\n([ \t]+)"/.exec(base.text)?.[1] ?? "  ";
  const reindented = edits.map((e) => ({ ...e, text: e.text.replace(/^((?: {2})+)/gm, (lead: string) => unit.repeat(lead.length / 2)) }));
  edits.splice(0, edits.length, ...reindented);
  let text = base.text;
  // From the end, so earlier offsets hold; of two edits at one offset the first listed ends up first.
  const order = edits.map((edit, seq) => ({ edit, seq })).sort((a, b) => b.edit.at - a.edit.at || b.seq - a.seq);
  for (const { edit } of order) text = text.slice(0, edit.at) + edit.text + text.slice(edit.at);
  const comments = countComments(base.text);
  const lead = header.map((h) => `// ${h}`.trimEnd()).join("\n");
  text = `${lead}\n${text.endsWith("\n") ? text : `${text}\n`}`;
  return {
    text,
    policy: parseMerged(text),
    baseCounts: { acls: theirs.acls?.length ?? 0, tests: theirs.tests?.length ?? 0 },
    kept,
    extended,
    added,
    comments,
  };
}

function container(value: unknown, lines: readonly string[]): string {
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${lines.join("\n")}\n${pad(1)}${close}`;
}

/** Edits that add `block` (whole lines, indented for `depth`) as the last entries of `node`. */
function appendTo(text: string, node: HujsonNode, block: string, depth: number): Edit[] {
  if (node.kind === "scalar") return [];
  const close = node.end - 1;
  const children = node.kind === "object" ? node.members.map((m) => m.value) : node.items;
  const edits: Edit[] = [];
  const last = children[children.length - 1];
  // Between two values there are no strings: only whitespace, comments and the comma.
  const between = text.slice(last?.end ?? 0, close).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "");
  if (last && !between.includes(",")) edits.push({ at: last.end, text: "," });
  const lineStart = text.lastIndexOf("\n", close - 1) + 1;
  if (lineStart > node.start && text.slice(lineStart, close).trim() === "") edits.push({ at: lineStart, text: block });
  else edits.push({ at: close, text: `\n${block}${pad(depth - 1)}` });
  return edits;
}

function parseMerged(text: string): TailnetPolicy {
  try {
    return parseHujson(text) as TailnetPolicy;
  } catch (error) {
    if (process.env.SHELFSTACK_DEBUG_MERGE) console.error(text);
    throw error;
  }
}
