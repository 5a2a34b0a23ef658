import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import type { StackConfig } from "../../../config/resolve";
import { backupFolders, type BackupFolder } from "../../../config/schema/jobs";
import { backupExcludes, backupStamp } from "../backup/backup";
import { openBackup, RestoreError, type BackupAccessOptions } from "./remote";

export interface RestoreOptions extends BackupAccessOptions {
  /** An empty or new directory: never the live library. */
  readonly to: string;
  /** `ebooks`, `audiobooks`, `snapshots`, or a path below one (`ebooks/George Eliot`). @default every backed-up folder */
  readonly path?: string;
  /** The state as it was at this moment, from the files kept under deleted/<date>. @default the latest backup */
  readonly at?: Date;
}

export interface RestoreResult {
  readonly folders: readonly { readonly folder: BackupFolder; readonly files: number }[];
  /** Files restored from deleted/<date> (without --at: as they are kept, under <to>/deleted/). */
  readonly fromDeleted: number;
}

function overlaps(a: string, b: string): boolean {
  const [x, y] = [resolve(a), resolve(b)].map((p) => p.replace(/\/+$/, "") + "/");
  return x.startsWith(y) || y.startsWith(x);
}

/** Never over, inside, or around a live folder; never into a directory that holds anything. */
export function checkTarget(config: StackConfig, to: string): void {
  for (const [what, live] of Object.entries(config.server.paths)) {
    if (overlaps(to, live)) throw new RestoreError(`${to} overlaps the live ${what} folder (${live}) — restore into a new, empty directory and move files over yourself`);
  }
  if (existsSync(to) && readdirSync(to).length > 0) throw new RestoreError(`${to} is not empty — restore into a new, empty directory`);
}

function parsePath(path: string | undefined, folders: readonly BackupFolder[]): { folder: BackupFolder; sub: string }[] {
  if (!path) return folders.map((folder) => ({ folder, sub: "" }));
  const [first, ...rest] = path.replace(/^\/+|\/+$/g, "").split("/");
  if (!(backupFolders as readonly string[]).includes(first)) throw new RestoreError(`--path ${path}: start with one of ${backupFolders.join(", ")} (e.g. ebooks/George Eliot)`);
  if (!folders.includes(first as BackupFolder)) throw new RestoreError(`--path ${path}: ${first} is not backed up (backup.folders)`);
  if (rest.includes("..")) throw new RestoreError(`--path ${path}: no .. in a path`);
  return [{ folder: first as BackupFolder, sub: rest.join("/") }];
}

/**
 * Restores the backup into an empty directory: <to>/<folder>/… as of the last backup, and
 * <to>/deleted/<date>/<folder>/… with the files the backup kept when they were deleted or replaced.
 * With `at`, <to>/<folder> is the folder as it was then: files unchanged since, plus for each file
 * changed or deleted later the version the backup kept when that first happened.
 */
export async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  const { config, log } = options;
  checkTarget(config, options.to);
  const targets = parsePath(options.path, config.backup?.folders ?? []);
  const access = await openBackup(options);
  const { crypt } = access.remotes;
  const to = resolve(options.to);
  const stamps = (await access.output(["lsf", "--dirs-only", `${crypt}:deleted`]).catch(() => ""))
    .split("\n")
    .map((s) => s.replace(/\/$/, ""))
    .filter((s) => /^\d{4}-\d{2}-\d{2}_\d{6}$/.test(s))
    .sort();
  const atStamp = options.at ? backupStamp(options.at, config.server.timezone) : undefined;
  const copy = async (from: string, into: string, extra: string[] = []) => {
    const run = await access.run(["copy", from, into, ...extra]);
    if (run.code !== 0) throw new RestoreError(`rclone copy ${from} failed (exit ${run.code})${run.errors.length ? `: ${run.errors.at(-1)}` : ""}`);
    return run.stats.transfers ?? 0;
  };
  const folders: { folder: BackupFolder; files: number }[] = [];
  let fromDeleted = 0;
  for (const { folder, sub } of targets) {
    const rel = sub ? `${folder}/${sub}` : folder;
    const dest = `${to}/${rel}`;
    log(`restore: ${crypt}:${rel} → ${dest}${options.at ? ` as of ${options.at.toISOString()}` : ""}`);
    if (!atStamp) {
      const files = await copy(`${crypt}:${rel}`, dest, backupExcludes(folder));
      for (const stamp of stamps) fromDeleted += await copyIfThere(access, `${crypt}:deleted/${stamp}/${rel}`, `${to}/deleted/${stamp}/${rel}`, copy);
      folders.push({ folder, files });
      continue;
    }
    // Files unchanged since `at` come from the current backup; a file changed or deleted after it
    // was kept under the first deleted/<stamp> after it — laid over from the latest to the earliest,
    // so the earliest (the version current at `at`) wins.
    let files = await copy(`${crypt}:${rel}`, dest, ["--min-age", options.at!.toISOString().replace(/\.\d{3}Z$/, "Z"), ...backupExcludes(folder)]);
    for (const stamp of stamps.filter((s) => s > atStamp).reverse()) {
      const n = await copyIfThere(access, `${crypt}:deleted/${stamp}/${rel}`, dest, (from, into) => copy(from, into, ["--ignore-times"]));
      files += n;
      fromDeleted += n;
    }
    folders.push({ folder, files });
  }
  return { folders, fromDeleted };
}

async function copyIfThere(access: Awaited<ReturnType<typeof openBackup>>, from: string, into: string, copy: (from: string, into: string) => Promise<number>): Promise<number> {
  const listed = await access.output(["lsf", "--max-depth", "1", from]).catch(() => "");
  return listed.trim() ? copy(from, into) : 0;
}
