/**
 * HuJSON (tailscale/hujson): JSON plus // and /* *\/ comments and trailing commas — the policy
 * file's format. `parseHujson` blanks the extras out (keeping every offset, so JSON.parse's error
 * positions still point into the original text) and parses what is left as strict JSON, so
 * anything else JSON5 would allow (single quotes, bare keys) is an error here too.
 */

export class HujsonError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
    this.name = "HujsonError";
  }
}

export function parseHujson(text: string): unknown {
  const plain = standardize(text);
  try {
    return JSON.parse(plain);
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const { line, column } = position(text, at ? Number(at[1]) : text.length);
    // Newer Node quotes the text itself in the message: keep only what went wrong.
    const what = message
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/^JSON\.parse: /, "")
      .replace(/, ".*" is not valid JSON$/s, "");
    throw new HujsonError(what, line, column);
  }
}

/** Same length as the input: comments and trailing commas become spaces, newlines stay. */
export function standardize(text: string): string {
  const out = text.split("");
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== "\n" && out[k] !== "\r") out[k] = " ";
  };
  let i = 0;
  let lastComma = -1; // a comma seen since the last value character, outside strings and comments
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      lastComma = -1;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      if (end === -1) {
        const { line, column } = position(text, i);
        throw new HujsonError("comment is never closed (*/ missing)", line, column);
      }
      blank(i, end + 2);
      i = end + 2;
    } else if (c === ",") {
      lastComma = i;
      i++;
    } else if (c === "]" || c === "}") {
      if (lastComma !== -1) blank(lastComma, lastComma + 1);
      lastComma = -1;
      i++;
    } else {
      if (!/\s/.test(c)) lastComma = -1;
      i++;
    }
  }
  return out.join("");
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** A parsed value with where it sits in the text: `start` at its first character, `end` just past its last. */
export type HujsonNode =
  | { readonly kind: "object"; readonly start: number; readonly end: number; readonly members: readonly HujsonMember[] }
  | { readonly kind: "array"; readonly start: number; readonly end: number; readonly items: readonly HujsonNode[] }
  | { readonly kind: "scalar"; readonly start: number; readonly end: number };

export interface HujsonMember {
  readonly key: string;
  readonly keyStart: number;
  readonly value: HujsonNode;
}

/**
 * The layout of a HuJSON text: each object member and array item with its offsets, so a change
 * can be spliced in and every other byte (comments included) kept. Throws HujsonError as
 * `parseHujson` does.
 */
export function parseHujsonTree(text: string): HujsonNode {
  parseHujson(text);
  const plain = standardize(text);
  let i = 0;
  const space = () => {
    while (i < plain.length && /\s/.test(plain[i])) i++;
  };
  const string = (): string => {
    const start = i++;
    while (plain[i] !== '"') i += plain[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(plain.slice(start, i)) as string;
  };
  const value = (): HujsonNode => {
    space();
    const start = i;
    if (plain[i] === "{") {
      i++;
      const members: HujsonMember[] = [];
      for (space(); plain[i] !== "}"; space()) {
        const keyStart = i;
        const key = string();
        space();
        i++; // :
        members.push({ key, keyStart, value: value() });
        space();
        if (plain[i] === ",") i++;
      }
      i++;
      return { kind: "object", start, end: i, members };
    }
    if (plain[i] === "[") {
      i++;
      const items: HujsonNode[] = [];
      for (space(); plain[i] !== "]"; space()) {
        items.push(value());
        space();
        if (plain[i] === ",") i++;
      }
      i++;
      return { kind: "array", start, end: i, items };
    }
    if (plain[i] === '"') {
      string();
      return { kind: "scalar", start, end: i };
    }
    while (i < plain.length && !/[\s,\]}]/.test(plain[i])) i++;
    return { kind: "scalar", start, end: i };
  };
  return value();
}

/** How many // and /* *\/ comments the text holds (outside strings). */
export function countComments(text: string): number {
  const plain = standardize(text);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "/" || plain[i] !== " " || (text[i + 1] !== "/" && text[i + 1] !== "*")) continue;
    count++;
    const end = text[i + 1] === "/" ? text.indexOf("\n", i) : text.indexOf("*/", i + 2) + 1;
    i = end <= 0 ? text.length : end;
  }
  return count;
}
