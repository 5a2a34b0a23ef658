import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { StackConfig } from "../../../config/resolve";
import { syncthingFolders } from "../../../config/syncthing-folders";
import { BRANCH, SnapshotRepo } from "../snapshot/git";
import { DB_NAME } from "../snapshot/sources";
import { checkTarget } from "./restore";
import { RestoreError } from "./remote";

export interface StatisticsRestoreOptions {
  readonly config: StackConfig;
  /** The snapshot repository. @default server.paths.snapshots */
  readonly repo?: string;
  readonly reader: string;
  /** The last snapshot at or before this moment. @default the latest */
  readonly at?: Date;
  /** A new or empty directory; statistics.sqlite3 is written there. */
  readonly to: string;
}

export interface StatisticsRestoreResult {
  readonly file: string;
  readonly commit: string;
  /** When that snapshot was committed. */
  readonly date: string;
}

/**
 * Writes a reader's KOReader statistics.sqlite3 from the snapshot history, as it was at `at`,
 * proven whole by `PRAGMA integrity_check` before it is put in place. Never into a folder
 * Syncthing syncs: putting it back on the reader is a step a person takes (SETUP.md).
 */
export function restoreStatistics(options: StatisticsRestoreOptions): StatisticsRestoreResult {
  const { config, reader } = options;
  checkTarget(config, options.to);
  for (const folder of syncthingFolders(config)) {
    if (existsSync(folder.server.path) && join(options.to, "/").startsWith(join(folder.server.path, "/"))) {
      throw new RestoreError(`${options.to} is inside the Syncthing folder ${folder.id} — restore into a directory Syncthing does not sync`);
    }
  }
  const dir = options.repo ?? config.server.paths.snapshots;
  if (!existsSync(join(dir, ".git"))) throw new RestoreError(`${dir} is not a snapshot repository (has the snapshot job run? is the backup restored there?)`);
  const repo = SnapshotRepo.open(dir);
  const path = `${reader}/${DB_NAME}`;
  const commit = repo.git(["rev-list", "-1", ...(options.at ? [`--before=${options.at.toISOString()}`] : []), BRANCH, "--", path], { allowFail: true });
  if (!commit) {
    const readers = repo.git(["ls-tree", "--name-only", BRANCH], { allowFail: true }).split("\n").filter(Boolean).join(", ") || "none";
    throw new RestoreError(`no snapshot of ${path}${options.at ? ` at or before ${options.at.toISOString()}` : ""} (readers in the repository: ${readers})`);
  }
  const blob = repo.blobAt(commit, path);
  if (!blob) throw new RestoreError(`${path} was removed in ${commit.slice(0, 12)} — pick an earlier --at`);
  mkdirSync(options.to, { recursive: true });
  const file = join(options.to, DB_NAME);
  const partial = `${file}.partial`;
  repo.catToFile(blob, partial);
  let db: Database.Database | undefined;
  try {
    db = new Database(partial, { readonly: true, fileMustExist: true });
    const rows = (db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (rows.length !== 1 || rows[0] !== "ok")
      throw new RestoreError(`the snapshot in ${commit.slice(0, 12)} fails integrity_check: ${rows.slice(0, 3).join("; ")} — pick an earlier --at`);
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof RestoreError) throw error;
    throw new RestoreError(`the snapshot in ${commit.slice(0, 12)} is not a usable database: ${(error as Error).message}`);
  } finally {
    db?.close();
  }
  renameSync(partial, file);
  return { file, commit, date: new Date(repo.git(["show", "-s", "--format=%cI", commit])).toISOString() };
}
