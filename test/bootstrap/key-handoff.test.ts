import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Container } from "../../constructs/container";
import { RenderedFile } from "../../constructs/rendered-file";
import { buildInMemory } from "../../stacks/synth";
import { describeWithTool } from "../helpers/tools";
import { AbsStandIn } from "./abs-stand-in";
import { cleanTmp, exampleWithAppdata, run, tmp } from "./helpers";

/**
 * The hand-off as it runs on the server: the bootstrap writes the key below paths.appdata, the
 * rendered entrypoint of abs-opds / shelfbridge (from synth of the example) reads it through the
 * container's own mount and environment, and the image's command — here a stand-in that asks
 * Audiobookshelf who it is with the key it was given — gets a key the server accepts.
 */

/** Stands in for the image's own command: reports what the key it got is worth, then idles until TERM (exit 42). */
const IMAGE_COMMAND = `
const key = process.env.KEY_VAR === "OPDS_USERS" ? process.env.OPDS_USERS.split(":")[1] : process.env[process.env.KEY_VAR];
fetch(process.env.ABS + "/api/me", { headers: { Authorization: "Bearer " + key } })
  .then((r) => {
    const fs = require("fs");
    fs.writeFileSync(process.env.OUT + ".tmp", JSON.stringify({ status: r.status, value: process.env[process.env.KEY_VAR] }));
    fs.renameSync(process.env.OUT + ".tmp", process.env.OUT);
  });
process.on("SIGTERM", () => process.exit(42));
setInterval(() => {}, 1000);
`;

interface Service {
  readonly name: string;
  readonly keyVar: string;
  readonly script: string;
  readonly env: Record<string, string>;
  readonly command: readonly string[];
}

function services(appdata: string): Service[] {
  const stack = buildInMemory(exampleWithAppdata(appdata));
  const files = new Map(RenderedFile.all(stack).map((f) => [f.path, f.content]));
  const containers = new Map(
    stack.node
      .findAll()
      .filter(Container.isContainer)
      .map((c) => [c.name, c]),
  );
  return [
    { name: "abs-opds", keyVar: "OPDS_USERS" },
    { name: "shelfbridge", keyVar: "SHELFBRIDGE_USER_0_ABS_TOKEN" },
  ].map(({ name, keyVar }) => {
    const container = containers.get(name)!;
    // The container sees its key directory at the mount's containerPath: map it back to the host.
    const mount = container.volumes.find((v) => v.readOnly && v.containerPath === "/run/shelfstack/abs-key")!;
    const env: Record<string, string> = { ...container.environment };
    env.ABS_API_KEY_FILE = env.ABS_API_KEY_FILE.replace(mount.containerPath, mount.hostPath);
    for (const secret of container.secretNames) env[secret] = `value-of-${secret}`;
    expect(container.entrypoint).toEqual(["/bin/sh", "/shelfstack/abs-key-entrypoint.sh"]);
    const script = container.configFiles.find((f) => f.containerPath === "/shelfstack/abs-key-entrypoint.sh")!.file;
    return { name, keyVar, script: files.get(script.path)!, env, command: [...container.command!] };
  });
}

for (const shell of [
  { tool: "dash", argv: ["dash"], probe: ["-c", "true"] },
  { tool: "busybox", argv: ["busybox", "sh"], probe: ["true"] },
]) {
  describeWithTool(
    shell.tool,
    `apt-get install ${shell.tool}`,
    `the key entrypoint under ${shell.tool} (Alpine images run busybox sh)`,
    () => {
      let abs: AbsStandIn;
      const children: ChildProcess[] = [];
      beforeEach(async () => {
        abs = new AbsStandIn();
        await abs.listen();
      });
      afterEach(async () => {
        // Each entrypoint leads its own process group: kill it with the service it started.
        for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) process.kill(-c.pid!, "SIGKILL");
        await abs.close();
        cleanTmp();
      });

      function start(service: Service, dir: string) {
        const scriptFile = join(dir, `${service.name}.sh`);
        writeFileSync(scriptFile, service.script);
        const out = join(dir, `${service.name}.out`);
        const child = spawn(shell.argv[0], [...shell.argv.slice(1), scriptFile, process.execPath, "-e", IMAGE_COMMAND], {
          env: { PATH: process.env.PATH, ...service.env, ABS_KEY_POLL_SECONDS: "1", ABS: abs.url, OUT: out, KEY_VAR: service.keyVar },
          stdio: ["ignore", "ignore", "pipe"],
          detached: true,
        });
        children.push(child);
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
        return { child, out, exited, stderr: () => stderr };
      }

      async function until<T>(what: string, probe: () => T | undefined, seconds = 10): Promise<T> {
        for (const end = Date.now() + seconds * 1000; Date.now() < end; await sleep(100)) {
          const value = probe();
          if (value !== undefined) return value;
        }
        throw new Error(`timed out waiting for ${what}`);
      }
      const report = (out: string) => (existsSync(out) ? (JSON.parse(readFileSync(out, "utf8")) as { status: number; value: string }) : undefined);

      test("waits for the key, starts the service with it (accepted by the server), forwards TERM", async () => {
        const appdata = tmp();
        const started = services(appdata).map((service) => ({ service, ...start(service, tmp()) }));
        for (const s of started) {
          await until("the waiting message", () => (s.stderr().includes("waiting for the Audiobookshelf API key") ? true : undefined));
        }
        await sleep(1500);
        expect(started.filter((s) => existsSync(s.out))).toEqual([]);

        await run(exampleWithAppdata(appdata), abs.url);
        for (const s of started) {
          const got = await until(`${s.service.name}'s report`, () => report(s.out));
          expect(got.status).toBe(200);
          const key = readFileSync(join(appdata, "abs-keys", s.service.name, "api-key"), "utf8");
          expect(got.value).toBe(s.service.name === "abs-opds" ? `reader:${key}:value-of-OPDS_PASSWORD` : key);
          s.child.kill("SIGTERM");
          expect(await s.exited).toBe(42);
        }
      });

      test("a replaced key restarts the service (exit 75); started again, it has the new key", async () => {
        const appdata = tmp();
        const config = exampleWithAppdata(appdata);
        await run(config, abs.url);
        const [opds] = services(appdata);
        const dir = tmp();
        const first = start(opds, dir);
        expect((await until("first report", () => report(first.out))).status).toBe(200);
        const oldValue = report(first.out)!.value;

        // The key is deleted in the web UI; the next bootstrap writes a new one.
        abs.apiKeys.splice(
          abs.apiKeys.findIndex((k) => k.name === "shelfstack abs-opds"),
          1,
        );
        await run(config, abs.url);
        expect(await first.exited).toBe(75);
        expect(first.stderr()).toContain("changed — exiting so the container restarts with it");

        const second = start(opds, tmp());
        const got = await until("second report", () => report(second.out));
        expect(got.status).toBe(200);
        expect(got.value).not.toBe(oldValue);
      });
    },
    shell.probe,
  );
}
