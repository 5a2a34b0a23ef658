import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { fail, pass, reason, unchecked, type Check } from "./check";
import { get, isUnreachable } from "./http";

/** A container as the rendered docker-compose.yml declares it. */
export interface ExpectedContainer {
  readonly name: string;
  /** A one-shot task (restart "no"): done is fine, if it exited 0. */
  readonly oneShot: boolean;
  readonly hasHealthCheck: boolean;
}

/** The containers the stack runs, read from the rendered compose file (the same services Terraform creates). */
export function expectedContainers(composeFile: string): ExpectedContainer[] {
  const doc = parse(readFileSync(composeFile, "utf8")) as { services?: Record<string, { container_name?: string; restart?: string; healthcheck?: unknown }> };
  return Object.entries(doc.services ?? {})
    .map(([service, s]) => ({ name: s.container_name ?? service, oneShot: s.restart === "no", hasHealthCheck: !!s.healthcheck }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

interface EngineContainer {
  Names?: string[];
  State?: string;
  Status?: string;
}

/** The Engine API's socket for a docker host: a unix socket is spoken to directly; other hosts through the docker CLI. */
export function engineSocket(dockerHost: string): string | undefined {
  return dockerHost.startsWith("unix://") ? dockerHost.slice("unix://".length) : undefined;
}

/**
 * Every expected container is running and, when it has a health check, healthy by it (Docker's own
 * verdict, in the list's Status: "Up 3 minutes (healthy)"); a one-shot task exited 0.
 */
export async function checkContainers(options: { dockerHost: string; composeFile?: string; docker?: string }): Promise<Check[]> {
  const socket = engineSocket(options.dockerHost);
  if (!options.composeFile || !existsSync(options.composeFile)) {
    return [
      unchecked(
        "containers",
        `no rendered docker-compose.yml${options.composeFile ? ` at ${options.composeFile}` : ""} to know which containers to expect`,
        "run shelfstack synth, or pass --out <dir>",
      ),
    ];
  }
  const expected = expectedContainers(options.composeFile);
  let list: EngineContainer[];
  if (!socket) {
    // ssh:// and tcp:// hosts: the docker CLI knows how to reach them (ssh keys, contexts).
    const listed = await listWithCli(options.dockerHost, options.docker ?? "docker");
    if ("unchecked" in listed)
      return [
        unchecked(
          "containers",
          listed.unchecked,
          `check that \`DOCKER_HOST=${options.dockerHost} docker ps\` works here (ssh key loaded), or run doctor on the server with --docker-host unix:///var/run/docker.sock`,
        ),
      ];
    list = listed.list;
  } else {
    try {
      const answer = await get("http://docker/containers/json?all=true", { socketPath: socket });
      if (answer.status !== 200)
        return [fail("containers", `the Docker Engine API at ${socket} answered ${answer.status}`, "check that dockerd runs and this user may use its socket")];
      list = JSON.parse(answer.body) as EngineContainer[];
    } catch (error) {
      const why = reason(error);
      return isUnreachable(error)
        ? [unchecked("containers", `no Docker Engine API at ${socket} (${why})`, "run doctor where the Docker socket is (on the server), or pass --docker-host")]
        : [fail("containers", `the Docker Engine API at ${socket} failed: ${why}`, "check that dockerd runs")];
    }
  }
  const byName = new Map(list.flatMap((c) => (c.Names ?? []).map((n) => [n.replace(/^\//, ""), c] as const)));
  return expected.map((want) => containerCheck(want, byName.get(want.name)));
}

function containerCheck(want: ExpectedContainer, got: EngineContainer | undefined): Check {
  const name = `container ${want.name}`;
  const start = `docker start ${want.name} (or cdktf deploy / docker-compose up -d), then docker logs ${want.name}`;
  if (!got) return fail(name, "does not exist", `deploy again: cdktf deploy, or docker-compose up -d`);
  const status = got.Status ?? got.State ?? "unknown";
  if (want.oneShot) {
    if (got.State === "exited" && /^Exited \(0\)/.test(status)) return pass(name, `one-shot task done (${status})`);
    if (got.State === "running") return pass(name, `one-shot task running (${status})`);
    return fail(name, `one-shot task ${status}`, `docker logs ${want.name}`);
  }
  if (got.State !== "running") return fail(name, `${got.State ?? "not running"} (${status})`, start);
  if (/\(unhealthy\)/.test(status)) return fail(name, `running but unhealthy by its health check (${status})`, `docker inspect --format '{{json .State.Health}}' ${want.name}`);
  if (/\(health: starting\)/.test(status)) return fail(name, `running, health check still starting (${status})`, "wait a minute and run doctor again");
  if (want.hasHealthCheck && !/\(healthy\)/.test(status)) return fail(name, `running without a health verdict (${status})`, `docker inspect ${want.name}`);
  return pass(name, want.hasHealthCheck ? `running and healthy (${status})` : `running (${status})`);
}

/**
 * `docker ps --all` through the CLI with DOCKER_HOST set: one JSON object a line, with the same
 * State and Status as the Engine API (Names without the slash). Anything that stops it from
 * answering (no CLI, no ssh key, host down) means the containers were not checked.
 */
function listWithCli(dockerHost: string, docker: string): Promise<{ list: EngineContainer[] } | { unchecked: string }> {
  return new Promise((resolve) => {
    execFile(
      docker,
      ["ps", "--all", "--no-trunc", "--format", "{{json .}}"],
      { env: { ...process.env, DOCKER_HOST: dockerHost }, encoding: "utf8", timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error) {
          const why = (error as { code?: string }).code === "ENOENT" ? "the docker CLI is not installed here" : (stderr.trim().split("\n").at(-1) ?? error.message);
          resolve({ unchecked: `could not list the containers on ${dockerHost}: ${why}` });
          return;
        }
        try {
          const rows = stdout
            .split("\n")
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as { Names?: string; State?: string; Status?: string });
          resolve({ list: rows.map((r) => ({ Names: (r.Names ?? "").split(",").filter(Boolean), State: r.State, Status: r.Status })) });
        } catch {
          resolve({ unchecked: `docker ps on ${dockerHost} printed something else than JSON lines` });
        }
      },
    );
  });
}
