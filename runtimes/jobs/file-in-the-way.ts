import { statSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A folder a job is to create or use: the path itself, or the nearest existing path above it,
 * when that is a file (then mkdir fails with EEXIST or ENOTDIR, which name neither).
 */
export function fileInTheWay(dir: string): string | undefined {
  for (let p = dir; ; p = dirname(p)) {
    let found: ReturnType<typeof statSync>;
    try {
      found = statSync(p, { throwIfNoEntry: false });
    } catch (error) {
      // ENOTDIR: something above is a file; the walk up finds which.
      if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") throw error;
    }
    if (found) return found.isDirectory() ? undefined : p;
    if (dirname(p) === p) return undefined;
  }
}
