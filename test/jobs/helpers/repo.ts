import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" } }).trim();
}

export function gitBuffer(repo: string, ...args: string[]): Buffer {
  return execFileSync("git", ["-C", repo, ...args], { env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null" }, maxBuffer: 1 << 30 });
}

export function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** Everything a job could have changed in a folder: names, sizes, times, bytes. */
export function fingerprint(dir: string): string {
  if (!existsSync(dir)) return "(missing)";
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const p = join(dir, name);
      const s = statSync(p);
      return `${name} ${s.size} ${s.mtimeMs} ${s.isFile() ? sha256(p) : "dir"}`;
    })
    .join("\n");
}

/** The repository's observable state: branch, commits, index and working tree status, snapshot bytes. */
export function repoState(repo: string, file: string): string {
  return [git(repo, "rev-parse", "HEAD"), git(repo, "rev-list", "--count", "HEAD"), git(repo, "status", "--porcelain"), sha256(join(repo, file))].join("|");
}
