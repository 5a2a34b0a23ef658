import type { StackConfig } from "../../config/resolve";
import { syncthingDevices, syncthingFolders } from "../../config/syncthing-folders";
import { fail, pass, reason, unchecked, type Check } from "./check";
import { get, isUnreachable } from "./http";

export interface SyncthingCheckOptions {
  /** The server Syncthing's REST API, e.g. http://127.0.0.1:8384. */
  readonly url: string;
  /** The API key (from the environment variable stack.yaml names); undefined: not checked. */
  readonly apiKey?: string;
  /** A reader not seen for longer than this is reported. */
  readonly seenWithinHours: number;
  readonly now: Date;
}

interface FolderConfig {
  id: string;
  type: string;
  path: string;
  paused?: boolean;
}

/** Syncthing's "never": the zero time, as its REST API prints it. */
const NEVER = Date.parse("1970-01-01T00:00:00Z");

/**
 * The server's Syncthing against the stack's folder plan: each folder exists with the type the
 * stack declares (someone switching it in the GUI is drift), is not in error, has no local changes
 * where it only receives, and each reader was seen recently.
 */
export async function checkSyncthing(config: StackConfig, options: SyncthingCheckOptions): Promise<Check[]> {
  if (!config.syncthing.enabled) return [];
  const folders = syncthingFolders(config);
  const { devices } = syncthingDevices(config);
  const names = [...folders.map((f) => `syncthing folder ${f.id}`), ...devices.map((d) => `syncthing device ${d.name}`)];
  const skipAll = (fact: string, fix: string) => (names.length ? names : ["syncthing"]).map((n) => unchecked(n, fact, fix));
  if (!options.apiKey)
    return skipAll(`no API key: ${config.syncthing.apiKey.env} is not set`, `export ${config.syncthing.apiKey.env} (the key the server's Syncthing runs with) and run again`);
  const base = options.url.replace(/\/+$/, "");
  const api = async <T>(path: string): Promise<T> => {
    const answer = await get(`${base}${path}`, { headers: { "X-API-Key": options.apiKey! } });
    if (answer.status === 403 || answer.status === 401) throw Object.assign(new Error(`Syncthing refuses the API key in ${config.syncthing.apiKey.env}`), { refused: true });
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.trim().slice(0, 200)}`);
    return JSON.parse(answer.body) as T;
  };

  let running: FolderConfig[];
  try {
    running = await api<FolderConfig[]>("/rest/config/folders");
  } catch (error) {
    if (isUnreachable(error) || (error as { code?: string }).code === "ECONNREFUSED") {
      return skipAll(
        `Syncthing's API at ${base} does not answer (${reason(error)})`,
        "it listens on the server only: docker exec jobs shelfstack doctor, or docker start syncthing",
      );
    }
    return names.map((n) =>
      fail(n, reason(error), (error as { refused?: boolean }).refused ? `set ${config.syncthing.apiKey.env} to the key the server's Syncthing uses` : "docker logs syncthing"),
    );
  }

  const checks: Check[] = [];
  for (const folder of folders) {
    const name = `syncthing folder ${folder.id}`;
    const want = folder.server.type;
    const got = running.find((f) => f.id === folder.id);
    if (!got) {
      checks.push(fail(name, "is missing from the server's Syncthing", "restart the syncthing container (its start script applies the rendered config.xml)"));
      continue;
    }
    if (got.type !== want) {
      checks.push(
        fail(
          name,
          `drift: the server has it as ${got.type}, the stack declares ${want}`,
          `set it back to ${want} (Syncthing GUI → folder → Advanced → Folder Type), or restart the syncthing container`,
        ),
      );
      continue;
    }
    try {
      const status = await api<{ state?: string; error?: string; receiveOnlyChangedFiles?: number; receiveOnlyTotalItems?: number }>(
        `/rest/db/status?folder=${encodeURIComponent(folder.id)}`,
      );
      const errors = await api<{ errors?: { path: string; error: string }[] | null }>(`/rest/folder/errors?folder=${encodeURIComponent(folder.id)}`);
      const firstError = errors.errors?.[0];
      if (status.state === "error" || status.error) {
        checks.push(fail(name, `in error: ${status.error ?? status.state}`, `look at ${got.path} (mounted? writable?) and the Syncthing GUI`));
      } else if (firstError) {
        checks.push(
          fail(name, `${errors.errors!.length} file(s) fail to sync, e.g. ${firstError.path}: ${firstError.error}`, "see the folder's Failed Items in the Syncthing GUI"),
        );
      } else if (want === "receiveonly" && (status.receiveOnlyTotalItems ?? status.receiveOnlyChangedFiles ?? 0) > 0) {
        checks.push(
          fail(
            name,
            `${status.receiveOnlyTotalItems ?? status.receiveOnlyChangedFiles} local change(s) on the receive-only side`,
            "Syncthing GUI → folder → Revert Local Changes (the reader's copy wins)",
          ),
        );
      } else {
        checks.push(pass(name, `${want} as declared, ${got.paused ? "paused" : (status.state ?? "ok")}`));
      }
    } catch (error) {
      checks.push(fail(name, reason(error), "docker logs syncthing"));
    }
  }

  try {
    const stats = await api<Record<string, { lastSeen?: string }>>("/rest/stats/device");
    const connections = await api<{ connections?: Record<string, { connected?: boolean }> }>("/rest/system/connections");
    const limitMs = options.seenWithinHours * 3_600_000;
    for (const device of devices) {
      const name = `syncthing device ${device.name}`;
      const id = device.deviceId!;
      if (connections.connections?.[id]?.connected) {
        checks.push(pass(name, "connected now"));
        continue;
      }
      const seen = Date.parse(stats[id]?.lastSeen ?? "") || NEVER;
      if (seen <= NEVER) {
        checks.push(fail(name, "never seen by the server", `open Syncthing on ${device.name} and check it has the server as a device (SETUP.md)`));
      } else if (options.now.getTime() - seen > limitMs) {
        checks.push(
          fail(
            name,
            `not seen since ${new Date(seen).toISOString()} (more than ${options.seenWithinHours} h)`,
            `wake ${device.name}: Wi-Fi on, Tailscale connected, Syncthing running`,
          ),
        );
      } else {
        checks.push(pass(name, `not connected now, last seen ${new Date(seen).toISOString()}`));
      }
    }
  } catch (error) {
    for (const device of devices) checks.push(fail(`syncthing device ${device.name}`, reason(error), "docker logs syncthing"));
  }
  return checks;
}
