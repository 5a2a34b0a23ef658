import { z } from "zod";
import { cron } from "./common";
import { secret } from "../secret";

export const audiobookshelfSchema = z
  .object({
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { message: "pin an exact version, e.g. 2.36.0" })
      .default("2.36.0")
      .describe("the pinned image version (ghcr.io/advplyr/audiobookshelf:<version>)"),
    ebookLibraryName: z.string().min(1).default("Ebooks").describe("the library `shelfstack bootstrap` creates over the Calibre library"),
    audiobookLibraryName: z.string().min(1).default("Audiobooks").describe("the library `shelfstack bootstrap` creates over the audiobook folder"),
    rootUser: z.string().min(1).default("root").describe("the root user `shelfstack bootstrap` creates on a fresh server; the apps sign in with it"),
    rootPassword: secret("ABS_ROOT_PASSWORD").describe("the root user's password"),
    bootstrapTimeoutSeconds: z
      .number()
      .int()
      .positive()
      .max(600, { message: "at most 600 seconds — the jobs runtime stops a bootstrap run after 15 minutes" })
      .default(300)
      .describe("how long `shelfstack bootstrap` waits for Audiobookshelf to answer"),
  })
  .strict()
  .refine((abs) => abs.ebookLibraryName !== abs.audiobookLibraryName, {
    path: ["audiobookLibraryName"],
    message: "the same name as ebookLibraryName — give each library its own name (the bootstrap finds libraries by name)",
  })
  .prefault({});

export const opdsSchema = z
  .object({
    enabled: z.boolean().default(true).describe("run abs-opds, the OPDS catalogue at <serverUrl>/opds"),
    user: z
      .string()
      .regex(/^[^:,\s]+$/, { message: "no spaces, : or , (abs-opds splits OPDS_USERS on them)" })
      .default("reader")
      .describe("the user name readers type into Readest (HTTP Basic; not an Audiobookshelf user)"),
    password: secret("OPDS_PASSWORD").describe("the OPDS password (must not contain : or ,)"),
  })
  .strict()
  .prefault({});

export const shelfbridgeSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** When progress is pushed to Hardcover (shelfbridge's own cron, server time zone). */
    schedule: cron.default("0 * * * *"),
    userId: z
      .string()
      .regex(/^[a-z0-9_-]+$/, { message: "use lower-case letters, digits, _ and -" })
      .default("reader"),
    hardcoverToken: secret("HARDCOVER_TOKEN"),
    /** Percent of progress below which a book is not synced. */
    minProgressThreshold: z.number().min(0).max(100).default(5),
    autoAddBooks: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .prefault({});
