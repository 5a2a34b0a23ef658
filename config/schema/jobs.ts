import { z } from "zod";
import { cron, httpUrl } from "./common";
import { secret } from "../secret";

/** What the backup can hold; each becomes one folder of the encrypted remote. */
export const backupFolders = ["ebooks", "audiobooks", "snapshots"] as const;
export type BackupFolder = (typeof backupFolders)[number];

export const backupSchema = z
  .object({
    enabled: z.boolean().default(true).describe("run `shelfstack backup` nightly in the jobs container"),
    schedule: cron.default("30 2 * * *").describe("when the encrypted backup runs (server time zone); after the statistics snapshot, so it carries that night's snapshot"),
    koofr: z
      .object({
        user: z.email({ message: "not an e-mail address — write your Koofr login" }).describe("your Koofr login (e-mail)"),
        password: secret("KOOFR_APP_PASSWORD").describe("a Koofr app password (Koofr → Preferences → Password → App passwords), never the account password"),
        endpoint: httpUrl("https://app.koofr.net")
          .default("https://app.koofr.net")
          .describe("Koofr's address; another one is used as a Koofr-compatible server (rclone provider other)"),
      })
      .strict(),
    remotePath: z
      .string()
      .regex(/^[^/:][^:]*$/, { message: "a folder on Koofr, e.g. shelfstack-backup (no leading / and no :)" })
      // A leading / or a : has its own message above.
      .refine((path) => /^[/:]|:/.test(path) || path.split("/").every((s) => s !== "" && s !== "." && s !== ".."), {
        message: 'a plain folder on Koofr: no "..", "." or empty parts and no trailing / — e.g. shelfstack-backup',
      })
      .refine((path) => !/[\u0000-\u001f\u007f$`"'\\]/u.test(path), {
        message: "no line breaks, quotes, $, ` or \\ — they reach rclone.conf and the shell; use letters, digits, - and _",
      })
      .default("shelfstack-backup")
      .describe("the folder on Koofr that holds the encrypted backup"),
    // Optional with the default filled in by a transform: the reference then shows the description, not "none".
    folders: z
      .array(z.enum(backupFolders, { message: `use any of ${backupFolders.join(", ")}` }))
      .min(1, { message: "list at least one folder, or set enabled: false" })
      .refine((list) => new Set(list).size === list.length, { message: "a folder is listed twice — list each once" })
      .optional()
      .transform((list): BackupFolder[] => list ?? [...backupFolders])
      .describe("what is backed up: the Calibre library, the audiobooks, the git repository of statistics snapshots; default all three"),
    crypt: z
      .object({
        password: secret("RCLONE_CRYPT_PASSWORD").describe("the encryption password: without it the backup cannot be read — keep it in a password manager"),
        salt: secret("RCLONE_CRYPT_SALT").describe("the encryption salt (rclone's password2), kept like the password"),
      })
      .strict()
      .prefault({}),
    drill: z
      .object({
        enabled: z.boolean().default(true).describe("run `shelfstack restore-drill` from the crontab: prove the backup decrypts to the library's bytes"),
        schedule: cron.default("0 4 * * 0").describe("when the restore drill runs (server time zone); weekly by default, after the night's backup"),
        sample: z
          .int()
          .min(1, { message: "at least 1 file" })
          .max(10_000, { message: "at most 10000 files" })
          .default(20)
          .describe("files downloaded at random each drill, besides every file changed since the last drill"),
      })
      .strict()
      .prefault({})
      .describe("the restore drill: downloads files from the encrypted remote, decrypts them and compares them byte for byte with the library"),
  })
  .strict();

export const statisticsSchema = z
  .object({
    enabled: z.boolean().default(true).describe("snapshot each reader's KOReader statistics.sqlite3 nightly into a git repository (server.paths.snapshots)"),
    snapshotSchedule: cron.default("0 2 * * *").describe("when the snapshot runs (server time zone), before the backup and the ETL, which read it"),
  })
  .strict()
  .prefault({});
