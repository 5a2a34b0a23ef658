import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../syncthing/syncthing-process";

/**
 * A real `syncthing serve` on loopback only: its own home, sync port and REST API on 127.0.0.1,
 * discovery and relays off, a one-second redial so two instances find each other quickly.
 */
export class LoopbackSyncthing {
  private child?: ChildProcess;
  private log = "";
  readonly apiKey: string;
  readonly deviceId: string;

  private constructor(
    readonly home: string,
    readonly guiPort: number,
    readonly syncPort: number,
  ) {
    this.apiKey = `doctor-test-${guiPort}`;
    const r = spawnSync("syncthing", ["generate", `--home=${home}`, "--no-default-folder", "--skip-port-probing"], { encoding: "utf8" });
    const id = /Device ID: ([A-Z2-7-]+)/.exec(`${r.stdout}${r.stderr}`)?.[1];
    if (r.status !== 0 || !id) throw new Error(`syncthing generate failed: ${r.stderr}`);
    this.deviceId = id;
    const file = join(home, "config.xml");
    const options = `<listenAddress>tcp://127.0.0.1:${syncPort}</listenAddress><globalAnnounceEnabled>false</globalAnnounceEnabled><localAnnounceEnabled>false</localAnnounceEnabled><relaysEnabled>false</relaysEnabled><natEnabled>false</natEnabled><reconnectionIntervalS>1</reconnectionIntervalS><urAccepted>-1</urAccepted><autoUpgradeIntervalH>0</autoUpgradeIntervalH><crashReportingEnabled>false</crashReportingEnabled>`;
    writeFileSync(file, readFileSync(file, "utf8").replace(/<options>[\s\S]*<\/options>/, `<options>${options}</options>`));
  }

  static async create(home: string): Promise<LoopbackSyncthing> {
    return new LoopbackSyncthing(home, await freePort(), await freePort());
  }

  get url(): string {
    return `http://127.0.0.1:${this.guiPort}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      "syncthing",
      ["serve", `--home=${this.home}`, "--no-browser", "--no-restart", "--logflags=0", `--gui-address=127.0.0.1:${this.guiPort}`, `--gui-apikey=${this.apiKey}`],
      {
        env: { PATH: process.env.PATH, HOME: this.home, STHASHING: "standard", STNOUPGRADE: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child.stdout?.on("data", (d) => (this.log += d));
    this.child.stderr?.on("data", (d) => (this.log += d));
    for (let i = 0; i < 300; i++) {
      try {
        if ((await this.request("GET", "/rest/system/ping")).ok) return;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`syncthing did not start:\n${this.log}`);
  }

  request(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method,
      headers: { "X-API-Key": this.apiKey, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async send(method: string, path: string, body?: unknown): Promise<void> {
    const r = await this.request(method, path, body);
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  }

  async get<T>(path: string): Promise<T> {
    const r = await this.request("GET", path);
    if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
    return (await r.json()) as T;
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child!.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }
}
