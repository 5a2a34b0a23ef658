import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { StackConfig } from "../../../config/resolve";
import type { BackupFolder } from "../../../config/schema/jobs";
import type { SecretRef } from "../../../config/secret";
import { obscure } from "./obscure";
import { backupRemotes, type BackupRemotes } from "./rclone-conf";
import { runRclone } from "./rclone";
import { UserError } from "../../../config/errors";

export class BackupError extends UserError {}

export interface BackupOptions {
  readonly config: StackConfig;
  /** The rendered rclone.conf (no passwords in it). */
  readonly rcloneConfig: string;
  /** Where the secrets are read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Names the dated folder deleted files are kept in. @default now */
  readonly now?: Date;
  readonly log: (line: string) => void;
  /** @default "rclone" on PATH */
  readonly rclone?: string;
}

export interface FolderResult {
  readonly folder: BackupFolder;
  readonly source: string;
  readonly remote: string;
  /** Files uploaded (new or changed). */
  readonly transferred: number;
  /** Files deleted or replaced on the server, moved into the dated backup dir. */
  readonly movedToBackupDir: number;
  /** Why this folder was not synced, if it was not. */
  readonly skipped?: string;
}

export interface BackupResult {
  /** The folder below `deleted/` that holds this run's deleted and replaced files. */
  readonly stamp: string;
  readonly folders: readonly FolderResult[];
}

/** The snapshot job's scratch space inside the repository: never worth backing up. */
const EXCLUDES: Partial<Record<BackupFolder, string[]>> = { snapshots: ["--exclude", "/.git/shelfstack/**"] };

/** The server folder each backup folder copies. */
export function backupSources(config: StackConfig): Record<BackupFolder, string> {
  const { paths } = config.server;
  return { ebooks: paths.ebooks, audiobooks: paths.audiobooks, snapshots: paths.snapshots };
}

/** What the sync leaves out of a folder (also left out of a restore drill's comparison). */
export function backupExcludes(folder: BackupFolder): string[] {
  return EXCLUDES[folder] ?? [];
}

/** 2024-05-01_023000 in the server's time zone: sorts by date, readable in a listing. */
export function backupStamp(now: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}_${parts.hour}${parts.minute}${parts.second}`;
}

function secretValue(env: NodeJS.ProcessEnv, ref: SecretRef, what: string, field: string): string {
  const value = env[ref.env];
  if (!value) throw new BackupError(`${ref.env} is not set — it holds ${what} (stack.yaml ${field} names it)`);
  if (/[\r\n]/.test(value)) throw new BackupError(`${ref.env} holds more than one line — rclone takes a one-line password`);
  return value;
}

/**
 * The environment rclone runs with: the plaintext secrets removed (rclone would read e.g.
 * RCLONE_CRYPT_PASSWORD itself, un-obscured) and each replaced by its obscured form under the
 * remote's own variable, RCLONE_CONFIG_<REMOTE>_PASSWORD.
 */
export async function rcloneEnv(options: Pick<BackupOptions, "config" | "env" | "rclone">, remotes: BackupRemotes): Promise<NodeJS.ProcessEnv> {
  const backup = options.config.backup!;
  const env = options.env ?? process.env;
  const secrets: [string, string, SecretRef, string, string][] = [
    [remotes.storage, "PASSWORD", backup.koofr.password, "the Koofr app password", "backup.koofr.password"],
    [remotes.crypt, "PASSWORD", backup.crypt.password, "the backup's encryption password", "backup.crypt.password"],
    [remotes.crypt, "PASSWORD2", backup.crypt.salt, "the backup's encryption salt", "backup.crypt.salt"],
  ];
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [, , ref] of secrets) delete out[ref.env];
  for (const [remote, option, ref, what, field] of secrets) {
    const value = secretValue(env, ref, what, field);
    out[`RCLONE_CONFIG_${remote}_${option}`.toUpperCase()] = await obscure(value, options.rclone).catch((error: Error) => {
      throw new BackupError(error.message);
    });
  }
  return out;
}

function isEmptyDir(path: string): boolean {
  return !existsSync(path) || readdirSync(path).length === 0;
}

/**
 * The nightly backup: for each folder, `rclone sync` to the crypt remote with deleted and replaced
 * files moved to `deleted/<stamp>/<folder>` on the same remote, then `rclone cryptcheck` of every
 * synced folder. A folder that fails does not stop the others; any failure throws at the end.
 */
export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const { config, log } = options;
  const backup = config.backup;
  if (!backup?.enabled) throw new BackupError("there is no backup in stack.yaml (add a backup: section with your Koofr login)");
  if (!existsSync(options.rcloneConfig)) throw new BackupError(`no rclone config at ${options.rcloneConfig} — synth writes it to <out>/rclone/rclone.conf`);
  const remotes = backupRemotes(readFileSync(options.rcloneConfig, "utf8"), options.rcloneConfig);
  const env = await rcloneEnv(options, remotes);
  await checkKeys(options, env, remotes);
  const stamp = backupStamp(options.now ?? new Date(), config.server.timezone);
  const sources = backupSources(config);
  const rclone = (args: string[]) => runRclone(["--config", options.rcloneConfig, ...args], { env, log, rclone: options.rclone });

  const failures: string[] = [];
  const fail = (folder: BackupFolder, why: string) => {
    failures.push(`${folder}: ${why}`);
    log(`backup: ${folder}: ${why}`);
  };
  const results: FolderResult[] = [];
  const synced: FolderResult[] = [];
  for (const folder of backup.folders) {
    const source = sources[folder];
    const remote = `${remotes.crypt}:${folder}`;
    if (isEmptyDir(source)) {
      // An unmounted disk looks like an empty folder: never mirror that over the backup.
      if ((await listTop(options, env, remote)).length > 0) {
        fail(folder, `${source} is empty or missing but its backup holds files — refusing to mirror an empty folder over it (is the disk mounted?)`);
      } else log(`backup: ${folder}: ${source} is empty, nothing to back up yet`);
      results.push({ folder, source, remote, transferred: 0, movedToBackupDir: 0, skipped: "source empty" });
      continue;
    }
    log(`backup: ${folder}: syncing ${source} → ${remote}`);
    const sync = await rclone(["sync", source, remote, "--backup-dir", `${remotes.crypt}:deleted/${stamp}/${folder}`, ...(EXCLUDES[folder] ?? [])]);
    const result: FolderResult = {
      folder,
      source,
      remote,
      transferred: sync.stats.transfers ?? 0,
      movedToBackupDir: sync.moved,
    };
    results.push(result);
    if (sync.code !== 0) {
      fail(folder, `rclone sync failed (exit ${sync.code})${sync.errors.length ? `: ${sync.errors.at(-1)}` : ""}`);
      continue;
    }
    synced.push(result);
    log(`backup: ${folder}: ${result.transferred} uploaded, ${result.movedToBackupDir} moved to deleted/${stamp}/${folder}`);
  }
  // Verify only after every sync: a slow check of one folder never delays the others' upload.
  for (const result of synced) {
    const check = await rclone(["cryptcheck", result.source, result.remote, ...(EXCLUDES[result.folder] ?? [])]);
    if (check.code !== 0) fail(result.folder, `cryptcheck found differences (exit ${check.code})${check.errors.length ? `: ${check.errors.at(-1)}` : ""}`);
    else log(`backup: ${result.folder}: cryptcheck ok`);
  }
  if (failures.length) throw new BackupError(failures.length === 1 ? failures[0] : `${failures.length} folders failed: ${failures.join("; ")}`);
  return { stamp, folders: results };
}

/** The names at the top of a remote folder; a folder that does not exist holds none. */
export function listTop(options: Pick<BackupOptions, "rcloneConfig" | "rclone">, env: NodeJS.ProcessEnv, remote: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(options.rclone ?? "rclone", ["--config", options.rcloneConfig, "lsf", "--max-depth", "1", remote], { env, encoding: "utf8" }, (error, stdout, stderr) => {
      if (!error) resolve(stdout.split("\n").filter(Boolean));
      else if (/directory not found/i.test(stderr)) resolve([]);
      else reject(new BackupError(`could not list ${remote}: ${stderr.trim().split("\n").at(-1) ?? error.message}`));
    });
  });
}

/**
 * rclone 1.60 skips names it cannot decrypt without an error: with another password or salt than
 * the one that wrote the backup, a sync would quietly upload a second copy beside the first.
 * Every name at the top of the backup must decrypt with the keys given.
 */
export async function checkKeys(options: Pick<BackupOptions, "config" | "rcloneConfig" | "rclone">, env: NodeJS.ProcessEnv, remotes: BackupRemotes): Promise<void> {
  const stored = await listTop(options, env, remotes.target);
  const readable = await listTop(options, env, `${remotes.crypt}:`);
  if (readable.length < stored.length) {
    const backup = options.config.backup!;
    throw new BackupError(
      `${stored.length - readable.length} of ${stored.length} names in ${remotes.target} do not decrypt — the backup was written with another password or salt than ${backup.crypt.password.env} / ${backup.crypt.salt.env} hold now; refusing to write a second copy beside it`,
    );
  }
}
