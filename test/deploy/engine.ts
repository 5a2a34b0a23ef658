import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Debian's docker CLI: with DOCKER_BUILDKIT=1 it uses the engine's built-in BuildKit, with 0 the
 * legacy builder. (A CLI without buildx, like the one first on PATH on these machines, has only
 * the legacy builder.)
 */
export const DOCKER = existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
export const COMPOSE = existsSync("/usr/bin/docker-compose") ? "/usr/bin/docker-compose" : "docker-compose";

export interface Result {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a command to its end; `check` throws with its output when it fails. */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions & { check?: boolean } = {}): Result {
  const started = Date.now();
  const r = spawnSync(command, [...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options });
  const result = { status: r.status, stdout: String(r.stdout ?? ""), stderr: String(r.stderr ?? ""), seconds: (Date.now() - started) / 1000 };
  if ((options.check ?? true) && r.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
  }
  return result;
}

export function docker(args: readonly string[], options: SpawnSyncOptions & { check?: boolean } = {}): Result {
  return run(DOCKER, args, options);
}

/** Whether a Docker engine answers (the CLI alone is not enough). */
export function engineRuns(): boolean {
  try {
    return spawnSync(DOCKER, ["info", "--format", "{{.ServerVersion}}"], { stdio: "ignore", timeout: 20_000 }).status === 0;
  } catch {
    return false;
  }
}

export interface ContainerState {
  readonly Status: string;
  readonly Running: boolean;
  readonly ExitCode: number;
  readonly Pid: number;
  readonly StartedAt: string;
  readonly FinishedAt: string;
  readonly Health?: { readonly Status: string };
}

export function state(container: string): ContainerState {
  return JSON.parse(docker(["inspect", "-f", "{{json .State}}", container]).stdout) as ContainerState;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined), or throws `what` after `seconds`. */
export async function waitFor<T>(what: string, seconds: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  let last: unknown;
  for (;;) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await sleep(2000);
  }
}
