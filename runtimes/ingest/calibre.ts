import { run, type RunResult } from "./process";
import { UserError } from "../../config/errors";

/** Programs of the Calibre CLI; tests may point them elsewhere. */
export interface CalibreTools {
  readonly calibredb: string;
  readonly fetchEbookMetadata: string;
}

export const CALIBRE: CalibreTools = { calibredb: "calibredb", fetchEbookMetadata: "fetch-ebook-metadata" };

/** A book in the library as `calibredb list` reports it. */
export interface LibraryBook {
  readonly id: number;
  readonly title: string;
  readonly authors: string;
  /** Absolute paths of the book's files. */
  readonly formats: readonly string[];
}

/** “Title” by Author (Calibre id N), for messages. */
export function describeBook(book: LibraryBook): string {
  return `“${book.title}” by ${book.authors} (Calibre id ${book.id})`;
}

/** Calibre could not run at all (missing, locked, library unreadable): nothing is to blame on a book. */
export class CalibreUnavailable extends UserError {}

/** calibredb takes one machine-wide lock per user ("Another calibre program … is running"). */
const LOCKED = /Another calibre program/;
/** Errors of the library or the machine, never of one book: no book is failed for them. */
const BROKEN = /No space left on device|Read-only file system|Permission denied|No saved library path|unable to open database|disk I\/O error|database disk image is malformed/;

export class Calibre {
  constructor(
    readonly library: string,
    readonly tools: CalibreTools = CALIBRE,
    /** How long to wait for another calibredb to finish before giving up. */
    private readonly lockWaitMs = 120_000,
  ) {}

  /** Runs calibredb against the library, waiting out another calibre program's lock. */
  async db(args: readonly string[]): Promise<RunResult> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let delay = 200; ; delay = Math.min(delay * 2, 3000)) {
      let result: RunResult;
      try {
        // The library option goes right after the subcommand: after `--` it would be taken for a file.
        result = await run(this.tools.calibredb, [args[0], "--library-path", this.library, ...args.slice(1)]);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CalibreUnavailable(
          code === "ENOENT"
            ? `${this.tools.calibredb} not found — install calibre (Debian: apt-get install calibre)`
            : `cannot run ${this.tools.calibredb}: ${(error as Error).message}`,
        );
      }
      if (result.code !== 0 && BROKEN.test(result.stderr)) throw new CalibreUnavailable(`calibredb ${args[0]} cannot work on ${this.library}: ${lastLines(result.stderr, 1)}`);
      if (result.code === 0 || !LOCKED.test(result.stderr)) return result;
      if (Date.now() + delay > deadline)
        throw new CalibreUnavailable(`the Calibre library is locked by another calibre program (calibre-server or the calibre app); stop it or let it finish`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** The books in the library (those matching a Calibre search, e.g. `id:>12`), by id. */
  async list(search?: string): Promise<LibraryBook[]> {
    const args = ["list", "--fields", "title,authors,formats", "--for-machine", "--sort-by", "id", "--ascending"];
    const result = await this.db(search ? [...args, "--search", search] : args);
    if (result.code !== 0) throw new CalibreUnavailable(`calibredb list failed: ${lastLines(result.stderr)}`);
    const rows = JSON.parse(result.stdout || "[]") as { id: number; title?: string; authors?: string; formats?: string[] }[];
    return rows.map((r) => ({ id: r.id, title: r.title ?? "", authors: r.authors ?? "", formats: r.formats ?? [] }));
  }

  /** One `calibredb add` for the whole batch: Calibre starts once, which is most of its cost. */
  add(files: readonly string[]): Promise<RunResult> {
    return this.db(["add", "--", ...files]);
  }

  async remove(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    const result = await this.db(["remove", "--permanent", ids.join(",")]);
    if (result.code !== 0) throw new CalibreUnavailable(`calibredb remove failed: ${lastLines(result.stderr)}`);
  }

  /** Sets fields from `--field name:value` pairs; the book's files are not touched (no embed_metadata). */
  async setFields(id: number, fields: Readonly<Record<string, string>>): Promise<RunResult> {
    const args = Object.entries(fields).flatMap(([k, v]) => ["--field", `${k}:${v}`]);
    return this.db(["set_metadata", ...args, String(id)]);
  }

  /** Rewrites metadata.opf of changed books (set_metadata only marks them dirty). */
  backupMetadata(): Promise<RunResult> {
    return this.db(["backup_metadata"]);
  }
}

/** The last few meaningful lines of a tool's output: enough for a reason file, without a whole traceback. */
export function lastLines(text: string, count = 3): string {
  const lines = text
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim().length > 0);
  return lines.slice(-count).join(" / ") || "(no output)";
}
