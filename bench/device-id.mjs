// Valid Syncthing device IDs for the benches' generated stacks, from the project's own
// config/device-id.ts (bundled on the fly: a bench is plain .mjs), as test/helpers/large-stack.ts makes them.
import { createHash } from "node:crypto";
import { buildSync } from "esbuild";

const source = buildSync({
  entryPoints: [new URL("../config/device-id.ts", import.meta.url).pathname],
  bundle: true,
  format: "esm",
  platform: "node",
  write: false,
}).outputFiles[0].text;
const { deviceIdFromDigest } = await import(`data:text/javascript,${encodeURIComponent(source)}`);

/** A valid device ID from a seed (deterministic, so runs compare). */
export function deviceId(seed) {
  return deviceIdFromDigest(createHash("sha256").update(String(seed)).digest());
}
