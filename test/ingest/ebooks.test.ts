import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeWithTool } from "../helpers/tools";
import { ingestPass } from "../../runtimes/ingest/run";
import { renderSummary } from "../../runtimes/ingest/report";
import { NS, parseXml, texts } from "../../runtimes/ingest/xml";
import { epub, pdf } from "./fixtures";
import { calibredb, captureLog, sha256, tree, workspace, type Workspace } from "./helpers";

/** The library's book files (not metadata.opf, covers or metadata.db), path → hash. */
function books(ws: Workspace): Record<string, string> {
  return Object.fromEntries(Object.entries(tree(ws.library)).filter(([p]) => /\.(epub|pdf|mobi|azw3|cbz)$/.test(p)));
}

function opf(ws: Workspace, folder: string): { title?: string; creators: string[] } {
  const root = parseXml(readFileSync(join(ws.library, folder, "metadata.opf"), "utf8"))!;
  return { title: texts(root, NS.dc, "title")[0], creators: texts(root, NS.dc, "creator") };
}

describeWithTool("calibredb", "apt-get install calibre", "ingest: ebooks into a Calibre library (real calibredb)", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.cleanup());

  test("EPUB 2, EPUB 3 and PDF land as Author/Title (id)/ with metadata.opf and cover, byte for byte; a corrupt EPUB and a non-book go to failed", async () => {
    const inputs = {
      "persuasion.epub": epub({ version: 2, title: "Persuasion", author: "Jane Austen", identifier: "urn:uuid:1", cover: true }),
      "middlemarch.epub": epub({ version: 3, title: "Middlemarch", author: "George Eliot", identifier: "urn:uuid:2", cover: true }),
      "field-notes.pdf": pdf("Field Notes", "Ada Lovelace"),
    };
    for (const [name, data] of Object.entries(inputs)) writeFileSync(join(ws.ingest, name), data);
    const whole = epub({ version: 3, title: "Broken", author: "Nobody", identifier: "urn:uuid:3" });
    writeFileSync(join(ws.ingest, "broken.epub"), whole.subarray(0, whole.length - 300));
    writeFileSync(join(ws.ingest, "shopping-list.txt"), "milk\n");

    const { log } = captureLog();
    const report = await ingestPass(ws.options(), { log, env: {} });

    // The library: one folder per book, named by Calibre from the book's own metadata (first
    // author / title (id)); ids follow the ingest folder's sorted names.
    const files = books(ws);
    expect(Object.keys(files).sort()).toEqual([
      "Ada Lovelace/Field Notes (1)/Field Notes - Ada Lovelace.pdf",
      "George Eliot/Middlemarch (2)/Middlemarch - George Eliot.epub",
      "Jane Austen/Persuasion (3)/Persuasion - Jane Austen.epub",
    ]);
    // A book's bytes never change: Readest and KOReader key progress on them.
    expect(files["Jane Austen/Persuasion (3)/Persuasion - Jane Austen.epub"]).toBe(sha256(inputs["persuasion.epub"]));
    expect(files["George Eliot/Middlemarch (2)/Middlemarch - George Eliot.epub"]).toBe(sha256(inputs["middlemarch.epub"]));
    expect(files["Ada Lovelace/Field Notes (1)/Field Notes - Ada Lovelace.pdf"]).toBe(sha256(inputs["field-notes.pdf"]));
    // What Audiobookshelf reads: the folder's metadata.opf (title, creator) and its cover.
    expect(opf(ws, "Jane Austen/Persuasion (3)")).toEqual({ title: "Persuasion", creators: ["Jane Austen"] });
    expect(opf(ws, "George Eliot/Middlemarch (2)")).toEqual({ title: "Middlemarch", creators: ["George Eliot"] });
    expect(existsSync(join(ws.library, "Jane Austen/Persuasion (3)/cover.jpg"))).toBe(true);
    expect(existsSync(join(ws.library, "George Eliot/Middlemarch (2)/cover.jpg"))).toBe(true);

    // Failures keep the bytes and say why; good books of the same batch were not held back.
    expect(readdirSync(ws.failed).sort()).toEqual(["broken.epub", "broken.epub.reason.txt", "shopping-list.txt", "shopping-list.txt.reason.txt"]);
    expect(readFileSync(join(ws.failed, "broken.epub.reason.txt"), "utf8")).toMatch(/Why: not a valid EPUB: the zip archive is damaged or cut off/);
    expect(readFileSync(join(ws.failed, "shopping-list.txt.reason.txt"), "utf8")).toMatch(/Why: not a book shelfstack can file/);
    expect(sha256(readFileSync(join(ws.failed, "broken.epub")))).toBe(sha256(whole.subarray(0, whole.length - 300)));
    expect(readdirSync(ws.ingest).filter((n) => !n.startsWith("."))).toEqual([]);

    expect(
      report
        .of("ingested")
        .map((o) => o.name)
        .sort(),
    ).toEqual(["field-notes.pdf", "middlemarch.epub", "persuasion.epub"]);
    expect(
      report
        .of("failed")
        .map((o) => o.name)
        .sort(),
    ).toEqual(["broken.epub", "shopping-list.txt"]);
    expect(renderSummary(report).split("\n")[0]).toBe("ingested 3, duplicates 0, failed 2, waiting 0 (still being copied in)");
  });

  test("duplicates are reported, never added twice: the same file, the same book in other bytes, and twins in one batch", async () => {
    const book = epub({ version: 3, title: "Emma", author: "Jane Austen", identifier: "urn:uuid:e" });
    writeFileSync(join(ws.ingest, "emma.epub"), book);
    await ingestPass(ws.options(), { log: () => {}, env: {} });
    const before = books(ws);
    expect(Object.keys(before)).toEqual(["Jane Austen/Emma (1)/Emma - Jane Austen.epub"]);

    writeFileSync(join(ws.ingest, "emma-again.epub"), book);
    writeFileSync(join(ws.ingest, "emma-other-edition.epub"), epub({ version: 3, title: "Emma", author: "Jane Austen", identifier: "urn:uuid:e2", body: "Another edition." }));
    const twin = epub({ version: 2, title: "Sanditon", author: "Jane Austen", identifier: "urn:uuid:s" });
    writeFileSync(join(ws.ingest, "sanditon.epub"), twin);
    writeFileSync(join(ws.ingest, "sanditon-copy.epub"), twin);
    const report = await ingestPass(ws.options(), { log: () => {}, env: {} });

    const after = books(ws);
    expect(Object.keys(after).sort()).toEqual(["Jane Austen/Emma (1)/Emma - Jane Austen.epub", "Jane Austen/Sanditon (2)/Sanditon - Jane Austen.epub"]);
    expect(after["Jane Austen/Emma (1)/Emma - Jane Austen.epub"]).toBe(before["Jane Austen/Emma (1)/Emma - Jane Austen.epub"]);
    const duplicates = Object.fromEntries(report.of("duplicate").map((o) => [o.name, o.detail]));
    // Names sort "sanditon-copy.epub" first: it is added, and its twin is the duplicate.
    expect(Object.keys(duplicates).sort()).toEqual(["emma-again.epub", "emma-other-edition.epub", "sanditon.epub"]);
    expect(duplicates["emma-again.epub"]).toMatch(/already in the library as “Emma” by Jane Austen \(Calibre id 1\)/);
    expect(duplicates["sanditon.epub"]).toMatch(/the same file as sanditon-copy.epub, ingested in this batch/);
    // Identical bytes are already safe in the library, so they leave; another edition is kept aside with its reason.
    expect(readdirSync(ws.failed).sort()).toEqual(["emma-other-edition.epub", "emma-other-edition.epub.reason.txt"]);
    expect(readFileSync(join(ws.failed, "emma-other-edition.epub.reason.txt"), "utf8")).toMatch(/already has a book with this title and author/);
    expect(readdirSync(ws.ingest).filter((n) => !n.startsWith("."))).toEqual([]);
  });

  test("a file still being copied in is left until it has been unchanged for stableSeconds", async () => {
    const book = epub({ version: 3, title: "Lady Susan", author: "Jane Austen", identifier: "urn:uuid:l" });
    writeFileSync(join(ws.ingest, "lady-susan.epub"), book.subarray(0, 1000)); // half written
    const opts = ws.options({ stableSeconds: 10 });
    const first = await ingestPass(opts, { log: () => {}, env: {} });
    expect(first.of("waiting").map((o) => o.name)).toEqual(["lady-susan.epub"]);
    expect(books(ws)).toEqual({});
    expect(existsSync(ws.failed) && readdirSync(ws.failed)).toEqual([]);

    writeFileSync(join(ws.ingest, "lady-susan.epub"), book); // the copy finishes
    writeFileSync(join(ws.ingest, ".lady-susan.epub.AbC123"), "rsync temp"); // hidden: never a book
    const later = await ingestPass(opts, { log: () => {}, env: {}, now: () => Date.now() + 11_000 });
    expect(later.of("ingested").map((o) => o.name)).toEqual(["lady-susan.epub"]);
    expect(Object.values(books(ws))).toEqual([sha256(book)]);
  });

  test("fetchMetadata: online metadata goes into metadata.opf, never into the book's bytes; no metadata is no failure", async () => {
    const stub = join(ws.root, "fetch-ebook-metadata");
    writeFileSync(
      stub,
      `#!/bin/sh
echo "$@" >> "${ws.root}/fetch-calls"
case "$*" in *Unfindable*) echo "No results found" >&2; exit 1;; esac
cat <<'OPF'
<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
<dc:title>Wrong Title From The Internet</dc:title><dc:creator>Someone Else</dc:creator>
<dc:description>A novel of manners.</dc:description><dc:publisher>Penguin</dc:publisher>
<dc:subject>Fiction</dc:subject><dc:identifier opf:scheme="ISBN">9780141439686</dc:identifier>
</metadata></package>
OPF
`,
    );
    chmodSync(stub, 0o755);
    const northanger = epub({ version: 3, title: "Northanger Abbey", author: "Jane Austen", identifier: "urn:uuid:n" });
    const unfindable = epub({ version: 3, title: "Unfindable", author: "Anon Author", identifier: "urn:uuid:u" });
    writeFileSync(join(ws.ingest, "northanger.epub"), northanger);
    writeFileSync(join(ws.ingest, "unfindable.epub"), unfindable);
    const { lines, log } = captureLog();
    const report = await ingestPass(ws.options({ fetchMetadata: true }), { log, env: {}, tools: { calibredb: "calibredb", fetchEbookMetadata: stub } });

    expect(report.of("ingested")).toHaveLength(2);
    expect(readFileSync(join(ws.root, "fetch-calls"), "utf8")).toContain("-t Northanger Abbey -o -d 30 -a Jane Austen");
    const text = readFileSync(join(ws.library, "Jane Austen/Northanger Abbey (1)/metadata.opf"), "utf8");
    expect(text).toContain("A novel of manners.");
    expect(text).toContain("Penguin");
    expect(text).toContain("9780141439686");
    // The file's own title and author win over the fetched ones.
    expect(opf(ws, "Jane Austen/Northanger Abbey (1)")).toEqual({ title: "Northanger Abbey", creators: ["Jane Austen"] });
    expect(Object.values(books(ws)).sort()).toEqual([sha256(northanger), sha256(unfindable)].sort());
    expect(lines.some((l) => l.startsWith("no online metadata for “Unfindable”"))).toBe(true);
  });

  test("an interrupted batch is finished: Calibre's unfinished record is removed and the book added again, once", async () => {
    const a = epub({ version: 3, title: "Alpha", author: "Ann Author", identifier: "urn:uuid:a" });
    const b = epub({ version: 3, title: "Beta", author: "Ann Author", identifier: "urn:uuid:b" });
    writeFileSync(join(ws.ingest, "alpha.epub"), a);
    writeFileSync(join(ws.ingest, "beta.epub"), b);
    // What a kill in the middle of `calibredb add` leaves: Alpha added whole, Beta's record
    // created but its file cut off, both sources still in the ingest folder, the journal written.
    calibredb(["add", "--library-path", ws.library, join(ws.ingest, "alpha.epub"), join(ws.ingest, "beta.epub")]);
    const betaFile = join(ws.library, "Ann Author/Beta (2)/Beta - Ann Author.epub");
    writeFileSync(betaFile, b.subarray(0, 500));
    mkdirSync(join(ws.ingest, ".shelfstack"));
    writeFileSync(
      join(ws.ingest, ".shelfstack", "calibre-batch.json"),
      JSON.stringify({
        maxIdBefore: 0,
        books: [
          { name: "alpha.epub", sha256: sha256(a), size: a.length },
          { name: "beta.epub", sha256: sha256(b), size: b.length },
        ],
      }),
      { flag: "w" },
    );

    const report = await ingestPass(ws.options(), { log: () => {}, env: {} });
    const files = books(ws);
    expect(Object.values(files).sort()).toEqual([sha256(a), sha256(b)].sort());
    expect(Object.keys(files).some((p) => p.startsWith("Ann Author/Beta (2)/"))).toBe(false);
    expect(
      report
        .of("ingested")
        .map((o) => o.name)
        .sort(),
    ).toEqual(["alpha.epub", "beta.epub"]);
    expect(existsSync(join(ws.ingest, ".shelfstack", "calibre-batch.json"))).toBe(false);
    expect(readdirSync(ws.ingest).filter((n) => !n.startsWith("."))).toEqual([]);
  });

  test("a book folder Calibre never recorded (killed between copying and committing) is removed, and the book added once", async () => {
    const a = epub({ version: 3, title: "Alpha", author: "Ann Author", identifier: "urn:uuid:a" });
    writeFileSync(join(ws.ingest, "alpha.epub"), a);
    // What such a kill leaves: the journal, the source still in the ingest folder, and a folder
    // with an id the batch took but no record in Calibre's database (an id Calibre will not hand
    // out again next, as in the kill test's seed 56335: "Extra titles … Book 8 (9)").
    const stray = join(ws.library, "Ann Author", "Alpha (5)");
    mkdirSync(stray, { recursive: true });
    writeFileSync(join(stray, "Alpha - Ann Author.epub"), a.subarray(0, 700));
    mkdirSync(join(ws.ingest, ".shelfstack"));
    writeFileSync(join(ws.ingest, ".shelfstack", "calibre-batch.json"), JSON.stringify({ maxIdBefore: 0, books: [{ name: "alpha.epub", sha256: sha256(a), size: a.length }] }));

    const report = await ingestPass(ws.options(), { log: () => {}, env: {} });
    expect(report.of("ingested").map((o) => o.name)).toEqual(["alpha.epub"]);
    expect(Object.values(books(ws))).toEqual([sha256(a)]);
    const check = calibredb(["check_library", "--library-path", ws.library, "--csv"])
      .split("\n")
      .filter((l) => l.trim() && !l.startsWith("Vacuuming"));
    expect(check).toEqual([]);
    expect(existsSync(stray)).toBe(false);
  });

  test("garbled state files (journal, owed scans) are ignored, never fatal, and the books still go in once", async () => {
    mkdirSync(join(ws.ingest, ".shelfstack"));
    writeFileSync(join(ws.ingest, ".shelfstack", "calibre-batch.json"), '{"maxIdBefore": 0, "books": [');
    writeFileSync(join(ws.ingest, ".shelfstack", "pending-scans.json"), "\u0000\u0000garbage");
    const book = epub({ version: 2, title: "Mansfield Park", author: "Jane Austen", identifier: "urn:uuid:m" });
    writeFileSync(join(ws.ingest, "mansfield.epub"), book);
    const report = await ingestPass(ws.options(), { log: () => {}, env: {} });
    expect(report.of("ingested").map((o) => o.name)).toEqual(["mansfield.epub"]);
    expect(Object.values(books(ws))).toEqual([sha256(book)]);
  });

  test("a book Calibre chokes on is failed with Calibre's own error, and does not hold the batch back", async () => {
    // A stand-in calibredb that breaks on one file, like Calibre on a book its metadata reader crashes on.
    const stub = join(ws.root, "calibredb");
    writeFileSync(
      stub,
      `#!/bin/sh
for a in "$@"; do case "$a" in *poison*) echo "Traceback: ValueError: bad OPF in poison" >&2; [ "$1" = add ] && exit 1;; esac; done
exec calibredb "$@"
`,
    );
    chmodSync(stub, 0o755);
    const good = epub({ version: 2, title: "Good", author: "Ann Author", identifier: "urn:uuid:g" });
    writeFileSync(join(ws.ingest, "good.epub"), good);
    writeFileSync(join(ws.ingest, "poison.epub"), epub({ version: 2, title: "Poison", author: "Ann Author", identifier: "urn:uuid:p" }));
    const report = await ingestPass(ws.options(), { log: () => {}, env: {}, tools: { calibredb: stub, fetchEbookMetadata: "false" } });
    expect(report.of("ingested").map((o) => o.name)).toEqual(["good.epub"]);
    expect(Object.values(books(ws))).toEqual([sha256(good)]);
    expect(readFileSync(join(ws.failed, "poison.epub.reason.txt"), "utf8")).toContain("Calibre could not add it: Traceback: ValueError: bad OPF in poison");
  });
});
