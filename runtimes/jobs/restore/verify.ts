import { randomInt } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { StackConfig } from "../../../config/resolve";
import type { BackupFolder } from "../../../config/schema/jobs";
import { backupExcludes, backupSources } from "../backup/backup";
import { listFiles, openBackup, RestoreError, type BackupAccessOptions, type StoredFile } from "./remote";

export interface DrillOptions extends BackupAccessOptions {
  /** How many files to pick at random, besides every file changed since the last drill. */
  readonly sample: number;
  /** Where the last drill's time is kept. @default drillStateFile(config) */
  readonly stateFile?: string;
  /** @default now */
  readonly now?: Date;
  /** Picks an index below n. @default crypto.randomInt */
  readonly pick?: (n: number) => number;
  /** Scratch space the files are downloaded to (removed after). @default beside the state file, on the data disk (a week of new audiobooks can outgrow a container's /tmp) */
  readonly scratch?: string;
}

export interface DrillResult {
  /** Files downloaded, decrypted and found byte-identical to the library. */
  readonly verified: number;
  /** Of those, the files changed since the last drill. */
  readonly changedSinceLastDrill: number;
  /** Files whose library copy changed after the last backup: not comparable until the next one. */
  readonly newerThanBackup: number;
}

export function drillStateFile(config: StackConfig): string {
  return `${config.server.paths.appdata}/jobs/restore-drill/last.json`;
}

interface Candidate {
  readonly folder: BackupFolder;
  readonly path: string;
  readonly local: string;
  readonly mtimeMs: number;
}

/**
 * Whether the library's copy is the one the backup should hold. rclone keeps each file's
 * modification time: a library file newer than its stored copy changed after the backup and is
 * not comparable yet. Anything else must decrypt to the same bytes — a stored file that is newer,
 * shorter or longer is exactly what the drill is for.
 */
function comparable(local: string, stored: StoredFile): { comparable: boolean; mtimeMs: number } | undefined {
  if (!existsSync(local)) return undefined;
  const s = statSync(local);
  return { comparable: s.mtimeMs <= Date.parse(stored.ModTime) + 1000, mtimeMs: s.mtimeMs };
}

/**
 * The restore drill: downloads files from the encrypted remote — every file changed since the last
 * drill and `sample` more at random — decrypts them with the passwords in hand and compares them
 * byte for byte with the library. cryptcheck proves the remote matches; only this proves the
 * backup can be read back. Any file that does not come back identical fails the drill, by name.
 */
export async function runDrill(options: DrillOptions): Promise<DrillResult> {
  const { config, log } = options;
  const access = await openBackup(options);
  const sources = backupSources(config);
  const stateFile = options.stateFile ?? drillStateFile(config);
  const lastDrill = existsSync(stateFile) ? Date.parse((JSON.parse(readFileSync(stateFile, "utf8")) as { lastDrill?: string }).lastDrill ?? "") : NaN;

  const changed: Candidate[] = [];
  const rest: Candidate[] = [];
  let newerThanBackup = 0;
  let oldestNotCompared = Infinity;
  for (const folder of config.backup!.folders) {
    for (const stored of await listFiles(access, folder, backupExcludes(folder))) {
      const local = join(sources[folder], stored.Path);
      const state = comparable(local, stored);
      if (!state) continue; // deleted since the backup: kept under deleted/, nothing to compare with
      if (!state.comparable) {
        newerThanBackup++;
        oldestNotCompared = Math.min(oldestNotCompared, state.mtimeMs);
        continue;
      }
      const candidate = { folder, path: stored.Path, local, mtimeMs: state.mtimeMs };
      (state.mtimeMs > lastDrill ? changed : rest).push(candidate);
    }
  }
  // Before the first drill nothing is "changed since": only the sample is drawn.
  const chosen = Number.isNaN(lastDrill) ? [] : [...changed];
  const pool = Number.isNaN(lastDrill) ? [...changed, ...rest] : rest;
  const pick = options.pick ?? ((n: number) => randomInt(n));
  for (let i = 0; i < options.sample && pool.length > 0; i++) chosen.push(pool.splice(pick(pool.length), 1)[0]);
  if (chosen.length === 0) throw new RestoreError("the backup holds no file that matches the library — nothing could be verified (has a backup run yet?)");

  const scratchParent = options.scratch ?? dirname(stateFile);
  mkdirSync(scratchParent, { recursive: true });
  const scratch = mkdtempSync(join(scratchParent, "scratch-"));
  const problems: string[] = [];
  try {
    for (const folder of config.backup!.folders) {
      const files = chosen.filter((c) => c.folder === folder);
      if (files.length === 0) continue;
      const list = join(scratch, `${folder}.files`);
      writeFileSync(list, files.map((f) => f.path).join("\n") + "\n");
      log(`restore drill: ${folder}: downloading ${files.length} file(s) from ${access.remotes.crypt}:${folder}`);
      // One attempt: a damaged file does not heal on retry, and each retry would download it again.
      const copy = await access.run(["copy", "--retries", "1", "--files-from-raw", list, "--no-traverse", `${access.remotes.crypt}:${folder}`, join(scratch, folder)]);
      const before = problems.length;
      for (const file of files) {
        const restored = join(scratch, folder, file.path);
        const error = copy.errors.find((e) => e.startsWith(`${file.path}: `));
        if (error) problems.push(`${folder}/${file.path}: ${error.slice(file.path.length + 2).replace(/^Failed to copy: /, "")}`);
        else if (!existsSync(restored)) problems.push(`${folder}/${file.path}: did not come back from the remote`);
        else if (!readFileSync(restored).equals(readFileSync(file.local))) problems.push(`${folder}/${file.path}: decrypts to other bytes than the library's copy`);
      }
      if (copy.code !== 0 && problems.length === before) problems.push(`${folder}: rclone copy failed (exit ${copy.code})${copy.errors.length ? `: ${copy.errors.at(-1)}` : ""}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (problems.length) {
    // rclone's "bad password?" is also what a damaged block says: the drill names the file either way.
    throw new RestoreError(
      `${problems.length} file(s) could not be restored intact (damaged on the remote, or written with other keys): ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? "; …" : ""}`,
    );
  }
  // A file not compared this time (changed after the backup) counts as changed at the next drill.
  const now = options.now ?? new Date();
  const mark = new Date(Math.min(now.getTime(), oldestNotCompared - 1));
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(`${stateFile}.tmp`, JSON.stringify({ lastDrill: mark.toISOString(), verified: chosen.length }, null, 2) + "\n");
  renameSync(`${stateFile}.tmp`, stateFile);
  const changedCount = Number.isNaN(lastDrill) ? 0 : changed.length;
  log(
    `restore drill: ${chosen.length} file(s) restored byte-identical (${changedCount} changed since the last drill)${newerThanBackup ? `; ${newerThanBackup} changed after the last backup, not compared` : ""}`,
  );
  return { verified: chosen.length, changedSinceLastDrill: changedCount, newerThanBackup };
}
