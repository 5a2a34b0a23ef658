// How `shelfstack synth` grows with the number of devices: it should be linear (issue: 1,000 devices
// took 2.6 s, 5,000 took 20 s). Each device is an Android e-reader with its own Syncthing ID.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function luhn32(block) {
  let factor = 1;
  let sum = 0;
  for (const ch of block) {
    const addend = factor * ALPHABET.indexOf(ch);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return ALPHABET[(32 - (sum % 32)) % 32];
}

/** A valid Syncthing device ID, different for each n. */
export function deviceId(n) {
  let digits = "";
  for (let k = 0, v = n + 1; k < 52; k++, v = Math.floor(v / 32) || (k * 7 + n) % 31) digits += ALPHABET[v % 32];
  const blocks = [0, 1, 2, 3].map((k) => digits.slice(k * 13, k * 13 + 13)).map((b) => b + luhn32(b));
  return blocks.join("").match(/.{7}/g).join("-");
}

export function stackWithDevices(count) {
  const devices = Array.from({ length: count }, (_, i) => `  - name: reader-${i}\n    kind: android-ereader\n    syncthingId: ${deviceId(i)}\n`).join("");
  return `server:\n  dockerHost: ssh://reader@homeserver.local\ntailnet:\n  name: tail1234.ts.net\n  owner: alice@example.com\ndevices:\n${devices}`;
}

function seconds(args, cwd) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, [join(root, "dist", "shelfstack.js"), ...args], { cwd, stdio: "ignore" });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-bench-scale-"));
  try {
    let previous;
    for (const count of [10, 200, 500, 1000]) {
      const file = join(dir, `stack-${count}.yaml`);
      writeFileSync(file, stackWithDevices(count));
      const runs = count >= 1000 ? 3 : 5;
      const times = Array.from({ length: runs }, () => seconds(["synth", "-c", file, "-o", join(dir, "out")], dir)).sort((a, b) => a - b);
      const median = times[Math.floor(runs / 2)];
      const perDevice = previous ? `  (+${(((median - previous.median) / (count - previous.count)) * 1000).toFixed(2)} ms per added device)` : "";
      console.log(`shelfstack synth, ${String(count).padStart(4)} devices`.padEnd(44) + ` median ${median.toFixed(3)} s  (${runs} runs)${perDevice}`);
      previous = { count, median };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
