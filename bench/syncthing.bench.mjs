// Syncthing at scale: synth of a stack with many readers, and how long real Syncthing (Debian's
// 1.19.2) takes to load the rendered server config.xml and answer its REST API.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deviceId } from "./device-id.mjs";

const root = new URL("..", import.meta.url).pathname;
const RUNS = 5;

function stackYaml(readers) {
  const devices = Array.from({ length: readers }, (_, i) => `  - { name: reader${i}, kind: android-ereader, syncthingId: ${deviceId(i + 1)} }`);
  return `server:\n  dockerHost: ssh://me@nas\ntailnet:\n  name: tail1234.ts.net\n  owner: me@example.com\ndevices:\n${devices.join("\n")}\nsyncthing:\n  serverId: ${deviceId(999)}\n`;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const secondsSince = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function timeSynth(label, file, dir) {
  const seconds = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, [join(root, "dist", "shelfstack.js"), "synth", "-c", file, "-o", join(dir, "out")], { stdio: "ignore", cwd: dir });
    seconds.push(secondsSince(start));
  }
  console.log(`${label.padEnd(52)} median ${median(seconds).toFixed(3)} s  (min ${Math.min(...seconds).toFixed(3)}, ${RUNS} runs)`);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** Start → first REST answer, for config.xml loaded in a sandbox (test/syncthing/sandbox.sh; needs root). */
async function timeLoad(label, configXml) {
  const seconds = [];
  for (let i = 0; i < RUNS; i++) {
    const sandbox = mkdtempSync(join(tmpdir(), "shelfstack-bench-st-"));
    execFileSync("syncthing", ["generate", `--home=${sandbox}/st`, "--no-default-folder", "--skip-port-probing"], { stdio: "ignore" });
    writeFileSync(join(sandbox, "st", "config.xml"), configXml);
    const port = await freePort();
    const start = process.hrtime.bigint();
    const child = spawn(
      "unshare",
      [
        "-m",
        "--propagation",
        "private",
        "sh",
        join(root, "test/syncthing/sandbox.sh"),
        sandbox,
        "/usr/bin/syncthing",
        "serve",
        "--home=/st",
        "--no-browser",
        "--no-restart",
        "--paused",
        `--gui-address=127.0.0.1:${port}`,
        "--gui-apikey=bench",
      ],
      { stdio: "ignore", env: { PATH: process.env.PATH, HOME: "/st", STHASHING: "standard" } },
    );
    let gone = false;
    const exited = new Promise((r) => child.on("exit", r)).then(() => (gone = true));
    let folders = 0;
    for (;;) {
      if (gone) throw new Error("syncthing exited before answering");
      try {
        const r = await fetch(`http://127.0.0.1:${port}/rest/config`, { headers: { "X-API-Key": "bench" } });
        if (r.ok) {
          folders = (await r.json()).folders.length;
          break;
        }
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    seconds.push(secondsSince(start));
    await fetch(`http://127.0.0.1:${port}/rest/system/shutdown`, { method: "POST", headers: { "X-API-Key": "bench" } });
    await exited;
    rmSync(sandbox, { recursive: true, force: true });
    if (i === RUNS - 1) console.log(`${label.padEnd(52)} median ${median(seconds).toFixed(3)} s  (min ${Math.min(...seconds).toFixed(3)}, ${RUNS} runs, ${folders} folders)`);
  }
}

export default async function bench() {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-bench-"));
  try {
    const example = join(root, "examples", "stack.yaml");
    timeSynth("shelfstack synth (example: 1 reader)", example, dir);
    const sizes = [10, 100];
    for (const n of sizes) {
      writeFileSync(join(dir, `stack-${n}.yaml`), stackYaml(n));
      timeSynth(`shelfstack synth (${n} readers, ${n + 1} folders)`, join(dir, `stack-${n}.yaml`), dir);
    }
    const canSandbox = spawnSync("unshare", ["-m", "--propagation", "private", "true"]).status === 0;
    const hasSyncthing = spawnSync("syncthing", ["--version"]).status === 0;
    if (!canSandbox || !hasSyncthing) {
      console.log("real Syncthing load: skipped (needs syncthing and root for the mount-namespace sandbox)");
      return;
    }
    execFileSync(process.execPath, [join(root, "dist", "shelfstack.js"), "synth", "-c", example, "-o", join(dir, "out")], { stdio: "ignore", cwd: dir });
    await timeLoad("Syncthing 1.19.2 loads server config.xml (example)", readFileSync(join(dir, "out/syncthing/server/config.xml"), "utf8"));
    for (const n of sizes) {
      execFileSync(process.execPath, [join(root, "dist", "shelfstack.js"), "synth", "-c", join(dir, `stack-${n}.yaml`), "-o", join(dir, "out")], { stdio: "ignore", cwd: dir });
      await timeLoad(`Syncthing 1.19.2 loads server config.xml (${n} readers)`, readFileSync(join(dir, "out/syncthing/server/config.xml"), "utf8"));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
