import { readFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { describeBook, lastLines, type LibraryBook } from "./calibre";
import { fail, type Context } from "./context";
import { fsyncPath, removeFile, sha256, sha256File } from "./files";
import { LibraryIndex } from "./library-index";
import { enrichFromNetwork } from "./metadata";
import type { Unit } from "./scan";
import { JOURNAL, type BatchJournal } from "./state";
import { checkEbook } from "./validate";

interface Candidate {
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/**
 * Files ebooks into the Calibre library, one `calibredb add` per batch. A file leaves the ingest
 * folder only once a library file with the same SHA-256 exists: that both verifies the copy and
 * proves the bytes unchanged (readers key progress on them). Before Calibre runs, the batch is
 * written to a journal; a run cut short is finished by `recoverBatch` (recover.ts) on the next pass.
 */
export async function ingestEbooks(ctx: Context, units: readonly Unit[]): Promise<void> {
  if (units.length === 0) return;
  const good: Candidate[] = [];
  const progress = every(2000);
  for (const [i, unit] of units.entries()) {
    const data = await readFile(unit.path).catch((error: NodeJS.ErrnoException) => {
      // Gone since the folder was listed, or unreadable to us (left alone: it is not the book's fault).
      if (error.code !== "ENOENT") ctx.log(`cannot read ${unit.name}: ${error.message}; left in the ingest folder`);
      return undefined;
    });
    if (!data) continue;
    const check = checkEbook(unit.name, data);
    if (!check.ok) await fail(ctx, unit.path, unit.name, check.reason);
    else good.push({ path: unit.path, name: unit.name, size: data.length, sha256: sha256(data) });
    if (progress()) ctx.log(`checked ${i + 1}/${units.length} ebooks`);
  }
  if (good.length === 0) return;
  let books = await ctx.calibre.list();
  const index = await LibraryIndex.of(books);
  for (let start = 0; start < good.length; start += ctx.batchSize) {
    const chunk = good.slice(start, start + ctx.batchSize);
    books = await addBatch(ctx, chunk, books, index);
    if (good.length > ctx.batchSize) ctx.log(`ebooks: ${Math.min(start + ctx.batchSize, good.length)}/${good.length} done`);
  }
}

async function addBatch(ctx: Context, chunk: readonly Candidate[], books: LibraryBook[], index: LibraryIndex): Promise<LibraryBook[]> {
  const toAdd: Candidate[] = [];
  const twins: [Candidate, Candidate][] = [];
  const bySha = new Map<string, Candidate>();
  for (const c of chunk) {
    const found = await index.find(c.size, c.sha256);
    if (found) {
      await removeFile(c.path);
      ctx.report.add("duplicate", c.name, `already in the library as ${describeBook(found.book)} (identical file); removed from the ingest folder`);
      continue;
    }
    const twin = bySha.get(c.sha256);
    if (twin) twins.push([c, twin]);
    else {
      bySha.set(c.sha256, c);
      toAdd.push(c);
    }
  }

  const added = new Map<Candidate, LibraryBook>();
  if (toAdd.length > 0) {
    const maxIdBefore = books.reduce((max, b) => Math.max(max, b.id), 0);
    const journal: BatchJournal = { maxIdBefore, books: toAdd.map((c) => ({ name: c.name, sha256: c.sha256, size: c.size })) };
    await ctx.state.write(JOURNAL, journal);
    ctx.log(`adding ${toAdd.length} ebook${toAdd.length === 1 ? "" : "s"} to Calibre in one batch`);
    const result = await ctx.calibre.add(toAdd.map((c) => c.path));
    const stray = new Set(await settle(ctx, toAdd, maxIdBefore, added, index));
    let duplicates = listedDuplicates(result.stdout);
    const failures = new Map<Candidate, string>();
    const left = () => toAdd.filter((c) => !added.has(c) && !duplicates.has(c.path));
    if (result.code !== 0 && left().length > 0) {
      // One book Calibre chokes on stops the whole calibredb run: add the rest singly, so it
      // cannot hold the others back and its own error names it.
      ctx.log(`calibredb add stopped early (${lastLines(result.stderr, 1)}); adding the remaining ${left().length} one by one`);
      for (const c of left()) {
        const single = await ctx.calibre.add([c.path]);
        for (const id of await settle(ctx, [c], maxIdBefore, added, index)) stray.add(id);
        duplicates = new Set([...duplicates, ...listedDuplicates(single.stdout)]);
        if (!added.has(c) && single.code !== 0) failures.set(c, `Calibre could not add it: ${lastLines(single.stderr)}`);
      }
    }
    if (stray.size > 0) {
      ctx.log(`removing Calibre book ids ${[...stray].join(", ")}: their file differs from every file this batch added`);
      await ctx.calibre.remove([...stray]);
    }
    for (const c of toAdd.filter((x) => !added.has(x))) {
      if (duplicates.has(c.path)) {
        await fail(
          ctx,
          c.path,
          c.name,
          "Calibre already has a book with this title and author, so it was not added twice. If it is another edition, change its title metadata (e.g. with ebook-meta -t) and drop it in again.",
          "duplicate",
        );
      } else {
        const reason =
          failures.get(c) ??
          (stray.size > 0
            ? "Calibre changed the file's bytes while adding it, and a book's bytes must never change (readers key their progress on them)"
            : `Calibre did not add it: ${lastLines(result.stderr)}`);
        await fail(ctx, c.path, c.name, reason);
      }
    }
    await ctx.state.remove(JOURNAL);
    if (ctx.fetchMetadata && added.size > 0) await enrichAll(ctx, [...added.values()]);
  }

  for (const [c, twin] of twins) {
    if (added.has(twin)) {
      await removeFile(c.path);
      ctx.report.add("duplicate", c.name, `the same file as ${twin.name}, ingested in this batch; removed from the ingest folder`);
    } else {
      await fail(ctx, c.path, c.name, `the same file as ${twin.name}, which was not ingested either (see its reason)`, "duplicate");
    }
  }
  return [...books, ...added.values()].filter((b, i, all) => all.findIndex((x) => x.id === b.id) === i);
}

/**
 * Matches the batch's new library books to the candidates by SHA-256; each match is flushed to disk
 * and only then removed from the ingest folder. Returns the ids of new books that match nothing.
 */
async function settle(ctx: Context, cands: readonly Candidate[], maxIdBefore: number, added: Map<Candidate, LibraryBook>, index: LibraryIndex): Promise<number[]> {
  const want = new Map(cands.filter((c) => !added.has(c)).map((c) => [c.sha256, c]));
  const known = new Set([...added.values()].map((b) => b.id));
  const unmatched: number[] = [];
  const matches: { c: Candidate; book: LibraryBook; file: string; hash: string }[] = [];
  for (const book of await ctx.calibre.list(`id:>${maxIdBefore}`)) {
    if (known.has(book.id)) continue;
    let matched = false;
    for (const file of book.formats) {
      const hash = await sha256File(file).catch(() => undefined);
      const c = hash === undefined ? undefined : want.get(hash);
      if (!c || !hash) continue;
      want.delete(hash);
      matches.push({ c, book, file, hash });
      matched = true;
    }
    if (!matched) unmatched.push(book.id);
  }
  // The library copies reach the disk before any source is removed; then one flush per folder.
  for (const m of matches) await fsyncPath(m.file);
  for (const m of matches) {
    await removeFile(m.c.path, false);
    added.set(m.c, m.book);
    await index.addFile(m.book, m.file, m.hash);
    ctx.report.add("ingested", m.c.name, `ebook → ${describeBook(m.book)} in ${relative(ctx.calibre.library, dirname(m.file))}/`);
    ctx.changed.add("ebooks");
  }
  for (const dir of new Set(matches.map((m) => dirname(m.c.path)))) await fsyncPath(dir);
  // A new book that is none of ours while one of ours is missing: Calibre changed the bytes.
  const stray = want.size > 0 ? unmatched : [];
  return stray;
}

async function enrichAll(ctx: Context, books: readonly LibraryBook[]): Promise<void> {
  let changed = false;
  for (const book of books) changed = (await enrichFromNetwork(ctx, book)) || changed;
  if (changed) await ctx.calibre.backupMetadata();
}

/** Paths calibredb add names (on stdout, under its "already exist" notice) as not added. */
function listedDuplicates(stdout: string): Set<string> {
  return new Set(
    stdout
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("/")),
  );
}

/** True at most once per interval: progress lines for long batches without flooding short ones. */
function every(ms: number): () => boolean {
  let last = Date.now();
  return () => {
    if (Date.now() - last < ms) return false;
    last = Date.now();
    return true;
  };
}
