import { strToU8, zipSync, type Zippable } from "fflate";
import { PNG } from "pngjs";
import { create } from "xmlbuilder2";

/** Test fixtures: real EPUB 2/3, PDF and tagged MP3 files, generated so every test owns its bytes. */

export interface EpubSpec {
  readonly version: 2 | 3;
  readonly title: string;
  readonly author: string;
  readonly identifier: string;
  readonly cover?: boolean;
  /** Extra text in the chapter, to make otherwise equal books differ in bytes. */
  readonly body?: string;
}

const OPF = "http://www.idpf.org/2007/opf";
const DC = "http://purl.org/dc/elements/1.1/";

/** An EPUB as the spec wants it: `mimetype` first and stored, container.xml, an OPF with title, creator, identifier. */
export function epub(spec: EpubSpec): Uint8Array {
  const files: Zippable = { mimetype: [strToU8("application/epub+zip"), { level: 0 }] };
  files["META-INF/container.xml"] = strToU8(
    create({ version: "1.0", encoding: "UTF-8" })
      .ele("urn:oasis:names:tc:opendocument:xmlns:container", "container", { version: "1.0" })
      .ele("rootfiles")
      .ele("rootfile", { "full-path": "OEBPS/content.opf", "media-type": "application/oebps-package+xml" })
      .end(),
  );
  const pkg = create({ version: "1.0", encoding: "UTF-8" }).ele(OPF, "package", { version: spec.version === 3 ? "3.0" : "2.0", "unique-identifier": "bookid" });
  const meta = pkg.ele("metadata", { "xmlns:dc": DC, "xmlns:opf": OPF });
  meta.ele(DC, "dc:title").txt(spec.title);
  meta.ele(DC, "dc:creator", spec.version === 2 ? { "opf:role": "aut" } : { id: "creator" }).txt(spec.author);
  meta.ele(DC, "dc:identifier", { id: "bookid" }).txt(spec.identifier);
  meta.ele(DC, "dc:language").txt("en");
  if (spec.version === 3) meta.ele("meta", { property: "dcterms:modified" }).txt("2024-01-01T00:00:00Z");
  if (spec.cover && spec.version === 2) meta.ele("meta", { name: "cover", content: "cover-image" });
  const manifest = pkg.ele("manifest");
  manifest.ele("item", { id: "ch1", href: "ch1.xhtml", "media-type": "application/xhtml+xml" });
  if (spec.version === 3) manifest.ele("item", { id: "nav", href: "nav.xhtml", "media-type": "application/xhtml+xml", properties: "nav" });
  else manifest.ele("item", { id: "ncx", href: "toc.ncx", "media-type": "application/x-dtbncx+xml" });
  if (spec.cover) {
    manifest.ele("item", { id: "cover-image", href: "cover.png", "media-type": "image/png", ...(spec.version === 3 ? { properties: "cover-image" } : {}) });
    files["OEBPS/cover.png"] = coverPng();
  }
  pkg.ele("spine", spec.version === 2 ? { toc: "ncx" } : {}).ele("itemref", { idref: "ch1" });
  files["OEBPS/content.opf"] = strToU8(pkg.end());
  files["OEBPS/ch1.xhtml"] = strToU8(
    create({ version: "1.0", encoding: "UTF-8" })
      .ele("http://www.w3.org/1999/xhtml", "html")
      .ele("head")
      .ele("title")
      .txt(spec.title)
      .up()
      .up()
      .ele("body")
      .ele("h1")
      .txt(spec.title)
      .up()
      .ele("p")
      .txt(spec.body ?? `The first chapter of ${spec.title}.`)
      .up()
      .up()
      .end(),
  );
  if (spec.version === 3) {
    files["OEBPS/nav.xhtml"] = strToU8(
      create({ version: "1.0", encoding: "UTF-8" })
        .ele("http://www.w3.org/1999/xhtml", "html", { "xmlns:epub": "http://www.idpf.org/2007/ops" })
        .ele("head")
        .ele("title")
        .txt("Contents")
        .up()
        .up()
        .ele("body")
        .ele("nav", { "epub:type": "toc" })
        .ele("ol")
        .ele("li")
        .ele("a", { href: "ch1.xhtml" })
        .txt("Chapter 1")
        .end(),
    );
  } else {
    files["OEBPS/toc.ncx"] = strToU8(
      create({ version: "1.0", encoding: "UTF-8" })
        .ele("http://www.daisy.org/z3986/2005/ncx/", "ncx", { version: "2005-1" })
        .ele("head")
        .ele("meta", { name: "dtb:uid", content: spec.identifier })
        .up()
        .up()
        .ele("docTitle")
        .ele("text")
        .txt(spec.title)
        .up()
        .up()
        .ele("navMap")
        .ele("navPoint", { id: "n1", playOrder: "1" })
        .ele("navLabel")
        .ele("text")
        .txt("Chapter 1")
        .up()
        .up()
        .ele("content", { src: "ch1.xhtml" })
        .end(),
    );
  }
  // A fixed timestamp: the same spec gives the same bytes.
  return zipSync(files, { mtime: new Date("2024-01-01T00:00:00Z") });
}

/** A 64×96 PNG in one colour. */
export function coverPng(): Uint8Array {
  const png = new PNG({ width: 64, height: 96 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([180, 40, 40, 255], i);
  return PNG.sync.write(png);
}

/** A one-page PDF with Title and Author in its Info dictionary and a correct xref table. */
export function pdf(title: string, author: string): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    `<< /Title (${title}) /Author (${author}) >>`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return strToU8(out);
}

export interface Mp3Spec {
  readonly title: string;
  readonly artist?: string;
  readonly albumArtist?: string;
  readonly album?: string;
  /** MVNM (movement name): the series, as Audiobookshelf and iTunes read it. */
  readonly series?: string;
  readonly seriesPart?: string;
  readonly track?: number;
  readonly frames?: number;
}

/** An MP3: an ID3v2.4 tag (UTF-8 text frames) and silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz). */
export function mp3(spec: Mp3Spec): Buffer {
  const frames: Buffer[] = [];
  const text = (id: string, value: string | undefined) => {
    if (value !== undefined) frames.push(id3Frame(id, Buffer.concat([Buffer.from([3]), Buffer.from(value, "utf8")])));
  };
  text("TIT2", spec.title);
  text("TPE1", spec.artist);
  text("TPE2", spec.albumArtist);
  text("TALB", spec.album);
  text("MVNM", spec.series);
  text("MVIN", spec.seriesPart);
  text("TRCK", spec.track === undefined ? undefined : String(spec.track));
  const body = Buffer.concat(frames);
  const header = Buffer.concat([Buffer.from("ID3"), Buffer.from([4, 0, 0]), syncsafe(body.length)]);
  const audio: Buffer[] = [];
  for (let i = 0; i < (spec.frames ?? 40); i++) {
    const frame = Buffer.alloc(417);
    frame.set([0xff, 0xfb, 0x90, 0x64]);
    audio.push(frame);
  }
  return Buffer.concat([header, body, ...audio]);
}

function id3Frame(id: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, "latin1"), syncsafe(data.length), Buffer.from([0, 0]), data]);
}

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}
