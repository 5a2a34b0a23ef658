// How `shelfstack synth` grows with the number of devices: it should be linear (it once was not:
// 1,000 devices took 2.6 s, 5,000 took 20 s). Each device is an Android e-reader with its own Syncthing ID.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deviceId } from "./device-id.mjs";

const root = new URL("..", import.meta.url).pathname;
export function stackWithDevices(count) {
  const devices = Array.from({ length: count }, (_, i) => `  - name: reader-${i}\n    kind: android-ereader\n    syncthingId: ${deviceId(i)}\n`).join("");
  return `server:\n  dockerHost: ssh://reader@homeserver.local\ntailnet:\n  name: tail1234.ts.net\n  owner: alice@example.com\ndevices:\n${devices}`;
}

/** Wall and CPU seconds of one run; CPU time (the child's own, user + system) is what a shared machine does not blur. */
function run(args, cwd, dir) {
  const cpuFile = join(dir, "cpu");
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, ["--require", join(dir, "cpu.cjs"), join(root, "dist", "shelfstack.js"), ...args], {
    cwd,
    stdio: "ignore",
    env: { ...process.env, SHELFSTACK_BENCH_CPU: cpuFile },
  });
  return { wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: Number(readFileSync(cpuFile, "utf8")) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-bench-scale-"));
  writeFileSync(
    join(dir, "cpu.cjs"),
    'process.on("exit", () => { const u = process.cpuUsage(); require("fs").writeFileSync(process.env.SHELFSTACK_BENCH_CPU, String((u.user + u.system) / 1e6)); });\n',
  );
  try {
    let previous;
    for (const count of [10, 200, 500, 1000]) {
      const file = join(dir, `stack-${count}.yaml`);
      writeFileSync(file, stackWithDevices(count));
      // Each run replaces the one before, as a user's next synth does (this disk's speed varies a
      // lot from one second to the next: the minimum shows what the code costs).
      const runs = 7;
      const results = Array.from({ length: runs }, () => run(["synth", "-c", file, "-o", join(dir, "out")], dir, dir));
      const wall = median(results.map((r) => r.wall));
      const fastest = Math.min(...results.map((r) => r.wall));
      const cpu = median(results.map((r) => r.cpu));
      const perDevice = previous ? `, +${(((cpu - previous.cpu) / (count - previous.count)) * 1000).toFixed(2)} ms CPU per added device` : "";
      console.log(
        `shelfstack synth, ${String(count).padStart(4)} devices`.padEnd(44) +
          ` median ${wall.toFixed(3)} s wall (min ${fastest.toFixed(3)}), ${cpu.toFixed(3)} s CPU  (${runs} runs${perDevice})`,
      );
      previous = { count, cpu };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
