import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadStack } from "../../config/load";
import { runBackup } from "../../runtimes/jobs/backup/backup";
import { scratch } from "../jobs/helpers/scratch";
import { synth, writeStack } from "../jobs/helpers/stack";

export const SECRETS = {
  KOOFR_APP_PASSWORD: `canary-koofr-${randomBytes(6).toString("hex")}`,
  RCLONE_CRYPT_PASSWORD: `canary-crypt-${randomBytes(6).toString("hex")}`,
  RCLONE_CRYPT_SALT: `canary-salt-${randomBytes(6).toString("hex")}`,
};

/** Before the tests' first backup night (2025-03-01): the library as it was then. */
export const ADDED = new Date("2025-02-27T10:00:00Z");

export function write(file: string, content: string | Buffer, mtime?: Date): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  if (mtime) utimesSync(file, mtime, mtime);
}

/** The rendered rclone.conf with the Koofr remote swapped for a local directory (the only test-only change). */
function swapKoofr(conf: string, dir: string): string {
  const swapped = conf.replace(/\[koofr\]\ntype = koofr\nprovider = koofr\nuser = [^\n]+\n/, `[koofr]\ntype = alias\nremote = ${dir}\n`);
  if (swapped === conf) throw new Error("the rendered rclone.conf no longer has the expected [koofr] section");
  return swapped;
}

/** A stack with a library, backed up by the real backup code to crypt over a local stand-in for Koofr. */
export function backedUpStack(extra = "") {
  const root = scratch("shelfstack-restore-");
  const stack = writeStack(root, `backup:\n  koofr:\n    user: alice@example.com\n${extra}`);
  const out = synth(stack, join(root, "out"));
  const koofr = join(root, "koofr");
  mkdirSync(koofr);
  const conf = join(root, "rclone.conf");
  writeFileSync(conf, swapKoofr(readFileSync(join(out, "rclone/rclone.conf"), "utf8"), koofr));
  const config = loadStack(stack);
  const { ebooks, audiobooks, snapshots } = config.server.paths;
  write(join(ebooks, "George Eliot/Middlemarch (1)/Middlemarch - George Eliot.epub"), randomBytes(300_000), ADDED);
  write(join(ebooks, "George Eliot/Middlemarch (1)/metadata.opf"), "<package><title>Middlemarch</title></package>", ADDED);
  write(join(ebooks, "Jane Austen/Emma (2)/Emma - Jane Austen.epub"), randomBytes(150_000), ADDED);
  write(join(audiobooks, "Homer/The Odyssey/01.mp3"), randomBytes(100_000), ADDED);
  write(join(snapshots, "palma/statistics.json"), '{"books": 2}\n', ADDED);
  const env = { ...process.env, ...SECRETS };
  const log: string[] = [];
  const backup = (now: Date) => runBackup({ config, rcloneConfig: conf, env, now, log: (l) => log.push(l) });
  return { root, stack, out, conf, koofr, config, env, backup, ebooks, audiobooks, snapshots, log };
}
