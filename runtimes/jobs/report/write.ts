import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** The marker that says a directory is a report shelfstack wrote (and may rewrite). */
export const REPORT_MARKER = ".shelfstack-report";

export class ReportDirError extends Error {}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : e.name.endsWith(".tmp") || e.name === REPORT_MARKER ? [] : [relative(base, join(dir, e.name))],
  );
}

/**
 * Writes the report's files into `dir` in place, each one atomically (a temporary file renamed
 * over it): the directory itself stays, because the Tailscale sidecar has it mounted. A file
 * whose bytes are unchanged is not touched; files of books no longer there are removed. A
 * directory that holds other things is refused, so `-o` never clobbers someone's folder.
 */
export function writeReport(dir: string, files: ReadonlyMap<string, string>): { written: number; removed: number } {
  mkdirSync(dir, { recursive: true });
  const existing = listFiles(dir);
  if (existing.length > 0 && !existsSync(join(dir, REPORT_MARKER))) {
    throw new ReportDirError(`${dir} already holds files that are not a shelfstack report — choose an empty directory with -o`);
  }
  writeFileSync(join(dir, REPORT_MARKER), "written by shelfstack report; rewritten after each ETL run\n");
  let written = 0;
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = join(dir, path);
    if (existsSync(target) && readFileSync(target, "utf8") === content) continue;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.tmp`, content);
    renameSync(`${target}.tmp`, target);
    written++;
  }
  let removed = 0;
  for (const path of existing) {
    if (!files.has(path)) {
      rmSync(join(dir, path));
      removed++;
    }
  }
  return { written, removed };
}
