import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server as TlsServer } from "node:tls";
import { loadStack } from "../../config/load";
import { ABS_KEY_FILE, absKeyHandoffs, absKeysDir } from "../../config/abs-keys";
import type { StackConfig } from "../../config/resolve";
import { syncthingFolders } from "../../config/syncthing-folders";
import { expectedContainers } from "../../runtimes/doctor/docker";
import { writeStatus } from "../../runtimes/jobs/status";
import { defaultStatusDir } from "../../runtimes/jobs/service";
import { AbsStandIn } from "../bootstrap/abs-stand-in";
import { describeWithTool } from "../helpers/tools";
import { CLI } from "../helpers/cli";
import { scratch } from "../jobs/helpers/scratch";
import { synth, writeStack } from "../jobs/helpers/stack";
import { FakeEngine, tlsName } from "./fakes";
import { LoopbackSyncthing } from "./syncthing";

interface Line {
  name: string;
  verdict: "pass" | "fail" | "unchecked";
  fact: string;
  fix?: string;
}

const HOUR = 3_600_000;

/** The built CLI, run without blocking: the stand-ins it talks to live in this process. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: scratch("shelfstack-cwd-"), env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describeWithTool("syncthing", "apt-get install syncthing", "doctor: every check against services that are down, half up and up", () => {
  let root: string;
  let config: StackConfig;
  let stack: string;
  let out: string;
  let server: LoopbackSyncthing;
  let reader: LoopbackSyncthing;
  const engine = () => new FakeEngine(join(root, "docker.sock"));
  let docker: FakeEngine;
  const abs = new AbsStandIn();
  let https: { port: number; ca: string; server: TlsServer };
  let absUrl = "";

  beforeAll(async () => {
    root = scratch("shelfstack-doctor-");
    server = await LoopbackSyncthing.create(join(root, "st-server"));
    reader = await LoopbackSyncthing.create(join(root, "st-reader"));
    stack = writeStack(root, "backup:\n  koofr:\n    user: alice@example.com\n", reader.deviceId);
    config = loadStack(stack);
    out = synth(stack, join(root, "out"));
    for (const p of Object.values(config.server.paths)) mkdirSync(p, { recursive: true });
    docker = engine();
    await docker.listen();
    https = await tlsName(root);
    await Promise.all([server.start(), reader.start()]);
    // The server's Syncthing as the stack sets it up: the reader as a peer, each folder with its declared type.
    await server.send("POST", "/rest/config/devices", { deviceID: reader.deviceId, name: "palma", addresses: [`tcp://127.0.0.1:${reader.syncPort}`] });
    for (const f of syncthingFolders(config)) {
      await server.send("POST", "/rest/config/folders", {
        id: f.id,
        label: f.label,
        path: f.server.path,
        type: f.server.type,
        devices: [{ deviceID: server.deviceId }, { deviceID: reader.deviceId }],
      });
    }
    await reader.send("POST", "/rest/config/devices", { deviceID: server.deviceId, name: "shelf", addresses: [`tcp://127.0.0.1:${server.syncPort}`] });
    for (let i = 0; i < 300; i++) {
      const c = await server.get<{ connections: Record<string, { connected: boolean }> }>("/rest/system/connections");
      if (c.connections[reader.deviceId]?.connected) break;
      if (i === 299) throw new Error("the two Syncthing instances never connected over loopback");
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([server?.stop(), reader?.stop(), docker?.close(), abs.close()]);
    https?.server.close();
  });

  function allContainersUp(): void {
    for (const c of expectedContainers(join(out, "docker-compose.yml"))) {
      docker.containers.set(
        c.name,
        c.oneShot ? { State: "exited", Status: "Exited (0) 5 minutes ago" } : { State: "running", Status: c.hasHealthCheck ? "Up 5 minutes (healthy)" : "Up 5 minutes" },
      );
    }
  }

  function jobsRanFine(now: number): void {
    const dir = defaultStatusDir(config);
    for (const job of ["bootstrap", "snapshot", "backup", "restore-drill", "etl"]) {
      const at = new Date(now - 10 * 60_000).toISOString();
      writeStatus(dir, { job, running: false, lastStart: at, lastEnd: at, lastOutcome: "ok", lastSuccess: at, lastDurationSeconds: 3 });
    }
  }

  /** Where doctor finds each stand-in, and the environment it reads their keys from. */
  const at = () => [
    "-c",
    stack,
    "--out",
    out,
    "--docker-host",
    `unix://${docker.socket}`,
    "--abs-url",
    absUrl,
    "--syncthing-url",
    server.url,
    "--https-host",
    `localhost:${https.port}`,
  ];
  const keyEnv = () => ({ SYNCTHING_API_KEY: server.apiKey, NODE_EXTRA_CA_CERTS: https.ca });

  async function doctor(extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
    const run = await cli(["doctor", "--json", ...at(), ...extra], { ...keyEnv(), ...env });
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: Line[] };
    const verdicts = Object.fromEntries(report.checks.map((c) => [c.name, c.verdict]));
    const line = (name: string) => report.checks.find((c) => c.name === name)!;
    return { run, report, verdicts, line };
  }

  test("up: every line passes and doctor exits 0", async () => {
    absUrl = await abs.listen();
    const root_ = abs.addUser("root", "pw");
    const keys = absKeysDir(config);
    for (const h of absKeyHandoffs(config)) {
      mkdirSync(join(keys, h.client), { recursive: true });
      writeFileSync(join(keys, h.client, ABS_KEY_FILE), abs.addApiKey(h.keyName, root_.id).key + "\n");
    }
    allContainersUp();
    jobsRanFine(Date.now());
    const { run, report, verdicts } = await doctor();
    expect(report.checks.filter((c) => c.verdict !== "pass")).toEqual([]);
    expect(run.status).toBe(0);
    expect(Object.keys(verdicts)).toEqual(
      expect.arrayContaining([
        "container audiobookshelf",
        "container jobs",
        "audiobookshelf",
        "abs key abs-opds",
        "syncthing folder library",
        "syncthing device palma",
        "job backup",
        "job restore-drill",
        "disk ebooks",
        "https certificate",
      ]),
    );
    const text = await cli(["doctor", ...at()], keyEnv());
    expect(text.stdout).toMatch(/^✓ container audiobookshelf +running and healthy/m);
    expect(text.stdout).toMatch(/^27 passed, 0 failed, 0 not checked$/m);
  }, 60_000);

  test("half up: a stopped container, a drifted folder, a stale backup, a damaged encrypted file, a stopped reader — each named, exit 1", async () => {
    allContainersUp();
    docker.containers.set("abs-opds", { State: "exited", Status: "Exited (137) 2 hours ago" });
    docker.containers.set("syncthing", { State: "running", Status: "Up 2 hours (unhealthy)" });
    const now = Date.now();
    jobsRanFine(now);
    const dir = defaultStatusDir(config);
    const old = new Date(now - 3 * 24 * HOUR).toISOString();
    writeStatus(dir, { job: "backup", running: false, lastOutcome: "ok", lastSuccess: old, lastEnd: old });
    writeStatus(dir, {
      job: "restore-drill",
      running: false,
      lastOutcome: "failed",
      lastSuccess: old,
      lastError: {
        at: new Date(now - HOUR).toISOString(),
        message:
          "exit 1: shelfstack restore: 1 file(s) could not be restored intact (damaged on the remote, or written with other keys): ebooks/George Eliot/Middlemarch (1)/Middlemarch - George Eliot.epub: failed to authenticate decrypted block - bad password?",
      },
    });
    // Someone switches the library to Send & Receive in the server's GUI.
    await server.send("PATCH", "/rest/config/folders/library", { type: "sendreceive" });
    // A file appears on the server's side of a folder it only receives.
    const receiveOnly = syncthingFolders(config).find((f) => f.server.type === "receiveonly")!;
    writeFileSync(join(receiveOnly.server.path, "edited-on-the-server.txt"), "local change");
    await server.send("POST", `/rest/db/scan?folder=${receiveOnly.id}`);
    // The reader is switched off.
    await reader.stop();
    await new Promise((r) => setTimeout(r, 1500));

    const { run, verdicts, line } = await doctor(["--reader-hours", "0.0001"]);
    expect(run.status).toBe(1);
    expect(line("container abs-opds")).toMatchObject({ verdict: "fail", fact: "exited (Exited (137) 2 hours ago)" });
    expect(line("container syncthing")).toMatchObject({ verdict: "fail", fact: expect.stringMatching(/unhealthy/) });
    expect(line("container audiobookshelf").verdict).toBe("pass");
    expect(line("syncthing folder library")).toMatchObject({ verdict: "fail", fact: "drift: the server has it as sendreceive, the stack declares sendonly" });
    expect(line("syncthing folder koreader-palma")).toMatchObject({ verdict: "fail", fact: "1 local change(s) on the receive-only side" });
    expect(line("syncthing device palma")).toMatchObject({ verdict: "fail", fact: expect.stringMatching(/^not seen since /) });
    expect(line("job backup")).toMatchObject({ verdict: "fail", fact: expect.stringMatching(/^stale: last success .* but a run was due at /) });
    expect(line("job restore-drill")).toMatchObject({ verdict: "fail", fact: expect.stringMatching(/Middlemarch - George Eliot\.epub: failed to authenticate/) });
    expect(verdicts["job snapshot"]).toBe("pass");
    expect(verdicts["audiobookshelf"]).toBe("pass");
    await server.send("PATCH", "/rest/config/folders/library", { type: "sendonly" });
  }, 60_000);

  test("down: nothing answers — faults where something should answer, not checked where nothing can be asked, never a pass", async () => {
    for (const name of docker.containers.keys()) docker.containers.set(name, { State: "exited", Status: "Exited (0) 1 minute ago" });
    docker.containers.delete("jobs");
    await abs.close();
    await server.stop();
    const { run, verdicts, line } = await doctor([], { SYNCTHING_API_KEY: "" });
    expect(run.status).toBe(1);
    expect(line("container jobs")).toMatchObject({ verdict: "fail", fact: "does not exist" });
    expect(line("container audiobookshelf")).toMatchObject({ verdict: "fail", fact: expect.stringMatching(/^exited/) });
    expect(line("container prepare-host-directories").verdict).toBe("pass");
    expect(line("audiobookshelf")).toMatchObject({ verdict: "fail", fact: expect.stringMatching(/ECONNREFUSED/) });
    expect(verdicts["abs key etl"]).toBe("unchecked");
    expect(line("syncthing folder library")).toMatchObject({ verdict: "unchecked", fact: "no API key: SYNCTHING_API_KEY is not set" });
    const withKey = await doctor([], { SYNCTHING_API_KEY: "some-key" });
    expect(withKey.line("syncthing device palma")).toMatchObject({ verdict: "unchecked", fact: expect.stringMatching(/does not answer/) });

    // Where nothing can be asked at all: an ssh:// Docker host and an unresolvable tailnet name.
    const far = await cli(["doctor", "--json", "-c", stack, "--out", out, "--abs-url", "https://shelf.tail1234.invalid", "--status-dir", join(root, "nowhere")]);
    const report = JSON.parse(far.stdout) as { checks: Line[] };
    expect(report.checks.filter((c) => c.verdict === "pass").map((c) => c.name)).toEqual(["disk ebooks", "disk audiobooks", "disk statistics", "disk snapshots", "disk appdata"]);
    expect(report.checks.find((c) => c.name === "containers")).toMatchObject({ verdict: "unchecked", fact: expect.stringMatching(/ssh:\/\/reader@homeserver.local/) });
    expect(report.checks.find((c) => c.name === "job backup")).toMatchObject({ verdict: "unchecked" });
    expect(report.checks.find((c) => c.name === "https certificate")).toMatchObject({ verdict: "unchecked" });
    expect(far.status).toBe(0);
  }, 60_000);

  test("an ssh:// Docker host is listed through the docker CLI with DOCKER_HOST set", async () => {
    const bin = join(root, "fake-docker-bin");
    mkdirSync(bin, { recursive: true });
    // A stand-in for `docker ps --all --format '{{json .}}'`: the real CLI's line format, Names without the slash.
    const lines = expectedContainers(join(out, "docker-compose.yml")).map((c) =>
      JSON.stringify(
        c.name === "ingest"
          ? { Names: c.name, State: "restarting", Status: "Restarting (1) 3 seconds ago" }
          : { Names: c.name, State: c.oneShot ? "exited" : "running", Status: c.oneShot ? "Exited (0) 1 hour ago" : c.hasHealthCheck ? "Up 1 hour (healthy)" : "Up 1 hour" },
      ),
    );
    writeFileSync(
      join(bin, "docker"),
      `#!/bin/sh\n[ "$DOCKER_HOST" = "ssh://reader@homeserver.local" ] || { echo "wrong DOCKER_HOST $DOCKER_HOST" >&2; exit 1; }\n[ "$1 $2" = "ps --all" ] || exit 1\ncat <<'EOF'\n${lines.join("\n")}\nEOF\n`,
      { mode: 0o755 },
    );
    const run = await cli(["doctor", "--json", "-c", stack, "--out", out, "--abs-url", "https://shelf.tail1234.invalid"], { PATH: `${bin}:${process.env.PATH}` });
    const checks = (JSON.parse(run.stdout) as { checks: Line[] }).checks.filter((c) => c.name.startsWith("container"));
    expect(checks.find((c) => c.name === "container ingest")).toMatchObject({ verdict: "fail", fact: "restarting (Restarting (1) 3 seconds ago)" });
    expect(checks.filter((c) => c.verdict === "pass").length).toBe(checks.length - 1);
    expect(run.status).toBe(1);
  }, 60_000);
});
