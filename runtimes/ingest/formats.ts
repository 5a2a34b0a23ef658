import { extname } from "node:path";

/** Ebook formats Calibre files and Audiobookshelf lists (its `globals.js` ebook extensions, less cbr: no RAR reader here). */
export const EBOOK_EXTENSIONS = ["azw", "azw3", "cbz", "epub", "mobi", "pdf"] as const;
/** Audio formats that make a file or folder an audiobook. */
export const AUDIO_EXTENSIONS = ["aac", "flac", "m4a", "m4b", "mp3", "ogg", "opus"] as const;

export type EbookFormat = (typeof EBOOK_EXTENSIONS)[number];

/** The lower-case extension without its dot ("" when there is none). */
export function extensionOf(path: string): string {
  return extname(path).slice(1).toLowerCase();
}

export function isEbook(path: string): boolean {
  return (EBOOK_EXTENSIONS as readonly string[]).includes(extensionOf(path));
}

export function isAudio(path: string): boolean {
  return (AUDIO_EXTENSIONS as readonly string[]).includes(extensionOf(path));
}

/** Hidden names (our own state, .DS_Store…) are never books; Audiobookshelf ignores them too. */
export function isHidden(name: string): boolean {
  return name.startsWith(".");
}

/**
 * Names copy tools give a file they are still writing: Syncthing's `.syncthing.x.tmp` and
 * `~syncthing~x.tmp`, rsync's `.x.AbC123`, browsers' `.part`/`.crdownload`. A folder holding one
 * is still arriving.
 */
export function isInProgressName(name: string): boolean {
  if (/^\..+\.[A-Za-z0-9]{6}$/.test(name) || name.startsWith("~syncthing~") || name.endsWith("~")) return true;
  return [".part", ".tmp", ".crdownload", ".download", ".partial", ".temp", ".tempfile"].includes(extname(name).toLowerCase());
}

export const SUPPORTED_TEXT = `ebooks: ${EBOOK_EXTENSIONS.join(", ")}; audiobooks: ${AUDIO_EXTENSIONS.join(", ")} (a file, or a folder of parts)`;
