import { z } from "zod";
import { cron } from "./common";
import { secret } from "../secret";

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
