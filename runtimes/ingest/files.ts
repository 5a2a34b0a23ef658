import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, open, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Flushes a file's bytes (or a directory's entries) to disk before we rely on them. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Every regular file below dir, as paths relative to it, sorted; hidden ones only when asked. */
export async function listFiles(dir: string, withHidden = true, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    if (!withHidden && entry.name.startsWith(".")) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, withHidden, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/**
 * Copies files into a new folder `to` that appears whole or not at all: the bytes go to a hidden
 * sibling first, each is compared by hash with its source and flushed, then the folder is renamed
 * into place. Fails (leaving `to` alone) when `to` already exists.
 */
export async function copyTreeVerified(files: readonly { src: string; rel: string }[], to: string): Promise<void> {
  const tmp = join(dirname(to), `.${basename(to)}.shelfstack-partial`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const { src, rel } of files) await copyFileVerified(src, join(tmp, rel), false);
  if (await exists(to)) throw Object.assign(new Error(`${to} already exists`), { code: "EEXIST" });
  await rename(tmp, to);
  await fsyncPath(dirname(to));
}

/** Copies one file so that `to` appears whole or not at all (hidden temporary name, hash check, fsync, rename). */
export async function copyFileVerified(src: string, to: string, atomic = true): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const tmp = atomic ? join(dirname(to), `.${basename(to)}.shelfstack-partial`) : to;
  await copyFile(src, tmp);
  if ((await sha256File(src)) !== (await sha256File(tmp))) {
    await rm(tmp, { force: true });
    throw new Error(`the copy of ${src} differs from its source`);
  }
  await fsyncPath(tmp);
  if (atomic) {
    await rename(tmp, to);
    await fsyncPath(dirname(to));
  }
}

/**
 * Moves a file or folder, also across file systems (the ingest and failed folders are separate
 * mounts in the container, where rename() fails with EXDEV): the source is removed only after
 * its verified copy is in place.
 */
export async function moveVerified(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
    await fsyncPath(dirname(to));
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
  }
  if ((await stat(from)).isDirectory()) {
    await copyTreeVerified(
      (await listFiles(from)).map((rel) => ({ src: join(from, rel), rel })),
      to,
    );
  } else {
    await copyFileVerified(from, to);
  }
  await rm(from, { recursive: true, force: true });
}

/** True when every (visible) file below or at `a` has a byte-identical counterpart at the same place below `b`. */
export async function containedIn(a: string, b: string): Promise<boolean> {
  try {
    const aStat = await stat(a);
    const bStat = await stat(b);
    if (aStat.isDirectory() !== bStat.isDirectory()) return false;
    const rels = aStat.isDirectory() ? await listFiles(a, false) : [""];
    for (const rel of rels) {
      const x = rel ? join(a, rel) : a;
      const y = rel ? join(b, rel) : b;
      if ((await stat(x)).size !== (await stat(y)).size || (await sha256File(x)) !== (await sha256File(y))) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** `dir/name`, or `dir/name (2)`, `(3)`… when taken: a failed file never overwrites an earlier one. */
export async function freeName(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const candidate = join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!(await exists(candidate))) return candidate;
  }
}

/** Removes a file we hold a verified copy of (already gone is fine) and makes the removal durable (unless the caller flushes the folder itself). */
export async function removeFile(path: string, flush = true): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (flush) await fsyncPath(dirname(path));
}
