import { create } from "xmlbuilder2";
import type { Element } from "@oozcitak/dom/lib/dom/interfaces";

export type { Element };

/** Parsed XML's root element, or undefined when the text is not XML. */
export function parseXml(text: string): Element | undefined {
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
