import { lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync, realpathSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import { basename, dirname, join, relative, resolve, sep, isAbsolute } from "node:path";
import { Worker } from "node:worker_threads";
import { UsageError } from "../config/errors";
import { pidAlive } from "../config/pid";

/**
 * The output directory synth owns. `<out>` is a symlink to a versioned sibling
 * (`.<out>.shelfstack-<pid>-<random>`) holding a marker file; a new output is written into a new
 * sibling and swapped in by renaming a fresh symlink over `<out>` (one rename(2), atomic), so a
 * kill at any instant leaves either the previous output or the new one, whole. The versioned
 * sibling sits beside `<out>`, so paths relative to it (Terraform's state at
 * `<out>/stacks/<stack>/../../../`) resolve to the same directory as through `<out>`.
 *
 * The version a synth replaces stays until the next synth, which removes it on a thread of its
 * own while it builds: removing thousands of files costs about as much as writing them, and this
 * way the two overlap instead of adding up (a thousand readers: about half a second each here).
 *
 * Synth replaces only what it made: a directory with the marker, or its own symlink. Anything
 * else (a file, a foreign directory with files in it, /, a system or home directory, a project
 * checkout) is refused before anything is touched.
 */
export const OUTPUT_MARKER = ".shelfstack-output";
const MARKER_TEXT = "Written by `shelfstack synth`: this directory is replaced whole by the next synth. Edit stack.yaml, not these files.\n";

// prettier-ignore
const SYSTEM_DIRS = new Set([
  "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt", "/opt",
  "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/snap", "/Users", "/Library", "/System", "/Applications",
]);
/** Files that make a directory a project (or a checkout), never an output. */
const PROJECT_FILES = ["stack.yaml", ".git", "package.json"];

/** Marks a directory cdktf's own synth wrote (main.ts), so `shelfstack synth` may replace it later. */
export function markOutput(dir: string): void {
  writeFileSync(join(dir, OUTPUT_MARKER), MARKER_TEXT);
}

const versionPrefix = (name: string) => `.${name}.shelfstack-`;

function refuse(target: string, why: string, fix = "choose a new or empty directory for -o (the default is ./cdktf.out)"): never {
  throw new UsageError(`will not write the output to ${target}: ${why} — ${fix}; nothing was changed`);
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** What sits at the output path now, once it has been checked to be synth's to replace. */
type Current = { kind: "none" } | { kind: "empty-dir" } | { kind: "marked-dir" } | { kind: "link"; version: string };

function isSystemDir(path: string): boolean {
  if (path === "/" || SYSTEM_DIRS.has(path)) return true;
  const parent = dirname(path);
  // /usr/local, /var/lib, /home/alice …: the directories a system or a person lives in.
  return parent === "/usr" || parent === "/var" || parent === "/home" || parent === "/Users";
}

function homes(): string[] {
  const found = [homedir(), process.env.HOME].filter((h): h is string => !!h && isAbsolute(h)).map((h) => resolve(h));
  for (const h of [...found]) {
    try {
      found.push(realpathSync(h));
    } catch {
      // a HOME that does not exist cannot be written over either
    }
  }
  return found;
}

/** Checks that synth may replace `target`, and what is there. Throws a UsageError otherwise. */
export function inspectOutput(target: string, protect: readonly string[] = []): Current {
  const real = (() => {
    try {
      return realpathSync(target);
    } catch {
      return target;
    }
  })();
  for (const path of new Set([target, real])) {
    if (path === "/") refuse(target, "it is the root directory");
    if (isSystemDir(path)) refuse(target, `${path} is a system directory`);
    if (homes().includes(path)) refuse(target, "it is a home directory");
    const cwd = relative(path, process.cwd());
    if (!cwd.startsWith("..") && !isAbsolute(cwd)) refuse(target, cwd === "" ? "it is the current directory" : "it holds the current directory");
  }
  for (const file of protect) {
    const inside = relative(target, resolve(file));
    const insideReal = (() => {
      try {
        return relative(real, realpathSync(file));
      } catch {
        return inside;
      }
    })();
    for (const rel of [inside, insideReal]) {
      if (rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel))) {
        refuse(target, `it holds ${file}, which the output would replace`, "write the output somewhere else, e.g. ./cdktf.out beside stack.yaml");
      }
    }
  }

  const stat = lstatOrUndefined(target);
  if (!stat) return { kind: "none" };
  if (stat.isSymbolicLink()) {
    const link = readlinkSync(target);
    const name = basename(target);
    if (link.includes("/") || !link.startsWith(versionPrefix(name))) {
      refuse(target, `it is a symlink to ${link}, which shelfstack did not make`, "remove the symlink or choose another -o");
    }
    const version = join(dirname(target), link);
    // Our link with its version gone (removed by hand) is ours to replace; a version without the marker is not ours.
    if (lstatOrUndefined(version) && !lstatOrUndefined(join(version, OUTPUT_MARKER))) {
      refuse(target, `it points to ${link}, which holds no ${OUTPUT_MARKER} marker`, "remove the symlink or choose another -o");
    }
    return { kind: "link", version };
  }
  if (!stat.isDirectory()) refuse(target, "it is a file, not a directory", "choose a directory for -o, e.g. ./cdktf.out");
  const entries = readdirSync(target);
  // A project is never replaced, marker or not.
  const project = PROJECT_FILES.find((f) => entries.includes(f));
  if (project) refuse(target, `it is a project directory (it holds ${project})`, "write the output into a directory of its own, e.g. ./cdktf.out");
  if (entries.includes(OUTPUT_MARKER)) return { kind: "marked-dir" };
  if (entries.length > 0) {
    refuse(
      target,
      `it holds files shelfstack did not write (no ${OUTPUT_MARKER} marker)`,
      "choose a new or empty directory; if it is the output of an older shelfstack, delete it yourself once",
    );
  }
  return { kind: "empty-dir" };
}

/**
 * What earlier runs left beside the output: the version the last synth replaced, and what killed
 * runs left (versions no link points to, half-made links) — unless the run that made them is
 * still going (its pid is in the name).
 */
function staleEntries(target: string, current: Current): string[] {
  const parent = dirname(target);
  const prefix = versionPrefix(basename(target));
  const keep = current.kind === "link" ? basename(current.version) : undefined;
  return readdirSync(parent)
    .filter((entry) => {
      if (!entry.startsWith(prefix) || entry === keep) return false;
      const pid = Number(entry.slice(prefix.length).split("-")[0]);
      return !(Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid));
    })
    .map((entry) => join(parent, entry));
}

const REMOVE_PATHS = `const { rmSync } = require("node:fs");
for (const path of require("node:worker_threads").workerData) {
  try { rmSync(path, { recursive: true, force: true }); } catch { /* best effort: the next synth tries again */ }
}`;

/** Removes `paths` on a thread of its own; the process exits once it is done. */
function removeAlongside(paths: readonly string[]): void {
  if (paths.length === 0) return;
  new Worker(REMOVE_PATHS, { eval: true, workerData: paths }).on("error", () => undefined);
}

/** An fs error as something a user can act on (exit 1), not a stack trace. */
function explainFsError(target: string, error: unknown): never {
  const e = error as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "permission denied",
    EROFS: "the file system is read-only",
    ENOTDIR: "a part of the path is a file, not a directory",
    ENOSPC: "the disk is full",
    EEXIST: "something is in the way",
    ENOENT: "a part of the path does not exist and cannot be made",
  };
  if (e && typeof e.code === "string" && why[e.code]) {
    throw new UsageError(`cannot write the output to ${target}: ${why[e.code]} (${e.path ?? target}) — choose a directory you can write; the previous output is unchanged`);
  }
  throw error;
}

/** Where the next output goes, once the path has been checked to be synth's to replace. */
export interface OutputPlan {
  /** Creates a new version's directory, runs `write` on it, adds the marker and swaps it in. */
  write(write: (dir: string) => void): void;
}

/**
 * Checks the output path (nothing is touched) and names the new version. The previous output
 * stays byte-identical until the one rename that replaces it.
 */
export function planOutput(outdir: string, protect: readonly string[] = []): OutputPlan {
  const target = resolve(outdir);
  const current = inspectOutput(target, protect);
  const fresh = join(dirname(target), `${versionPrefix(basename(target))}${process.pid}-${randomBytes(6).toString("hex")}`);
  return { write: (write) => swapIn(target, current, fresh, write) };
}

function swapIn(target: string, current: Current, fresh: string, write: (dir: string) => void): void {
  try {
    mkdirSync(dirname(target), { recursive: true });
    removeAlongside(staleEntries(target, current));
    mkdirSync(fresh);
  } catch (error) {
    explainFsError(target, error);
  }
  const link = `${fresh}.link`;
  try {
    write(fresh);
    writeFileSync(join(fresh, OUTPUT_MARKER), MARKER_TEXT);
    symlinkSync(basename(fresh), link);
    if (current.kind === "empty-dir") rmdirSync(target);
    // A real directory cannot be replaced by a symlink in one rename: it is moved aside first.
    if (current.kind === "marked-dir") renameSync(target, `${fresh}-previous`);
    renameSync(link, target);
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    rmSync(link, { force: true });
    explainFsError(target, error);
  }
  // The replaced version (or cdktf's directory, moved aside) is stale now: the next synth removes it.
}
