import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fsyncPath } from "./files";

/**
 * The runtime's own small state, kept in a hidden folder of the ingest folder (hidden names are
 * never taken for books, and Audiobookshelf ignores them): the journal of the Calibre batch in
 * progress and the library scans still owed to Audiobookshelf. Each file is replaced whole.
 */
export class StateDir {
  readonly dir: string;

  constructor(ingestDir: string) {
    this.dir = join(ingestDir, ".shelfstack");
  }

  async read<T>(name: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, name), "utf8")) as T;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A torn or garbled state file is as good as none: every use of it is re-checked against the disk.
      if (code === "ENOENT" || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  async write(name: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = join(this.dir, name);
    const tmp = `${target}.tmp`;
    const handle = await open(tmp, "w");
    try {
      await handle.writeFile(JSON.stringify(value, null, 2) + "\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
    await fsyncPath(this.dir);
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { force: true });
  }
}

/** Written before `calibredb add` runs, removed when every book of the batch is settled. */
export interface BatchJournal {
  /** Every Calibre book with a higher id was created by this batch (Calibre ids only grow: AUTOINCREMENT). */
  readonly maxIdBefore: number;
  readonly books: readonly { readonly name: string; readonly sha256: string; readonly size: number }[];
}

export const JOURNAL = "calibre-batch.json";
export const PENDING_SCANS = "pending-scans.json";
