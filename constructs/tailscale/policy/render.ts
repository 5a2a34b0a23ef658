/**
 * Writes a policy as HuJSON the way Tailscale's own formatter lays it out (two-space indent,
 * trailing commas), with `//` comments above the entries that have a note, so the file reviews
 * like a hand-written policy. Pure: same value and notes, same text.
 */
export type Notes = ReadonlyMap<string, readonly string[]>;

/** Sections first in the order people read them; anything else after, sorted. */
const SECTION_ORDER = ["groups", "tagOwners", "postures", "hosts", "acls", "grants", "tests"];

export function renderHujson(value: Readonly<Record<string, unknown>>, header: readonly string[], notes: Notes = new Map()): string {
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  const ordered = [...SECTION_ORDER.filter((k) => keys.includes(k)), ...keys.filter((k) => !SECTION_ORDER.includes(k)).sort()];
  const body = ordered.map((k) => member(k, value[k], k, 1, notes)).join("\n");
  return `${header.map((h) => `// ${h}`.trimEnd()).join("\n")}\n{\n${body}\n}\n`;
}

/** One object member or array item at `depth`, with its notes above it and a trailing comma. */
export function renderEntry(key: string | undefined, v: unknown, path: string, depth: number, notes: Notes): string {
  if (key !== undefined) return member(key, v, path, depth, notes);
  return `${comments(path, depth, notes)}${pad(depth)}${write(v, path, depth, notes)},`;
}

function member(key: string, v: unknown, path: string, depth: number, notes: Notes): string {
  return `${comments(path, depth, notes)}${pad(depth)}${JSON.stringify(key)}: ${write(v, path, depth, notes)},`;
}

function comments(path: string, depth: number, notes: Notes): string {
  return (notes.get(path) ?? []).map((line) => `${pad(depth)}// ${line}`.trimEnd() + "\n").join("");
}

function write(v: unknown, path: string, depth: number, notes: Notes): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    const inline = `[${v.map((x) => JSON.stringify(x)).join(", ")}]`;
    const scalars = v.every((x) => x === null || typeof x !== "object");
    if (scalars && inline.length <= 72 && !v.some((_, i) => notes.has(`${path}/${i}`))) return inline;
    const items = v.map((x, i) => `${comments(`${path}/${i}`, depth + 1, notes)}${pad(depth + 1)}${write(x, `${path}/${i}`, depth + 1, notes)},`);
    return `[\n${items.join("\n")}\n${pad(depth)}]`;
  }
  if (v !== null && typeof v === "object") {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, x]) => member(k, x, `${path}/${k}`, depth + 1, notes)).join("\n")}\n${pad(depth)}}`;
  }
  return JSON.stringify(v);
}

export function pad(depth: number): string {
  return "  ".repeat(depth);
}
