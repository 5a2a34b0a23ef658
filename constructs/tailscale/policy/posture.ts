import type { PostureValue } from "./types";

/**
 * Device posture conditions ("node:os == 'android'", "node:tsVersion >= '1.60'",
 * "node:os IN ['macos', 'linux']") checked against a test's srcPostureAttrs. A device lacking
 * the attribute does not meet the condition.
 */
const CONDITION = /^\s*([A-Za-z]+:[A-Za-z0-9_]+)\s*(==|!=|>=|<=|>|<|NOT IN|IN)\s*(.+?)\s*$/;

export function meetsCondition(condition: string, attrs: Readonly<Record<string, PostureValue>>): boolean | string {
  const m = CONDITION.exec(condition);
  if (!m) return `cannot read posture condition "${condition}"`;
  const [, key, op, raw] = m;
  const expected = parseValue(raw);
  if (expected === undefined) return `cannot read the value in posture condition "${condition}"`;
  const actual = attrs[key];
  if (actual === undefined) return false;
  if (op === "IN" || op === "NOT IN") {
    if (!Array.isArray(expected)) return `${op} needs a list, e.g. ['macos', 'linux']: "${condition}"`;
    const found = expected.some((v) => v === actual);
    return op === "IN" ? found : !found;
  }
  if (Array.isArray(expected)) return `${op} compares with one value, not a list: "${condition}"`;
  const order = compare(actual, expected);
  switch (op) {
    case "==":
      return order === 0;
    case "!=":
      return order !== 0;
    case ">=":
      return order >= 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    default:
      return order < 0;
  }
}

function parseValue(raw: string): PostureValue | PostureValue[] | undefined {
  const text = raw.trim();
  if (text.startsWith("[") && text.endsWith("]")) {
    const items = text
      .slice(1, -1)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map(parseValue);
    return items.some((v) => v === undefined || Array.isArray(v)) ? undefined : (items as PostureValue[]);
  }
  const quoted = /^'(.*)'$|^"(.*)"$/.exec(text);
  if (quoted) return quoted[1] ?? quoted[2];
  if (text === "true" || text === "false") return text === "true";
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

/** Versions ("1.60.2") compare part by part as numbers; other strings as text. */
function compare(a: PostureValue, b: PostureValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  if (/^\d+(\.\d+)*$/.test(sa) && /^\d+(\.\d+)*$/.test(sb)) {
    const pa = sa.split(".").map(Number);
    const pb = sb.split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
