import { strToU8, zipSync } from "fflate";
import { checkEbook } from "../../runtimes/ingest/validate";
import { coverPng, epub, pdf } from "./fixtures";

const book = (version: 2 | 3) => epub({ version, title: "Persuasion", author: "Jane Austen", identifier: "urn:isbn:9780000000001", cover: true });

describe("checkEbook", () => {
  test.each([2, 3] as const)("a whole EPUB %i passes, with its own title and author", (version) => {
    expect(checkEbook("p.epub", book(version))).toEqual({ ok: true, title: "Persuasion", authors: ["Jane Austen"] });
  });

  test("a cut-off EPUB (a download that stopped) fails and says the archive is damaged", () => {
    const whole = book(3);
    const check = checkEbook("p.epub", whole.subarray(0, Math.floor(whole.length * 0.7)));
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a valid EPUB: the zip archive is damaged or cut off/) });
  });

  test("a damaged entry fails even when the archive's directory is intact", () => {
    const damaged = Buffer.from(book(2));
    // Overwrite compressed bytes in the middle of the archive (inside an entry's data).
    damaged.fill(0xff, 200, 260);
    expect(checkEbook("p.epub", damaged).ok).toBe(false);
  });

  test("a zip that is not an EPUB fails with the part that is missing", () => {
    expect(checkEbook("x.epub", zipSync({ "a.txt": strToU8("hello") }))).toEqual({
      ok: false,
      reason: 'not a valid EPUB: the "mimetype" entry is missing (must be application/epub+zip)',
    });
    const noContainer = zipSync({ mimetype: [strToU8("application/epub+zip"), { level: 0 }], "x.html": strToU8("<p/>") });
    expect(checkEbook("x.epub", noContainer)).toEqual({ ok: false, reason: "not a valid EPUB: META-INF/container.xml is missing" });
    const noOpf = zipSync({
      mimetype: [strToU8("application/epub+zip"), { level: 0 }],
      "META-INF/container.xml": strToU8('<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="a.opf"/></rootfiles></container>'),
    });
    expect(checkEbook("x.epub", noOpf)).toMatchObject({ ok: false, reason: expect.stringContaining("a.opf named in container.xml is missing") });
  });

  test("plain text named .epub is not an EPUB", () => {
    expect(checkEbook("notes.epub", strToU8("just some notes")).ok).toBe(false);
  });

  test("PDF: whole passes, cut off or not a PDF fails", () => {
    const whole = pdf("Title", "Author");
    expect(checkEbook("a.pdf", whole).ok).toBe(true);
    expect(checkEbook("a.pdf", whole.subarray(0, whole.length - 20))).toMatchObject({ ok: false, reason: expect.stringContaining("cut off") });
    expect(checkEbook("a.pdf", strToU8("hello"))).toMatchObject({ ok: false, reason: "not a valid PDF: no %PDF- header" });
  });

  test("CBZ needs page images; MOBI needs its BOOKMOBI header", () => {
    expect(checkEbook("c.cbz", zipSync({ "001.png": coverPng() })).ok).toBe(true);
    expect(checkEbook("c.cbz", zipSync({ "readme.txt": strToU8("x") }))).toEqual({ ok: false, reason: "not a valid CBZ: the archive holds no page images" });
    expect(checkEbook("b.mobi", strToU8("x".repeat(200)))).toEqual({ ok: false, reason: "not a valid MOBI/AZW file: no BOOKMOBI header" });
    const mobi = Buffer.alloc(200);
    mobi.write("BOOKMOBI", 60, "latin1");
    mobi.writeUInt16BE(1, 76);
    mobi.writeUInt32BE(100, 78);
    expect(checkEbook("b.azw3", mobi).ok).toBe(true);
    expect(checkEbook("b.azw3", mobi.subarray(0, 90)).ok).toBe(false);
  });
});
