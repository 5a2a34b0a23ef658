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

export const etlSchema = z
  .object({
    enabled: z.boolean().default(true),
    schedule: cron.default("30 3 * * *"),
    /** Postgres connection string (Supabase works). Unset environment variable → embedded PGlite. */
    database: secret("DATABASE_URL"),
    /** A new reading session starts after this many seconds without a page turn. */
    sessionGapSeconds: z.number().int().positive().default(300),
    /** Pull reads from Hardcover too (needs shelfbridge.hardcoverToken). */
    hardcover: z.boolean().default(true),
  })
  .strict()
  .default({ enabled: true, schedule: "30 3 * * *", database: { env: "DATABASE_URL" }, sessionGapSeconds: 300, hardcover: true });

export const ingestSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Seconds between looks at the ingest folder. */
    pollSeconds: z.number().int().positive().default(30),
    /** A file must be unchanged this long before it is ingested (still being copied in otherwise). */
    stableSeconds: z.number().int().nonnegative().default(10),
    /** Ask Calibre to fetch metadata online for each new ebook (needs network; never required). */
    fetchMetadata: z.boolean().default(false),
  })
  .strict()
  .default({ enabled: true, pollSeconds: 30, stableSeconds: 10, fetchMetadata: false });
