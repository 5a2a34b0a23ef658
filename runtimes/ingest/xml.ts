import { create } from "xmlbuilder2";
import type { Element } from "@oozcitak/dom/lib/dom/interfaces";

export type { Element };

/**
 * XML bytes as text, in the encoding the file itself gives (XML 1.0 appendix F): a byte order
 * mark, else the first "<?" in UTF-16, else the declaration's encoding="…", else UTF-8. EPUB
 * allows UTF-16 for container.xml and the OPF, and Calibre reads it. Undefined when the bytes are
 * not text in that encoding.
 */
export function decodeXml(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  let encoding = "utf-8";
  if (a === 0xfe && b === 0xff) encoding = "utf-16be";
  else if (a === 0xff && b === 0xfe) encoding = "utf-16le";
  else if (a === 0x00 && b === 0x3c && c === 0x00 && d === 0x3f) encoding = "utf-16be";
  else if (a === 0x3c && b === 0x00 && c === 0x3f && d === 0x00) encoding = "utf-16le";
  else {
    const declared = /^(?:\xEF\xBB\xBF)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(Buffer.from(bytes.subarray(0, 200)).toString("latin1"))?.[1];
    if (declared && !/^utf-?16/i.test(declared)) encoding = declared;
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    // fatal: a byte sequence that is no text is a damaged file, not text with replacement marks.
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    decoder = new TextDecoder("utf-8", { fatal: true }); // a declared encoding nobody knows
  }
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Parsed XML's root element, or undefined when the text is not XML. */
export function parseXml(input: string | Uint8Array): Element | undefined {
  const text = typeof input === "string" ? input : decodeXml(input);
  if (text === undefined) return undefined;
  const trimmed = text.replace(/^\uFEFF/, "").trimStart();
  // xmlbuilder2's create() reads a bare word as an element name to build, not as a document.
  if (!trimmed.startsWith("<")) return undefined;
  try {
    const root = create(trimmed).root().node as Element;
    return root.nodeType === 1 ? root : undefined;
  } catch {
    return undefined;
  }
}

export const NS = {
  opf: "http://www.idpf.org/2007/opf",
  dc: "http://purl.org/dc/elements/1.1/",
  container: "urn:oasis:names:tc:opendocument:xmlns:container",
} as const;

/** Trimmed text of every element `ns:name` below root, in document order. */
export function texts(root: Element, ns: string, name: string): string[] {
  return elements(root, ns, name)
    .map((e) => (e.textContent ?? "").trim())
    .filter((t) => t.length > 0);
}

/** Every element `ns:name` below root, in document order. */
export function elements(root: Element, ns: string, name: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, name)).filter((e): e is Element => e !== undefined && e !== null);
}
