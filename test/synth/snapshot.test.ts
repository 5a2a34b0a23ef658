import { join } from "node:path";
import { EXAMPLE, readTree, shelfstack, tmp } from "../helpers/cli";

/**
 * Snapshots show, in review, what a change does to the example's output. They are not the
 * proof that the output is right: the behaviour tests beside this file are.
 * Update after an intended change with `npx jest test/synth/snapshot -u`.
 */
test("the example's output files", () => {
  const out = join(tmp(), "out");
  expect(shelfstack(["synth", "-c", EXAMPLE, "-o", out]).status).toBe(0);
  const files = readTree(out);
  expect([...files.keys()]).toMatchSnapshot("file list");
  for (const [path, content] of files) {
    // Binary files (QR code images) are covered by their own tests.
    if (content.includes(0)) continue;
    // The images' build contexts carry copies of dist/'s bundles (their own test checks them byte
    // for byte), and the Terraform JSON their hash: both change with any runtime code.
    if (/^images\/[^/]+\/(dist\/|ingest\.js$)/.test(path)) continue;
    expect(content.toString("utf8").replace(/"context_sha256": "[0-9a-f]{64}"/g, '"context_sha256": "<sha256 of the build context>"')).toMatchSnapshot(path);
  }
});
