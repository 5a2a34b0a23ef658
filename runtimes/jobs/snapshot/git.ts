import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileInTheWay } from "../file-in-the-way";
import { UserError } from "../../../config/errors";

export const BRANCH = "main";

/** Git run the same way everywhere: no user or system config, a fixed identity, never a prompt. */
function gitEnv(date?: Date): NodeJS.ProcessEnv {
  const when = date ? { GIT_AUTHOR_DATE: date.toISOString(), GIT_COMMITTER_DATE: date.toISOString() } : {};
  return {
    PATH: process.env.PATH,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "shelfstack",
    GIT_AUTHOR_EMAIL: "shelfstack@localhost",
    GIT_COMMITTER_NAME: "shelfstack",
    GIT_COMMITTER_EMAIL: "shelfstack@localhost",
    ...when,
  };
}

export class GitError extends UserError {}

/**
 * The snapshot repository, changed only through git's plumbing: objects are written first, the
 * commit is made from a private index, and the branch moves in one compare-and-swap
 * (`update-ref <new> <old>`). A run killed at any point leaves the branch on the last good commit
 * (at worst with unreferenced objects, which git ignores); the working tree is then brought back
 * in line with the branch by `syncWorktree`, file by file through a rename.
 */
export class SnapshotRepo {
  /** Our own corner of .git: lock, state, scratch space. Never part of a commit. */
  readonly privateDir: string;

  private constructor(readonly dir: string) {
    this.privateDir = join(dir, ".git", "shelfstack");
  }

  /** Opens the repository, creating it on first use. Refuses a non-empty folder that is not one. */
  static open(given: string): SnapshotRepo {
    // Absolute from here on: git runs with -C, where a relative work tree would mean another folder.
    const dir = resolve(given);
    const file = fileInTheWay(dir);
    if (file !== undefined) {
      const shown = isAbsolute(given) ? file : relative(process.cwd(), file);
      throw new GitError(`${file === dir ? given : `${given}: ${shown}`} is a file, not a folder — point the snapshots at a folder (empty, or an earlier snapshot repository)`);
    }
    if (!existsSync(join(dir, ".git"))) {
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw new GitError(`${dir} holds files but is not a git repository — point the snapshots at an empty folder`);
      }
      mkdirSync(dir, { recursive: true });
      execFileSync("git", ["init", "-q", "-b", BRANCH, dir], { env: gitEnv(), stdio: ["ignore", "ignore", "pipe"] });
    }
    const repo = new SnapshotRepo(dir);
    mkdirSync(repo.privateDir, { recursive: true });
    return repo;
  }

  git(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv; allowFail?: boolean } = {}): string {
    try {
      return execFileSync("git", ["-C", this.dir, ...args], {
        env: { ...gitEnv(), ...options.env },
        input: options.input,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["pipe", "pipe", "pipe"],
      }).trim();
    } catch (error) {
      if (options.allowFail) return "";
      const stderr = String((error as { stderr?: string }).stderr ?? "").trim();
      throw new GitError(`git ${args[0]} failed: ${stderr || (error as Error).message}`);
    }
  }

  /** The branch's commit, or undefined before the first snapshot. */
  head(): string | undefined {
    return this.git(["rev-parse", "--verify", "-q", `refs/heads/${BRANCH}`], { allowFail: true }) || undefined;
  }

  /** The blob at path in commit, or undefined. */
  blobAt(commit: string | undefined, path: string): string | undefined {
    if (!commit) return undefined;
    return this.git(["rev-parse", "--verify", "-q", `${commit}:${path}`], { allowFail: true }) || undefined;
  }

  /** Stores a file as a blob and returns its id; the same bytes always give the same id. */
  hashFile(file: string): string {
    return this.git(["hash-object", "-w", "--", file]);
  }

  catText(commit: string, path: string): string {
    return this.git(["cat-file", "blob", `${commit}:${path}`]);
  }

  /** Writes a blob's bytes to a file (streamed: snapshots can be large). */
  catToFile(blob: string, file: string): void {
    const fd = openSync(file, "w");
    try {
      execFileSync("git", ["-C", this.dir, "cat-file", "blob", blob], { env: gitEnv(), stdio: ["ignore", fd, "pipe"] });
    } finally {
      closeSync(fd);
    }
  }

  /** A commit on top of parent with these paths set to these blobs; the branch does not move yet. */
  commit(parent: string | undefined, files: readonly { path: string; blob: string }[], message: string, date?: Date): string {
    const index = join(this.privateDir, "index");
    rmSync(index, { force: true });
    const env = { GIT_INDEX_FILE: index };
    if (parent) this.git(["read-tree", parent], { env });
    for (const f of files) this.git(["update-index", "--add", "--cacheinfo", `100644,${f.blob},${f.path}`], { env });
    const tree = this.git(["write-tree"], { env });
    rmSync(index, { force: true });
    return this.git(["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-F", "-"], { input: message, env: gitEnv(date) });
  }

  /** Moves the branch from `from` to `to` atomically; fails if someone else moved it meanwhile. */
  advance(to: string, from: string | undefined): void {
    this.git(["update-ref", `refs/heads/${BRANCH}`, to, from ?? ""]);
  }

  /**
   * Makes the working tree equal the branch: each differing file is written beside its place and
   * renamed over it, so a reader (the ETL) sees the old file or the new one, never half of one.
   * `ready` offers files already holding a path's new bytes (renamed instead of read out of git).
   */
  syncWorktree(scratch: string, ready: ReadonlyMap<string, string> = new Map()): void {
    const head = this.head();
    if (!head) return;
    this.git(["update-index", "-q", "--refresh"], { allowFail: true });
    const listed = this.git(["ls-tree", "-r", "--name-only", head]).split("\n").filter(Boolean);
    const dirty = this.git(["diff-index", "--name-only", head, "--"], { allowFail: true }).split("\n").filter(Boolean);
    const paths = [...new Set([...dirty, ...listed.filter((p) => !existsSync(join(this.dir, p)))])].filter((p) => listed.includes(p));
    if (paths.length === 0) return;
    mkdirSync(scratch, { recursive: true });
    for (const path of paths) {
      const target = join(this.dir, path);
      let source = ready.get(path);
      if (!source) {
        source = join(scratch, "checkout.tmp");
        this.catToFile(this.git(["rev-parse", `${head}:${path}`]), source);
      }
      mkdirSync(dirname(target), { recursive: true });
      renameSync(source, target);
    }
    // The index follows the branch; its stat cache keeps the next run's check cheap.
    this.git(["read-tree", head]);
    this.git(["update-index", "-q", "--refresh"], { allowFail: true });
  }

  /**
   * Packs the repository once loose objects pass a size: each changed night adds a loose copy of
   * the database, and git's own `gc --auto` counts objects, not bytes, so it would wait for years.
   * Packed, consecutive snapshots are stored as deltas of each other.
   */
  packWhenLarge(maxLooseKiB = 256 * 1024): boolean {
    const kib = Number(/(\d+) kilobytes/.exec(this.git(["count-objects"]))?.[1] ?? 0);
    if (kib < maxLooseKiB) return false;
    this.git(["gc", "--quiet"]);
    return true;
  }
}
