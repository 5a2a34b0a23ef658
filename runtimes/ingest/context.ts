import { relative } from "node:path";
import type { LibraryKind } from "./abs";
import type { Calibre } from "./calibre";
import { moveToFailed } from "./failed";
import type { Report } from "./report";
import type { StateDir } from "./state";

/** What one pass works with: the folders, Calibre, the report it fills and where it logs. */
export interface Context {
  readonly ingestDir: string;
  readonly audiobooksDir: string;
  readonly failedDir: string;
  readonly calibre: Calibre;
  readonly state: StateDir;
  readonly report: Report;
  readonly log: (line: string) => void;
  readonly fetchMetadata: boolean;
  readonly batchSize: number;
  /** Libraries this pass changed: Audiobookshelf is asked to scan them. */
  readonly changed: Set<LibraryKind>;
}

/** Moves a file or folder to the failed folder with its reason, and reports it. */
export async function fail(ctx: Context, path: string, name: string, reason: string, kind: "failed" | "duplicate" = "failed"): Promise<void> {
  const target = await moveToFailed(ctx.failedDir, path, name, reason);
  ctx.report.add(kind, name, `${reason} → ${relative(ctx.failedDir, target)} in the failed folder`);
  ctx.log(`${kind}: ${name}: ${reason}`);
}
