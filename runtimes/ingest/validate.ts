import { unzipSync, type Unzipped } from "fflate";
import { posix } from "node:path";
import { extensionOf } from "./formats";
import { elements, NS, parseXml, texts } from "./xml";

/** What a structural check found: the book's own metadata, or why it is not a usable book. */
export type Check = { ok: true; title?: string; authors: string[] } | { ok: false; reason: string };

const bad = (reason: string): Check => ({ ok: false, reason });

/**
 * Checks that the bytes are a whole book of the format their name claims, before Calibre sees
 * them: Calibre adds almost anything (a damaged EPUB becomes a book titled after its file name,
 * by "Unknown"), so a truncated download would otherwise land in the library as a broken book.
 */
export function checkEbook(name: string, data: Uint8Array): Check {
  switch (extensionOf(name)) {
    case "epub":
      return checkEpub(data);
    case "cbz":
      return checkCbz(data);
    case "pdf":
      return checkPdf(data);
    case "mobi":
    case "azw":
    case "azw3":
      return checkMobi(data);
    default:
      return bad(`not an ebook format shelfstack files`);
  }
}

function openZip(data: Uint8Array): Unzipped | string {
  try {
    // Inflating every entry is what proves the archive whole: a cut-off or damaged entry throws.
    return unzipSync(data);
  } catch (error) {
    return (error as Error).message || String(error);
  }
}

function checkEpub(data: Uint8Array): Check {
  const zip = openZip(data);
  if (typeof zip === "string") return bad(`not a valid EPUB: the zip archive is damaged or cut off (${zip})`);
  const mimetype = zip["mimetype"] && Buffer.from(zip["mimetype"]).toString("ascii").trim();
  if (mimetype !== "application/epub+zip") {
    return bad(`not a valid EPUB: the "mimetype" entry ${mimetype === undefined ? "is missing" : `says "${mimetype}"`} (must be application/epub+zip)`);
  }
  const containerXml = zip["META-INF/container.xml"];
  if (!containerXml) return bad("not a valid EPUB: META-INF/container.xml is missing");
  const container = parseXml(containerXml);
  const rootfile = container && elements(container, NS.container, "rootfile")[0];
  const opfPath = rootfile?.getAttribute("full-path");
  if (!opfPath) return bad("not a valid EPUB: META-INF/container.xml names no package document (rootfile full-path)");
  const opfBytes = zip[posix.normalize(opfPath)];
  if (!opfBytes) return bad(`not a valid EPUB: the package document ${opfPath} named in container.xml is missing`);
  const opf = parseXml(opfBytes);
  if (!opf || opf.localName !== "package") return bad(`not a valid EPUB: ${opfPath} is not an OPF package document`);
  return { ok: true, title: texts(opf, NS.dc, "title")[0], authors: texts(opf, NS.dc, "creator") };
}

function checkCbz(data: Uint8Array): Check {
  const zip = openZip(data);
  if (typeof zip === "string") return bad(`not a valid CBZ: the zip archive is damaged or cut off (${zip})`);
  const pages = Object.keys(zip).filter((entry) => /\.(jpe?g|png|gif|webp)$/i.test(entry));
  if (pages.length === 0) return bad("not a valid CBZ: the archive holds no page images");
  return { ok: true, authors: [] };
}

function checkPdf(data: Uint8Array): Check {
  const head = Buffer.from(data.subarray(0, 1024)).toString("latin1");
  if (!head.includes("%PDF-")) return bad("not a valid PDF: no %PDF- header");
  // Every complete PDF ends with %%EOF (after the last incremental update); a cut-off one does not.
  const tail = Buffer.from(data.subarray(Math.max(0, data.length - 2048))).toString("latin1");
  if (!tail.includes("%%EOF")) return bad("not a valid PDF: no %%EOF at the end — the file is cut off (still being copied, or a broken download)");
  return { ok: true, authors: [] };
}

function checkMobi(data: Uint8Array): Check {
  // A PalmDB header is 78 bytes; type+creator at offset 60 is "BOOKMOBI" for MOBI, AZW and AZW3.
  if (data.length < 78 || Buffer.from(data.subarray(60, 68)).toString("latin1") !== "BOOKMOBI") {
    return bad("not a valid MOBI/AZW file: no BOOKMOBI header");
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const records = view.getUint16(76);
  const lastOffset = records > 0 && data.length >= 78 + records * 8 ? view.getUint32(78 + (records - 1) * 8) : -1;
  if (records === 0 || lastOffset < 0 || lastOffset >= data.length) return bad("not a valid MOBI/AZW file: its record table points past the end — the file is cut off");
  return { ok: true, authors: [] };
}
