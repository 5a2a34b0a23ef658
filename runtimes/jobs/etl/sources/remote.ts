import type { Database } from "../db/database";
import { ABS_CURSOR } from "../load/audiobookshelf";
import type { EtlOptions } from "../run";
import { fetchAudiobookshelf, type AbsExtract } from "./audiobookshelf";
import { fetchHardcover, type HardcoverExtract } from "./hardcover";
import { SourceError, type HttpOptions } from "./http";

export interface RemoteSources {
  readonly abs?: AbsExtract;
  /** Why Audiobookshelf was not read: "not configured", or what went wrong. */
  readonly absProblem?: string;
  readonly hardcover?: HardcoverExtract;
  readonly hardcoverProblem?: string;
}

/**
 * Audiobookshelf (from last run's cursor, or everything with --full) and Hardcover, read before
 * the load's transaction opens so a slow API never holds it. A source that fails is reported,
 * not thrown: the others still load.
 */
export async function readRemoteSources(db: Database, options: EtlOptions, http: HttpOptions): Promise<RemoteSources> {
  const out: { -readonly [K in keyof RemoteSources]: RemoteSources[K] } = {
    absProblem: options.audiobookshelf ? undefined : "not configured",
    hardcoverProblem: options.hardcover ? undefined : "not configured",
  };
  if (options.audiobookshelf) {
    const [cursor] = options.full ? [] : await db.query<{ value: string }>("SELECT value FROM shelfstack.etl_state WHERE key = $1", [ABS_CURSOR]);
    try {
      out.abs = await fetchAudiobookshelf({ ...options.audiobookshelf, cursor: cursor ? Number(cursor.value) : undefined }, http);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      out.absProblem = error.message;
    }
  }
  if (options.hardcover) {
    try {
      out.hardcover = await fetchHardcover(options.hardcover, http);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      out.hardcoverProblem = error.message;
    }
  }
  return out;
}
