// Speed of the offline policy check: generating + evaluating the tailnet policy in process (the
// example, and a large tailnet), and `shelfstack policy test` as a user runs it (no cdktf loaded).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function report(label, seconds) {
  const m = median(seconds);
  const unit = m < 0.01 ? [1e3, "ms"] : [1, "s"];
  const f = (v) => (v * unit[0]).toFixed(unit[1] === "ms" ? 2 : 3);
  console.log(`${label.padEnd(52)} median ${f(m)} ${unit[1]}  (min ${f(Math.min(...seconds))}, max ${f(Math.max(...seconds))}, ${seconds.length} runs)`);
}

function timed(runs, fn) {
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return seconds;
}

/** The policy model, bundled on the fly (it is TypeScript and needs no cdktf). */
async function loadModel(dir) {
  const outfile = join(dir, "model.cjs");
  await build({
    stdin: {
      contents: `export { generatePolicy } from "./constructs/tailscale/policy/generate";
                 export { evaluatePolicy } from "./constructs/tailscale/policy/evaluate";`,
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile,
    logLevel: "silent",
  });
  const { createRequire } = await import("node:module");
  return createRequire(import.meta.url)(outfile);
}

function props(users, devicesPerUser) {
  const kinds = ["android-ereader", "ios", "android", "laptop"];
  const owners = Array.from({ length: users }, (_, i) => `user${i}@example.com`);
  const devices = owners.flatMap((owner, u) =>
    Array.from({ length: devicesPerUser }, (_, d) => ({
      name: `d${u}-${d}`,
      kind: kinds[d % kinds.length],
      owner,
      syncthingId: d % kinds.length === 0 ? "X" : undefined,
    })),
  );
  return { owner: owners[0], members: owners.slice(1), serverTag: "tag:shelfstack", devices };
}

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-bench-policy-"));
  try {
    const { generatePolicy, evaluatePolicy } = await loadModel(dir);
    for (const [label, p] of [
      ["example (1 reader, 2 devices)", props(1, 2)],
      ["10 readers × 4 devices", props(10, 4)],
      ["100 readers × 4 devices", props(100, 4)],
    ]) {
      let cases = 0;
      const seconds = timed(21, () => {
        const e = evaluatePolicy(generatePolicy(p).policy);
        if (!e.ok) throw new Error(`${label}: the generated policy fails its tests`);
        cases = e.cases.length;
      });
      report(`generate + evaluate, ${label}: ${cases} cases`, seconds);
    }
    const cli = join(root, "dist", "shelfstack.js");
    const example = join(root, "examples", "stack.yaml");
    report(
      "shelfstack policy test -c examples/stack.yaml",
      timed(11, () => execFileSync(process.execPath, [cli, "policy", "test", "-c", example], { stdio: "ignore" })),
    );
    report(
      "shelfstack validate -c examples/stack.yaml (for scale)",
      timed(5, () => execFileSync(process.execPath, [cli, "validate", "-c", example], { stdio: "ignore" })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
