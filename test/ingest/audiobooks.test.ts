import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseFile } from "music-metadata";
import { ingestPass } from "../../runtimes/ingest/run";
import { audiobookTags } from "../../runtimes/ingest/tags";
import { folderName, placementFor } from "../../runtimes/ingest/placement";
import { mp3 } from "./fixtures";
import { sha256, tree, workspace, type Workspace } from "./helpers";

describe("placement", () => {
  test("Author/Title, and Author/Series/Vol N - Title when the tags name a series", () => {
    expect(placementFor({ author: "Ursula K. Le Guin", title: "A Wizard of Earthsea" }, "x")).toBe("Ursula K. Le Guin/A Wizard of Earthsea");
    expect(placementFor({ author: "Ursula K. Le Guin", title: "The Tombs of Atuan", series: "Earthsea", seriesIndex: "2" }, "x")).toBe(
      "Ursula K. Le Guin/Earthsea/Vol 2 - The Tombs of Atuan",
    );
    expect(placementFor({ author: "A", title: "T", series: "S", seriesIndex: "two" }, "x")).toBe("A/S/T");
    expect(placementFor({}, "dropped-folder")).toBe("Unknown Author/dropped-folder");
  });

  test("a tag becomes one safe folder name: no separators, no hidden names, bounded length", () => {
    expect(folderName("AC/DC: Live?", "x")).toBe("AC DC_ Live_");
    expect(folderName("..hidden", "x")).toBe("hidden");
    expect(folderName("  \u0000 ", "fallback")).toBe("fallback");
    expect(Buffer.byteLength(folderName("é".repeat(200), "x"))).toBeLessThanOrEqual(150);
  });

  test("tags are read from a real MP3 (ID3v2.4): album artist is the author, album the title, MVNM/MVIN the series", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "tags-"));
    try {
      writeFileSync(
        join(dir, "a.mp3"),
        mp3({ title: "Chapter 1", artist: "Rob Inglis", albumArtist: "J. R. R. Tolkien", album: "The Hobbit", series: "Middle-earth", seriesPart: "1" }),
      );
      expect(audiobookTags(await parseFile(join(dir, "a.mp3")))).toEqual({ author: "J. R. R. Tolkien", title: "The Hobbit", series: "Middle-earth", seriesIndex: "1" });
      writeFileSync(join(dir, "b.mp3"), mp3({ title: "Standalone", artist: "Solo Author" }));
      expect(audiobookTags(await parseFile(join(dir, "b.mp3")))).toEqual({ author: "Solo Author", title: "Standalone", series: undefined, seriesIndex: undefined });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ingest: audiobooks placed by their tags", () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace("ingest-audio-");
  });
  afterEach(() => ws.cleanup());
  const pass = () => ingestPass(ws.options(), { log: () => {}, env: {} });

  test("a folder of parts stays together under Author/Series/Vol N - Title, bytes unchanged, cover included", async () => {
    const dir = join(ws.ingest, "tombs");
    mkdirSync(join(dir, "CD2"), { recursive: true });
    const tags = { albumArtist: "Ursula K. Le Guin", artist: "Rob Inglis", album: "The Tombs of Atuan", series: "Earthsea", seriesPart: "2" };
    const files: Record<string, Buffer> = {
      "01 Prologue.mp3": mp3({ ...tags, title: "Prologue", track: 1 }),
      "02 The Eaten One.mp3": mp3({ ...tags, title: "The Eaten One", track: 2 }),
      "CD2/10 Wall Around the Place.mp3": mp3({ ...tags, title: "Wall", track: 10 }),
      "cover.jpg": Buffer.from("not really a jpeg, but it travels with the book"),
    };
    for (const [rel, data] of Object.entries(files)) writeFileSync(join(dir, rel), data);

    const report = await pass();
    expect(report.of("ingested")).toEqual([{ kind: "ingested", name: "tombs/", detail: "audiobook → Ursula K. Le Guin/Earthsea/Vol 2 - The Tombs of Atuan/" }]);
    const placed = tree(join(ws.audiobooks, "Ursula K. Le Guin/Earthsea/Vol 2 - The Tombs of Atuan"));
    expect(placed).toEqual(Object.fromEntries(Object.entries(files).map(([rel, data]) => [rel, sha256(data)])));
    expect(readdirSync(ws.ingest).filter((n) => !n.startsWith("."))).toEqual([]);
  });

  test("a single file goes to Author/Title/; dropping it again is a duplicate, a different book at the same place is kept aside", async () => {
    const book = mp3({ title: "Chapter 1", albumArtist: "Mary Shelley", album: "Frankenstein" });
    writeFileSync(join(ws.ingest, "frankenstein.mp3"), book);
    await pass();
    expect(tree(ws.audiobooks)).toEqual({ "Mary Shelley/Frankenstein/frankenstein.mp3": sha256(book) });

    writeFileSync(join(ws.ingest, "frankenstein.mp3"), book);
    writeFileSync(join(ws.ingest, "other-recording.mp3"), mp3({ title: "Chapter 1", albumArtist: "Mary Shelley", album: "Frankenstein", frames: 50 }));
    const report = await pass();
    expect(report.of("duplicate").map((o) => [o.name, o.detail.split(" (")[0]])).toEqual([
      ["frankenstein.mp3", "already in the audiobook library at Mary Shelley/Frankenstein/"],
      ["other-recording.mp3", "another audiobook is already at Mary Shelley/Frankenstein/ in the audiobook library"],
    ]);
    expect(tree(ws.audiobooks)).toEqual({ "Mary Shelley/Frankenstein/frankenstein.mp3": sha256(book) });
    expect(readFileSync(join(ws.failed, "other-recording.mp3.reason.txt"), "utf8")).toMatch(/not merged/);
    expect(readdirSync(ws.ingest).filter((n) => !n.startsWith("."))).toEqual([]);
  });

  test("audio that cannot be read fails with a reason and keeps its bytes", async () => {
    writeFileSync(join(ws.ingest, "static.mp3"), Buffer.alloc(64, 0x00));
    const report = await pass();
    expect(report.of("failed").map((o) => o.name)).toEqual(["static.mp3"]);
    expect(readFileSync(join(ws.failed, "static.mp3.reason.txt"), "utf8")).toMatch(/not a readable audio file/);
    expect(tree(ws.failed)["static.mp3"]).toBe(sha256(Buffer.alloc(64, 0)));
  });

  test("the failed folder on another file system (separate mounts in the container): verified copy, then the source goes", async () => {
    // /dev/shm is a tmpfs, so rename() from the ingest folder fails with EXDEV and the copy path runs.
    const elsewhere = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : ws.root, "ingest-failed-"));
    try {
      const junk = Buffer.from("a shopping list\n");
      writeFileSync(join(ws.ingest, "list.txt"), junk);
      mkdirSync(join(ws.ingest, "noise"));
      writeFileSync(join(ws.ingest, "noise", "01.mp3"), Buffer.alloc(300, 7));
      writeFileSync(join(ws.ingest, "noise", "cover.jpg"), Buffer.from("jpeg?"));
      const report = await ingestPass({ ...ws.options(), failedDir: elsewhere }, { log: () => {}, env: {} });
      expect(
        report
          .of("failed")
          .map((o) => o.name)
          .sort(),
      ).toEqual(["list.txt", "noise/"]);
      expect(tree(elsewhere)).toEqual({
        "list.txt": sha256(junk),
        "list.txt.reason.txt": expect.any(String),
        "noise/01.mp3": sha256(Buffer.alloc(300, 7)),
        "noise/cover.jpg": sha256(Buffer.from("jpeg?")),
        "noise.reason.txt": expect.any(String),
      });
      expect(readdirSync(ws.ingest).filter((n) => !n.startsWith("."))).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("a failed folder inside the ingest folder is never taken for new books", async () => {
    const inner = join(ws.ingest, "failed");
    writeFileSync(join(ws.ingest, "readme.txt"), "x");
    await ingestPass({ ...ws.options(), failedDir: inner }, { log: () => {}, env: {} });
    const again = await ingestPass({ ...ws.options(), failedDir: inner }, { log: () => {}, env: {} });
    expect(again.outcomes).toEqual([]);
    expect(readdirSync(inner).sort()).toEqual(["readme.txt", "readme.txt.reason.txt"]);
  });
});
