import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { isAudio, isEbook, isHidden, isInProgressName } from "./formats";

/** One thing to ingest: an ebook file, an audiobook (a file, or a folder of parts), or something else. */
export interface Unit {
  readonly kind: "ebook" | "audiobook" | "other";
  readonly path: string;
  /** Path relative to the ingest folder, for messages. */
  readonly name: string;
  readonly isDir: boolean;
}

export interface ScanResult {
  readonly ready: Unit[];
  /** Names still being written (changed too recently, or a copy tool's temporary file inside). */
  readonly waiting: string[];
}

/**
 * Lists the ingest folder. A file is ready once neither its content nor its inode changed for
 * `stableMs`: ctime moves on every write and cannot be set back by a copy tool that restores
 * mtime (cp -p, rsync -t, Syncthing), so a file still being copied in is left alone.
 * `exclude`: our own folders, should one of them be placed inside the ingest folder.
 */
export async function scanIngest(dir: string, now: number, stableMs: number, exclude: readonly string[] = []): Promise<ScanResult> {
  const ready: Unit[] = [];
  const waiting: string[] = [];
  const settled = (s: { mtimeMs: number; ctimeMs: number }) => now - Math.max(s.mtimeMs, s.ctimeMs) >= stableMs;

  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (isHidden(entry.name) || exclude.includes(path)) continue;
    if (entry.isFile()) {
      if (isInProgressName(entry.name) || !settled(await stat(path))) waiting.push(entry.name);
      else ready.push({ kind: kindOf(entry.name), path, name: entry.name, isDir: false });
    } else if (entry.isDirectory()) {
      const files = await walk(path, entry.name);
      if (files.length === 0) {
        // Holds no file at all: left behind when its books were ingested. Tidy up once it is old.
        if (settled(await stat(path))) await rm(path, { recursive: true, force: true }).catch(() => undefined);
        continue;
      }
      const busy = files.some((f) => isInProgressName(f.base) || !settled(f)) || !settled(await stat(path));
      const visible = files.filter((f) => !f.hidden);
      if (visible.some((f) => isAudio(f.base))) {
        // A folder with audio is one audiobook: its parts (and cover) stay together.
        if (busy) waiting.push(`${entry.name}/`);
        else ready.push({ kind: "audiobook", path, name: `${entry.name}/`, isDir: true });
      } else {
        for (const f of visible) {
          if (isInProgressName(f.base) || !settled(f)) waiting.push(f.name);
          else ready.push({ kind: kindOf(f.base), path: f.path, name: f.name, isDir: false });
        }
      }
    }
  }
  return { ready, waiting };
}

function kindOf(name: string): Unit["kind"] {
  return isEbook(name) ? "ebook" : isAudio(name) ? "audiobook" : "other";
}

interface Found {
  readonly path: string;
  readonly name: string;
  readonly base: string;
  readonly hidden: boolean;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

async function walk(dir: string, name: string, hidden = false): Promise<Found[]> {
  const out: Found[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    const rel = `${name}/${entry.name}`;
    const isHiddenHere = hidden || isHidden(entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path, rel, isHiddenHere)));
    else if (entry.isFile()) {
      const s = await stat(path);
      out.push({ path, name: rel, base: entry.name, hidden: isHiddenHere, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs });
    }
  }
  return out;
}
