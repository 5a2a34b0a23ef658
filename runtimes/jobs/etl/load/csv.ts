export type Cell = string | number | boolean | null | undefined;

/**
 * One CSV line for COPY … WITH (FORMAT csv): null is an unquoted empty field (SQL NULL), every
 * string is quoted (so "" stays an empty string), quotes doubled.
 */
export function csvLine(cells: readonly Cell[]): string {
  let line = "";
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (i > 0) line += ",";
    if (c === null || c === undefined) continue;
    if (typeof c === "string") line += `"${c.includes('"') ? c.replace(/"/g, '""') : c}"`;
    else if (typeof c === "number") {
      if (!Number.isFinite(c)) throw new Error(`cannot load ${c} into Postgres`);
      line += String(c);
    } else line += c ? "t" : "f";
  }
  return `${line}\n`;
}

export function csv(rows: readonly (readonly Cell[])[]): string {
  let out = "";
  for (const r of rows) out += csvLine(r);
  return out;
}
