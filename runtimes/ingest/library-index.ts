import { stat } from "node:fs/promises";
import type { LibraryBook } from "./calibre";
import { sha256File } from "./files";

export interface LibraryFile {
  readonly book: LibraryBook;
  readonly path: string;
}

/**
 * Finds a file already in the Calibre library by its bytes. Only library files of the same size
 * are hashed (and each at most once), so asking about a batch costs a stat per library file.
 */
export class LibraryIndex {
  private readonly bySize = new Map<number, LibraryFile[]>();
  private readonly hashes = new Map<string, string>();

  static async of(books: readonly LibraryBook[]): Promise<LibraryIndex> {
    const index = new LibraryIndex();
    for (const book of books) for (const path of book.formats) await index.addFile(book, path);
    return index;
  }

  async addFile(book: LibraryBook, path: string, sha256?: string): Promise<void> {
    const size = await stat(path).then(
      (s) => s.size,
      () => -1,
    );
    if (size < 0) return;
    const list = this.bySize.get(size) ?? [];
    list.push({ book, path });
    this.bySize.set(size, list);
    if (sha256) this.hashes.set(path, sha256);
  }

  async find(size: number, sha256: string): Promise<LibraryFile | undefined> {
    for (const file of this.bySize.get(size) ?? []) {
      let hash = this.hashes.get(file.path);
      if (!hash) {
        hash = await sha256File(file.path).catch(() => "");
        this.hashes.set(file.path, hash);
      }
      if (hash === sha256) return file;
    }
    return undefined;
  }
}
