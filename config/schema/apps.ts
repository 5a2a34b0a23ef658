import { z } from "zod";
import { cron } from "./common";
import { secret } from "../secret";

export const audiobookshelfSchema = z
  .object({
    /** Pinned image version (ghcr.io/advplyr/audiobookshelf:<version>). */
    version: z.string().regex(/^\d+\.\d+\.\d+$/, { message: "pin an exact version, e.g. 2.36.0" }).default("2.36.0"),
    ebookLibraryName: z.string().min(1).default("Ebooks"),
    audiobookLibraryName: z.string().min(1).default("Audiobooks"),
    /** The root user created on first start. */
    rootUser: z.string().min(1).default("root"),
    rootPassword: secret("ABS_ROOT_PASSWORD"),
    /** API key the stack's clients use (abs-opds, shelfbridge, ingest). */
    apiKey: secret("ABS_API_KEY"),
  })
  .strict()
  .default({
    version: "2.36.0",
    ebookLibraryName: "Ebooks",
    audiobookLibraryName: "Audiobooks",
    rootUser: "root",
    rootPassword: { env: "ABS_ROOT_PASSWORD" },
    apiKey: { env: "ABS_API_KEY" },
  });

export const opdsSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** The user name readers type into Readest (HTTP Basic; not an Audiobookshelf user). */
    user: z.string().regex(/^[^:,\s]+$/, { message: "no spaces, : or , (abs-opds splits OPDS_USERS on them)" }).default("reader"),
    password: secret("OPDS_PASSWORD"),
  })
  .strict()
  .default({ enabled: true, user: "reader", password: { env: "OPDS_PASSWORD" } });

export const shelfbridgeSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** When progress is pushed to Hardcover (shelfbridge's own cron, server time zone). */
    schedule: cron.default("0 * * * *"),
    userId: z.string().regex(/^[a-z0-9_-]+$/, { message: "use lower-case letters, digits, _ and -" }).default("reader"),
    hardcoverToken: secret("HARDCOVER_TOKEN"),
    /** Percent of progress below which a book is not synced. */
    minProgressThreshold: z.number().min(0).max(100).default(5),
    autoAddBooks: z.boolean().default(false),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .default({
    enabled: true,
    schedule: "0 * * * *",
    userId: "reader",
    hardcoverToken: { env: "HARDCOVER_TOKEN" },
    minProgressThreshold: 5,
    autoAddBooks: false,
    dryRun: false,
  });
