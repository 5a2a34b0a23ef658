import { readdir, rm } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { describeBook } from "./calibre";
import type { Context } from "./context";
import { fsyncPath, removeFile, sha256File } from "./files";
import { JOURNAL, type BatchJournal } from "./state";

/**
 * Finishes a batch a previous run did not: the batch's books whose file is whole and ours are
 * kept (and their source leaves the ingest folder); books Calibre created but never finished
 * (no file, or a cut-off one) are removed, so the source — still in the ingest folder — is
 * added again cleanly.
 */
export async function recoverBatch(ctx: Context): Promise<void> {
  const journal = await ctx.state.read<BatchJournal>(JOURNAL);
  if (!journal) return;
  const ours = new Map(journal.books.map((b) => [b.sha256, b]));
  const broken: number[] = [];
  for (const book of await ctx.calibre.list(`id:>${journal.maxIdBefore}`)) {
    let whole = false;
    for (const file of book.formats) {
      const hash = await sha256File(file).catch(() => undefined);
      const entry = hash === undefined ? undefined : ours.get(hash);
      if (!entry) continue;
      whole = true;
      const source = join(ctx.ingestDir, entry.name);
      if ((await sha256File(source).catch(() => undefined)) === entry.sha256) {
        await fsyncPath(file);
        await removeFile(source);
        ctx.report.add("ingested", entry.name, `ebook → ${describeBook(book)} in ${relative(ctx.calibre.library, dirname(file))}/ (finished after an interruption)`);
        ctx.changed.add("ebooks");
      }
    }
    if (!whole) broken.push(book.id);
  }
  if (broken.length > 0) {
    ctx.log(`an earlier run was interrupted: removing unfinished Calibre book ids ${broken.join(", ")} (their files are still in the ingest folder)`);
    await ctx.calibre.remove(broken);
  }
  // calibredb killed between copying a book's folder and committing its record leaves a folder
  // with no record: `Author/Title (id)/` with an id the batch took. Its source is still in the
  // ingest folder (a source leaves only once its record is verified), so the folder goes.
  const known = new Set((await ctx.calibre.list(`id:>${journal.maxIdBefore}`)).map((b) => b.id));
  for (const folder of await batchFolders(ctx.calibre.library, journal.maxIdBefore)) {
    if (known.has(folder.id)) continue;
    ctx.log(`an earlier run was interrupted: removing ${relative(ctx.calibre.library, folder.path)}/, which Calibre never recorded`);
    await rm(folder.path, { recursive: true, force: true });
  }
  await ctx.state.remove(JOURNAL);
}

/** Book folders (`Author/Title (id)/`) whose id is above `maxIdBefore`. */
async function batchFolders(library: string, maxIdBefore: number): Promise<{ path: string; id: number }[]> {
  const folders: { path: string; id: number }[] = [];
  for (const author of await readdir(library, { withFileTypes: true })) {
    if (!author.isDirectory() || author.name.startsWith(".")) continue;
    for (const title of await readdir(join(library, author.name), { withFileTypes: true })) {
      const id = Number(/\((\d+)\)$/.exec(title.name)?.[1]);
      if (title.isDirectory() && id > maxIdBefore) folders.push({ path: join(library, author.name, title.name), id });
    }
  }
  return folders;
}
