import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasTool } from "../helpers/tools";

const SANDBOX = join(__dirname, "sandbox.sh");
/** Syncthing's home inside the sandbox. */
export const HOME_IN_SANDBOX = "/st";

/** A directory that stands in for a machine's root: Syncthing runs chrooted into it. */
export class Sandbox {
  readonly root: string;
  constructor(prefix = "shelfstack-st-") {
    this.root = mkdtempSync(join(tmpdir(), prefix));
  }
  /** Host path of a path inside the sandbox. */
  path(inside: string): string {
    return join(this.root, inside);
  }
  get home(): string {
    return this.path(HOME_IN_SANDBOX);
  }
  /** Call only after every process in it has exited; refuses if a bind mount is still visible. */
  remove(): void {
    for (const d of ["usr", "etc", "dev", "proc"]) {
      const p = join(this.root, d);
      if (existsSync(p) && readdirSync(p).length > 0) throw new Error(`${p} is not empty — a sandbox mount is visible here; not deleting`);
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The sandbox works only where a private mount namespace can be made (root; CI runs as root). */
export function sandboxProblem(): string | undefined {
  const r = spawnSync("unshare", ["-m", "--propagation", "private", "true"], { encoding: "utf8" });
  return r.status === 0 ? undefined : `needs root for a private mount namespace (unshare -m: ${(r.stderr || r.error?.message || "").trim()})`;
}

/** What a real-Syncthing suite lacks here, if anything: the program, or the sandbox it runs in. */
export function syncthingProblem(): string | undefined {
  if (!hasTool("syncthing")) return "syncthing is not installed (apt-get install syncthing; Debian bookworm ships 1.19.2)";
  return sandboxProblem();
}

/** `syncthing generate` into the sandbox's home: a fresh key pair; returns its device ID. */
export function generate(sandbox: Sandbox): string {
  mkdirSync(sandbox.root, { recursive: true });
  const r = spawnSync("syncthing", ["generate", `--home=${sandbox.home}`, "--no-default-folder", "--skip-port-probing"], { encoding: "utf8" });
  const id = /Device ID: ([A-Z2-7-]+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
  if (r.status !== 0 || !id) throw new Error(`syncthing generate failed: ${r.stderr}`);
  return id;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A running `syncthing serve`, chrooted into a sandbox, REST API on 127.0.0.1. */
export class SyncthingProcess {
  private log = "";
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly apiKey: string,
  ) {
    child.stdout?.on("data", (d) => (this.log += d));
    child.stderr?.on("data", (d) => (this.log += d));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  /**
   * Starts Syncthing on the sandbox's home. `paused` starts every device and folder paused, so it
   * dials no peer (the addresses are tailnet names; tests talk only to loopback).
   */
  static async start(sandbox: Sandbox, options: { paused: boolean }): Promise<SyncthingProcess> {
    const port = await freePort();
    const apiKey = `test-${port}-key`;
    const args = [
      "-m",
      "--propagation",
      "private",
      "sh",
      SANDBOX,
      sandbox.root,
      "/usr/bin/syncthing",
      "serve",
      `--home=${HOME_IN_SANDBOX}`,
      "--no-browser",
      "--no-restart",
      "--logflags=0",
      `--gui-address=127.0.0.1:${port}`,
      `--gui-apikey=${apiKey}`,
    ];
    if (options.paused) args.push("--paused");
    // STHASHING skips the start-up hash benchmark (a second of CPU per start).
    const child = spawn("unshare", args, { env: { PATH: process.env.PATH, HOME: HOME_IN_SANDBOX, STHASHING: "standard", STNOUPGRADE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    const st = new SyncthingProcess(child, port, apiKey);
    await st.waitReady();
    return st;
  }

  private async waitReady(): Promise<void> {
    let done = false;
    void this.exited.then(() => (done = true));
    for (let i = 0; i < 300 && !done; i++) {
      try {
        if ((await this.get("/rest/system/ping")).ping === "pong") return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.kill();
    throw new Error(`syncthing did not answer on 127.0.0.1:${this.port}:\n${this.log}`);
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { "X-API-Key": this.apiKey, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async get(path: string): Promise<any> {
    const r = await this.request("GET", path);
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  }

  get output(): string {
    return this.log;
  }

  /** POST /rest/system/shutdown, then wait for the process to end (killed if it does not). */
  async stop(): Promise<void> {
    try {
      await this.request("POST", "/rest/system/shutdown");
    } catch {
      /* already gone */
    }
    const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10000).unref());
    if ((await Promise.race([this.exited, timeout])) === "timeout") await this.kill();
  }

  private async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }
}
