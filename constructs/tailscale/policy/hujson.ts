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
    throw new HujsonError(message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, ""), line, column);
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
