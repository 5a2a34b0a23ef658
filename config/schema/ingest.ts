import { z } from "zod";

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
  .prefault({});
