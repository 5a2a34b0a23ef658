import { z } from "zod";
import { cron } from "./common";
import { secret } from "../secret";

export const backupSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** When the encrypted library backup runs (server time zone). */
    schedule: cron.default("30 2 * * *"),
    koofr: z
      .object({
        /** Koofr login (e-mail). */
        user: z.email({ message: "not an e-mail address — write your Koofr login" }),
        /** A Koofr app password (Koofr → Preferences → Password → App passwords), never the account password. */
        password: secret("KOOFR_APP_PASSWORD"),
        endpoint: z.url().default("https://app.koofr.net"),
      })
      .strict(),
    /** Folder on Koofr that holds the encrypted backup. */
    remotePath: z.string().min(1).default("shelfstack-backup"),
    crypt: z
      .object({
        password: secret("RCLONE_CRYPT_PASSWORD"),
        salt: secret("RCLONE_CRYPT_SALT"),
      })
      .strict()
      .default({ password: { env: "RCLONE_CRYPT_PASSWORD" }, salt: { env: "RCLONE_CRYPT_SALT" } }),
  })
  .strict();

export const statisticsSchema = z
  .object({
    /** Nightly integrity-checked git snapshot of KOReader's statistics.sqlite3. */
    snapshotSchedule: cron.default("0 3 * * *"),
  })
  .strict()
  .default({ snapshotSchedule: "0 3 * * *" });
