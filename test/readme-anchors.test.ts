import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers/cli";

/**
 * Comments point at the README by its anchors, never at documents the repository does not hold
 * or at issue numbers: every anchor cited must be a heading of the README.
 */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function readmeAnchors(readme: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const m of readme.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = githubSlug(m[1]);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

const tracked = execFileSync("git", ["ls-files", "*.ts", "*.mjs", "**/Dockerfile*", "Dockerfile*"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  // This file names what it looks for.
  .filter((f) => f && f !== "test/readme-anchors.test.ts");

test("the slug is GitHub's: punctuation dropped, spaces to hyphens", () => {
  expect(githubSlug("First start without clicks: `shelfstack bootstrap` and a SETUP.md per device")).toBe(
    "first-start-without-clicks-shelfstack-bootstrap-and-a-setupmd-per-device",
  );
  expect([...readmeAnchors("## Decisions\n## Decisions\n")]).toEqual(["decisions", "decisions-1"]);
});

test("every README.md#anchor in the sources names a heading of the README", () => {
  const anchors = readmeAnchors(readFileSync(join(ROOT, "README.md"), "utf8"));
  const cited = tracked.flatMap((f) => [...readFileSync(join(ROOT, f), "utf8").matchAll(/README\.md#([\w-]+)/g)].map((m) => ({ f, anchor: m[1] })));
  expect(cited.length).toBeGreaterThan(0);
  expect(cited.filter((c) => !anchors.has(c.anchor))).toEqual([]);
});

test("no source cites an issue number or a DESIGN.md", () => {
  const pattern = /\bissue [0-9]|DESIGN\.md/;
  expect(tracked.filter((f) => pattern.test(readFileSync(join(ROOT, f), "utf8")))).toEqual([]);
});
