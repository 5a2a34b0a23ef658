import { z } from "zod";
import { absolutePath, cron, httpUrl } from "./common";
import { secret } from "../secret";

const DEFAULTS = {
  enabled: true,
  schedule: "30 3 * * *",
  database: { env: "DATABASE_URL" },
  sessionGapSeconds: 300,
  audiobookshelf: true,
  audiobookshelfUrl: "http://127.0.0.1:80",
  hardcover: true,
  hardcoverUrl: "https://api.hardcover.app/v1/graphql",
} as const;

export const etlSchema = z
  .object({
    enabled: z.boolean().default(DEFAULTS.enabled).describe("run `shelfstack etl` nightly in the jobs container"),
    schedule: cron.default(DEFAULTS.schedule).describe("when the ETL runs (server time zone), after the statistics snapshot"),
    database: secret("DATABASE_URL").describe(
      "Postgres connection string (Supabase: its connection string); when the variable is unset, the embedded database (embeddedDir) is used",
    ),
    embeddedDir: absolutePath
      .optional()
      .describe("directory of the embedded PGlite database when no Postgres is set; default <server.paths.appdata>/jobs/etl (./shelfstack-etl with the bundled example)"),
    sessionGapSeconds: z
      .number()
      .int()
      .positive()
      .default(DEFAULTS.sessionGapSeconds)
      .describe("a reading session ends after this many seconds without a page turn (KOReader page rows)"),
    audiobookshelf: z
      .boolean()
      .default(DEFAULTS.audiobookshelf)
      .describe("load Audiobookshelf listening sessions (API key from ABS_API_KEY or the file named by ABS_API_KEY_FILE)"),
    audiobookshelfUrl: httpUrl("http://127.0.0.1:80").default(DEFAULTS.audiobookshelfUrl).describe("where the ETL reaches Audiobookshelf (the jobs container shares its network)"),
    hardcover: z.boolean().default(DEFAULTS.hardcover).describe("load the Hardcover shelf and reads (token: shelfbridge.hardcoverToken)"),
    hardcoverUrl: httpUrl("https://api.hardcover.app/v1/graphql").default(DEFAULTS.hardcoverUrl).describe("Hardcover's GraphQL endpoint"),
  })
  .strict()
  .default(DEFAULTS);
