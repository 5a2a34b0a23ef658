/**
 * A standard five-field cron expression (minute hour day-of-month month day-of-week), checked
 * here so a typo is a validation error with its YAML path, not a job that silently never runs.
 * Accepts `*`, numbers, ranges `a-b`, steps `/n`, lists `a,b`, and month/day names.
 */
const FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
] as const;

function atom(text: string, field: (typeof FIELDS)[number]): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const names: readonly string[] | undefined = "names" in field ? field.names : undefined;
  const index = names?.indexOf(text.toUpperCase()) ?? -1;
  if (index < 0) return undefined;
  return field.name === "month" ? index + 1 : index;
}

/** Every value a field's text selects (the text is already known to be valid). */
function values(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const selected = new Set<number>();
  for (const item of text.split(",")) {
    const [range, step] = item.split("/");
    const [low, high] = range === "*" ? [field.min, field.max] : range.split("-").map((b) => atom(b, field)!);
    const end = high ?? (step !== undefined ? field.max : low);
    for (let v = low; v <= end; v += Number(step ?? 1)) selected.add(v);
  }
  return selected;
}

/** The longest each month can be (February in a leap year): a day past it never comes. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Cron fires on a day when the day of month or the day of week matches if both are restricted,
 * so only a restricted day of month with an unrestricted day of week can select no day at all.
 */
function neverFires(parts: readonly string[]): string | undefined {
  if (parts[2] === "*" || parts[4] !== "*") return undefined;
  const days = values(parts[2], FIELDS[2]);
  const months = values(parts[3], FIELDS[3]);
  for (const m of months) for (const d of days) if (d <= MONTH_DAYS[m - 1]) return undefined;
  return `day of month "${parts[2]}" never comes in month "${parts[3]}", so the job would never run — pick a day every chosen month has (1–28 is in all of them)`;
}

/** Returns undefined when valid, else what is wrong with it. */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) {
    return `has ${parts.length} field${parts.length === 1 ? "" : "s"}, a cron schedule has 5 (minute hour day-of-month month day-of-week), e.g. "30 2 * * *"`;
  }
  for (let i = 0; i < 5; i++) {
    const field = FIELDS[i];
    for (const item of parts[i].split(",")) {
      const [range, step, extra] = item.split("/");
      if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
        return `${field.name} "${parts[i]}": a step is written "/n" with n ≥ 1`;
      }
      if (range === "*") continue;
      const bounds = range.split("-");
      if (bounds.length > 2) return `${field.name} "${parts[i]}": a range is written "a-b"`;
      const values = bounds.map((b) => atom(b, field));
      for (const [k, v] of values.entries()) {
        if (v === undefined || v < field.min || v > field.max) {
          return `${field.name} "${bounds[k]}" is outside ${field.min}–${field.max}`;
        }
      }
      if (values.length === 2 && values[0]! > values[1]!) {
        return `${field.name} "${range}": the range runs backwards`;
      }
    }
  }
  return neverFires(parts);
}
