import { join } from "node:path";
import type { StackConfig } from "../../../config/resolve";
import { syncthingFolders } from "../../../config/syncthing-folders";

/** KOReader's statistics database, in its settings directory. */
export const DB_NAME = "statistics.sqlite3";

/** One reader's KOReader settings folder as it arrives on the server. */
export interface StatisticsSource {
  /** The reader's name: its folder in the snapshot repository. */
  readonly name: string;
  /** The server folder Syncthing receives it into (receive-only; never written by the job). */
  readonly dir: string;
}

/**
 * Each reader's KOReader settings folder, from the Syncthing folder model (one folder per device,
 * below paths.statistics). Without Syncthing folders, paths.statistics itself is the one source.
 */
export function statisticsSources(config: StackConfig): StatisticsSource[] {
  const folders = syncthingFolders(config).filter((f) => f.content === "koreader-settings");
  if (folders.length === 0) return [{ name: "reader", dir: config.server.paths.statistics }];
  return folders.map((f) => ({ name: f.devices[0]?.name ?? f.id, dir: f.server.path })).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * The repository's layout, which the ETL reads: `<reader>/statistics.sqlite3` (a single-file,
 * integrity-checked copy) and `<reader>/statistics.json` (its totals, readable in `git log -p`).
 */
export function snapshotFile(repo: string, reader: string): string {
  return join(repo, reader, DB_NAME);
}
