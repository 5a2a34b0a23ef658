import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { UserError } from "../../../config/errors";

/** The marker that says a directory is a report shelfstack wrote (and may rewrite). */
export const REPORT_MARKER = ".shelfstack-report";

export class ReportDirError extends UserError {}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : e.name === REPORT_MARKER ? [] : [relative(base, join(dir, e.name))],
  );
}

/**
 * Writes the report's files into `dir` in place, each one atomically (a temporary file renamed
 * over it): the directory itself stays, because the Tailscale sidecar has it mounted. A file
 * whose bytes are unchanged is not touched; files of books no longer there are removed. A
 * directory that holds other things is refused, so `-o` never clobbers someone's folder.
 * Writes overlap (a few at a time): hundreds of small files are mostly waiting on the disk.
 */
export async function writeReport(dir: string, files: ReadonlyMap<string, string>): Promise<{ written: number; removed: number }> {
  mkdirSync(dir, { recursive: true });
  const existing = listFiles(dir);
  if (existing.length > 0 && !existsSync(join(dir, REPORT_MARKER))) {
    throw new ReportDirError(`${dir} already holds files that are not a shelfstack report — choose an empty directory with -o`);
  }
  writeFileSync(join(dir, REPORT_MARKER), "written by shelfstack report; rewritten after each ETL run\n");
  // A run killed between writing and renaming leaves a .tmp behind: it goes with the other strays.
  const present = new Set(existing);
  const changed: [string, string][] = [];
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = join(dir, path);
    if (present.has(path) && readFileSync(target, "utf8") === content) continue;
    mkdirSync(dirname(target), { recursive: true });
    changed.push([target, content]);
  }
  let next = 0;
  const worker = async () => {
    while (next < changed.length) {
      const [target, content] = changed[next++];
      await writeFile(`${target}.tmp`, content);
      await rename(`${target}.tmp`, target);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  let removed = 0;
  for (const path of existing) {
    if (!files.has(path)) {
      rmSync(join(dir, path));
      removed++;
    }
  }
  return { written: changed.length, removed };
}
