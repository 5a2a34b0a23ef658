import { ABS_LIBRARY_PATHS } from "../../config/abs-keys";
import { UserError } from "../../config/errors";

export interface IngestOptions {
  readonly ingestDir: string;
  /** The Calibre library (ebooks). */
  readonly libraryDir: string;
  readonly audiobooksDir: string;
  readonly failedDir: string;
  /** One pass, then exit; otherwise watch the ingest folder. */
  readonly once: boolean;
  readonly pollSeconds: number;
  readonly stableSeconds: number;
  readonly fetchMetadata: boolean;
  /** Audiobookshelf to ask for scans. @default - no scan requests */
  readonly absUrl?: string;
  /** Each library's folder as Audiobookshelf sees it. */
  readonly absFolders: { readonly ebooks: string; readonly audiobooks: string };
  /** Books per `calibredb add`. */
  readonly batchSize: number;
  /** A file touched on every pass and progress step (the container's health check reads its age). */
  readonly heartbeat?: string;
}

/** The flags of `shelfstack ingest` and of the runtime's entry point (node:util parseArgs form). */
export const INGEST_FLAGS = {
  once: { type: "boolean" },
  from: { type: "string" },
  library: { type: "string" },
  audiobooks: { type: "string" },
  failed: { type: "string" },
  poll: { type: "string" },
  stable: { type: "string" },
  "fetch-metadata": { type: "boolean" },
  "abs-url": { type: "string" },
  "abs-ebooks-folder": { type: "string" },
  "abs-audiobooks-folder": { type: "string" },
  "batch-size": { type: "string" },
  heartbeat: { type: "string" },
} as const;

export const INGEST_HELP = `usage: shelfstack ingest [--once] --from <ingest dir> --library <ebook library>
                        --audiobooks <audiobook library> [--failed <dir>] [options]

Files what is dropped into the ingest folder: ebooks (epub, pdf, mobi, azw3, cbz) into the Calibre
library (Author/Title (id)/ with metadata.opf and cover), audiobooks (m4b, m4a, mp3… a file or a
folder of parts) as Author/[Series/]Title/ from their tags. What cannot be ingested moves to the
failed folder with a .reason.txt. Without --once it keeps watching the ingest folder.

  --once                     one pass, print the summary, exit
  --from <dir>               the ingest folder
  --library <dir>            the Calibre library (created if missing)
  --audiobooks <dir>         the audiobook library
  --failed <dir>             where failures go (default: <ingest dir>-failed)
  --poll <seconds>           seconds between looks when watching (default 30)
  --stable <seconds>         a file must be unchanged this long first (default 10)
  --fetch-metadata           also fetch metadata online (fetch-ebook-metadata)
  --abs-url <url>            ask this Audiobookshelf to scan afterwards (key: ABS_API_KEY_FILE or
                             ABS_API_KEY in the environment; default: $ABS_URL, else no scan)
  --abs-ebooks-folder <p>    the ebook library's folder inside Audiobookshelf (default ${ABS_LIBRARY_PATHS.ebooks})
  --abs-audiobooks-folder <p>  the audiobook library's folder there (default ${ABS_LIBRARY_PATHS.audiobooks})
  --batch-size <n>           books per calibredb add (default 100)

Exit 0 when it ran (failed books are listed, not an error), 1 when it could not run.`;

/** A flag that is missing or wrong. */
export class OptionsError extends UserError {}

/**
 * Audiobookshelf's address: http(s), and no user:password@ (the key comes from its file; fetch
 * refuses such a URL with an error that repeats it, password and all). The refusal shows the host only.
 */
function absUrl(source: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OptionsError(`${source} is not a URL — write e.g. http://127.0.0.1:80`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OptionsError(`${source} must be an http:// or https:// URL, e.g. http://127.0.0.1:80`);
  if (url.username || url.password)
    throw new OptionsError(`${source} (${url.protocol}//…@${url.host}) holds credentials — remove the user:password@ part; the API key comes from ABS_API_KEY_FILE`);
  return value;
}

export type IngestFlagValues = { [K in keyof typeof INGEST_FLAGS]?: (typeof INGEST_FLAGS)[K]["type"] extends "boolean" ? boolean : string };

/** Options from parsed flags over defaults (from stack.yaml for the CLI, from nothing for the container). */
export function optionsFrom(values: IngestFlagValues, defaults: Partial<IngestOptions> = {}, env: NodeJS.ProcessEnv = process.env): IngestOptions {
  const need = (flag: string, value: string | undefined) => {
    if (!value) throw new OptionsError(`--${flag} is required`);
    return value;
  };
  const number = (flag: string, value: string | undefined, fallback: number, min: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new OptionsError(`--${flag} must be a whole number ≥ ${min}, got "${value}"`);
    return n;
  };
  const ingestDir = need("from", values.from ?? defaults.ingestDir);
  return {
    ingestDir,
    libraryDir: need("library", values.library ?? defaults.libraryDir),
    audiobooksDir: need("audiobooks", values.audiobooks ?? defaults.audiobooksDir),
    failedDir: values.failed ?? defaults.failedDir ?? `${ingestDir.replace(/\/+$/, "")}-failed`,
    once: values.once ?? defaults.once ?? false,
    pollSeconds: number("poll", values.poll, defaults.pollSeconds ?? 30, 1),
    stableSeconds: number("stable", values.stable, defaults.stableSeconds ?? 10, 0),
    fetchMetadata: values["fetch-metadata"] ?? defaults.fetchMetadata ?? false,
    absUrl: absUrl(values["abs-url"] !== undefined ? "--abs-url" : "ABS_URL", values["abs-url"] ?? defaults.absUrl ?? (env.ABS_URL || undefined)),
    absFolders: {
      ebooks: values["abs-ebooks-folder"] ?? defaults.absFolders?.ebooks ?? ABS_LIBRARY_PATHS.ebooks,
      audiobooks: values["abs-audiobooks-folder"] ?? defaults.absFolders?.audiobooks ?? ABS_LIBRARY_PATHS.audiobooks,
    },
    batchSize: number("batch-size", values["batch-size"], defaults.batchSize ?? 100, 1),
    heartbeat: values.heartbeat ?? defaults.heartbeat,
  };
}
