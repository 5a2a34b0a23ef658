import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import type { StackConfig } from "../../../config/resolve";
import { BackupError, checkKeys, rcloneEnv } from "../backup/backup";
import { backupRemotes, type BackupRemotes } from "../backup/rclone-conf";
import { runRclone, type RcloneOutcome } from "../backup/rclone";
import { UserError } from "../../../config/errors";

export class RestoreError extends UserError {}

export interface BackupAccessOptions {
  readonly config: StackConfig;
  /** The rendered rclone.conf (no passwords in it). */
  readonly rcloneConfig: string;
  /** Where the secrets are read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
  /** @default "rclone" on PATH */
  readonly rclone?: string;
}

/** The encrypted backup, opened with the passwords in hand. */
export interface BackupAccess {
  readonly remotes: BackupRemotes;
  run(args: readonly string[]): Promise<RcloneOutcome>;
  /** stdout of an rclone command that must succeed. */
  output(args: readonly string[]): Promise<string>;
}

/**
 * Opens the backup: the secrets obscured into rclone's environment as the backup does, and every
 * stored name checked to decrypt with them — with another password rclone would list nothing and
 * a restore would "succeed" with no files.
 */
export async function openBackup(options: BackupAccessOptions): Promise<BackupAccess> {
  const backup = options.config.backup;
  if (!backup?.enabled) throw new RestoreError("there is no backup in stack.yaml (backup: section) — nothing to restore from");
  if (!existsSync(options.rcloneConfig)) throw new RestoreError(`no rclone config at ${options.rcloneConfig} — synth writes it to <out>/rclone/rclone.conf`);
  const remotes = backupRemotes(readFileSync(options.rcloneConfig, "utf8"), options.rcloneConfig);
  const base = { config: options.config, env: options.env, rclone: options.rclone, rcloneConfig: options.rcloneConfig };
  let env: NodeJS.ProcessEnv;
  try {
    env = await rcloneEnv(base, remotes);
    await checkKeys(base, env, remotes);
  } catch (error) {
    if (error instanceof BackupError) throw new RestoreError(error.message.replace("refusing to write a second copy beside it", "the password in hand cannot read this backup"));
    throw error;
  }
  const withConfig = (args: readonly string[]) => ["--config", options.rcloneConfig, ...args];
  return {
    remotes,
    run: (args) => runRclone(withConfig(args), { env, log: options.log, rclone: options.rclone }),
    output: (args) =>
      new Promise((resolve, reject) => {
        execFile(options.rclone ?? "rclone", withConfig(args), { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
          if (error) reject(new RestoreError(`rclone ${args[0]} failed: ${stderr.trim().split("\n").at(-1) ?? error.message}`));
          else resolve(stdout);
        });
      }),
  };
}

/** One file of the backup as `rclone lsjson` lists it (names and sizes decrypted). */
export interface StoredFile {
  readonly Path: string;
  readonly Size: number;
  readonly ModTime: string;
}

export async function listFiles(access: BackupAccess, remotePath: string, extra: readonly string[] = []): Promise<StoredFile[]> {
  try {
    return JSON.parse(await access.output(["lsjson", "-R", "--files-only", `${access.remotes.crypt}:${remotePath}`, ...extra])) as StoredFile[];
  } catch (error) {
    if (/directory not found/i.test((error as Error).message)) return [];
    throw error;
  }
}
