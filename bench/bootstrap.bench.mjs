// `shelfstack bootstrap` through the built CLI (as the jobs container runs it at every start),
// against the loopback Audiobookshelf stand-in of the tests: a fresh server (root user, two
// libraries, four API keys), then the run every later container start makes (nothing to do),
// then a server with 200 foreign API keys beside ours. Wall time includes Node's start (the floor
// line shows it); the requests each run makes are counted on the stand-in; last, the bootstrap's
// own work in-process.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

/** TypeScript modules (the tests' stand-in, the runtime) bundled for this bench, so tests and bench share them. */
async function load(dir, entry) {
  const outfile = join(dir, `${entry.replace(/\W/g, "_")}.cjs`);
  await build({ entryPoints: [join(root, entry)], bundle: true, platform: "node", format: "cjs", outfile, logLevel: "warning", external: ["cdktf"] });
  return import(pathToFileURL(outfile).href);
}

function bootstrap(url, keys) {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, "dist/shelfstack.js"), "bootstrap", "-c", join(root, "examples/stack.yaml"), "--url", url, "--keys-dir", keys], {
    env: { ...process.env, ABS_ROOT_PASSWORD: "bench" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => child.on("close", (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(stderr)))));
}

function cliHelp() {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [join(root, "dist/shelfstack.js"), "--help"], { stdio: "ignore" });
  return new Promise((resolve) => child.on("close", () => resolve(Number(process.hrtime.bigint() - start) / 1e6)));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function () {
  const dir = mkdtempSync(join(tmpdir(), "shelfstack-bench-bootstrap-"));
  try {
    const { AbsStandIn } = await load(dir, "test/bootstrap/abs-stand-in.ts");
    const { runBootstrap } = await load(dir, "runtimes/jobs/bootstrap/index.ts");
    const { loadStack } = await load(dir, "config/load.ts");
    const abs = new AbsStandIn();
    const url = await abs.listen();
    const keys = join(dir, "keys");

    const floor = [];
    for (let i = 0; i < 5; i++) floor.push(await cliHelp());
    const fresh = await bootstrap(url, keys);
    const freshRequests = abs.requests.length;
    const again = [];
    for (let i = 0; i < 5; i++) again.push(await bootstrap(url, keys));
    const againRequests = (abs.requests.length - freshRequests) / 5;
    for (let i = 0; i < 200; i++) abs.addApiKey(`someone else's key ${i}`, abs.root.id);
    const crowded = [];
    for (let i = 0; i < 5; i++) crowded.push(await bootstrap(url, keys));
    // The bootstrap's own work, without Node's start: in-process runs on the already set-up server.
    const config = loadStack(join(root, "examples/stack.yaml"));
    const inProcess = [];
    for (let i = 0; i < 20; i++) {
      const start = process.hrtime.bigint();
      await runBootstrap(config, { url, keysDir: keys, env: { ABS_ROOT_PASSWORD: "bench" }, log: () => undefined });
      inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    await abs.close();

    console.log(`floor: \`shelfstack --help\` (Node start + CLI bundle), median of 5: ${median(floor).toFixed(0)} ms`);
    console.log(`fresh server (root user, 2 libraries, 4 keys): ${fresh.toFixed(0)} ms, ${freshRequests} requests`);
    console.log(`already set up (every later start), median of 5: ${median(again).toFixed(0)} ms, ${againRequests} requests`);
    console.log(`already set up, 200 other API keys on the server, median of 5: ${median(crowded).toFixed(0)} ms`);
    console.log(`  of which the bootstrap itself (in-process, no Node start), median of 20: ${median(inProcess).toFixed(1)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
