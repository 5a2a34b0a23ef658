// Speed of `shelfstack synth` of the bundled example, beside `cdktf synth` of the same app.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const RUNS = 11;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(label, runs, command, args, options) {
  const seconds = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    execFileSync(command, args, { stdio: "ignore", ...options });
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const m = median(seconds);
  console.log(`${label.padEnd(44)} median ${m.toFixed(3)} s  (min ${Math.min(...seconds).toFixed(3)}, max ${Math.max(...seconds).toFixed(3)}, ${runs} runs)`);
  return m;
}

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-bench-"));
  try {
    const example = join(root, "examples", "stack.yaml");
    time("node -e 0 (process start floor)", RUNS, process.execPath, ["-e", "0"]);
    const ours = time("shelfstack synth (example)", RUNS, process.execPath, [join(root, "dist", "shelfstack.js"), "synth", "-c", example, "-o", join(dir, "out")], {
      cwd: dir,
    });
    // cdktf synth of the same, precompiled app (cdktf.json's app without the build step).
    writeFileSync(join(dir, "cdktf.json"), JSON.stringify({ language: "typescript", app: `node ${join(root, "dist", "main.js")}` }));
    const cdktf = time("cdktf synth (same app, precompiled)", RUNS, join(root, "node_modules", ".bin", "cdktf"), ["synth"], {
      cwd: dir,
      env: { ...process.env, STACK_FILE: example, CHECKPOINT_DISABLE: "1", CI: "true" },
    });
    // cdktf synth as a user runs it: cdktf.json's app, which builds the bundles first.
    const configured = time("cdktf synth (cdktf.json as shipped: build + app)", 5, join(root, "node_modules", ".bin", "cdktf"), ["synth", "--output", join(dir, "cdktf.out")], {
      cwd: root,
      env: { ...process.env, STACK_FILE: example, CHECKPOINT_DISABLE: "1", CI: "true" },
    });
    console.log(
      `ratio cdktf synth / shelfstack synth: ${(cdktf / ours).toFixed(1)}× precompiled, ${(configured / ours).toFixed(1)}× as shipped  (target ≥ 10×; shelfstack target ≤ 0.25 s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
