import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shelfstack, tmp } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { KoreaderDb } from "../jobs/helpers/koreader";

function reader(dir: string): string {
  const from = join(dir, "palma");
  mkdirSync(from, { recursive: true });
  const k = new KoreaderDb(join(from, "statistics.sqlite3"));
  k.read(k.addBook("Emma", "Jane Austen", "0123456789abcdef0123456789abcdef"), 1_700_000_000, 5);
  k.close();
  return from;
}

const commits = (repo: string) => execFileSync("git", ["-C", repo, "rev-list", "--count", "main"], { encoding: "utf8" }).trim();

describeWithTool("git", "apt-get install git", "snapshot --repo: files and relative paths", () => {
  test("a relative --repo is created and committed to, and a second run is unchanged", () => {
    const dir = tmp();
    reader(dir);
    const first = shelfstack(["snapshot", "--from", "palma", "--repo", "snapshots"], { cwd: dir });
    expect(first.stderr).not.toMatch(/FAILED|internal error/);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^palma: committed/m);
    expect(commits(join(dir, "snapshots"))).toBe("1");
    expect(readdirSync(join(dir, "snapshots", "palma")).sort()).toEqual(["statistics.json", "statistics.sqlite3"]);
    const again = shelfstack(["snapshot", "--from", "palma", "--repo", "./snapshots/"], { cwd: dir });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^palma: unchanged/m);
    expect(commits(join(dir, "snapshots"))).toBe("1");
  });

  test.each([
    ["a file", "notes.txt", /shelfstack snapshot: notes\.txt is a file, not a folder/],
    ["a path below a file", "notes.txt/repo", /shelfstack snapshot: notes\.txt\/repo: notes\.txt is a file, not a folder/],
  ])("--repo pointing at %s: exit 1, a clear message, the file untouched", (_what, repo, message) => {
    const dir = tmp();
    reader(dir);
    writeFileSync(join(dir, "notes.txt"), "my notes\n");
    const run = shelfstack(["snapshot", "--from", "palma", "--repo", repo], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("my notes\n");
  });
});
