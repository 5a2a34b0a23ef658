import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "./scratch";

/** A stack.yaml whose every server path lies below `root`, so jobs can run against it here; its one reader is palma. */
export function writeStack(root: string, extra = "", readerId = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD"): string {
  const file = join(root, "stack.yaml");
  mkdirSync(root, { recursive: true });
  writeFileSync(
    file,
    `server:
  dockerHost: ssh://reader@homeserver.local
  timezone: Europe/Berlin
  dataDir: ${join(root, "data")}
tailnet:
  name: tail1234.ts.net
  owner: alice@example.com
devices:
  - name: palma
    kind: android-ereader
    syncthingId: ${readerId}
${extra}`,
  );
  return file;
}

/** Synth with the built CLI, as a user would; returns the output directory. */
export function synth(stack: string, out: string): string {
  const run = cli(["synth", "-c", stack, "-o", out]);
  if (run.status !== 0) throw new Error(`synth failed: ${run.stderr}`);
  return out;
}
