import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ABS_KEY_FILE, absKeyHandoffs, absKeysDir } from "../../config/abs-keys";
import type { StackConfig } from "../../config/resolve";
import { fail, pass, reason, unchecked, type Check } from "./check";
import { get, isUnreachable } from "./http";

/**
 * Audiobookshelf answers /healthcheck, runs the version stack.yaml pins, and accepts each client's
 * API key from its key file (the keys are only readable on the server).
 */
export async function checkAudiobookshelf(config: StackConfig, url: string, keysDir = absKeysDir(config)): Promise<Check[]> {
  const base = url.replace(/\/+$/, "");
  const pinned = config.audiobookshelf.version;
  try {
    const health = await get(`${base}/healthcheck`);
    if (health.status !== 200) {
      return [fail("audiobookshelf", `${base}/healthcheck answered ${health.status}`, "docker logs audiobookshelf"), ...skipKeys(config, "Audiobookshelf is not healthy")];
    }
  } catch (error) {
    const why = reason(error);
    const check = isUnreachable(error)
      ? unchecked("audiobookshelf", `no network path to ${base} (${why})`, "join the tailnet (tailscale up), or run doctor on the server")
      : fail("audiobookshelf", `${base}/healthcheck: ${why}`, "docker start audiobookshelf; docker logs audiobookshelf");
    return [check, ...skipKeys(config, `${base} did not answer`)];
  }
  const checks: Check[] = [];
  try {
    const status = JSON.parse((await get(`${base}/status`)).body) as { serverVersion?: string };
    checks.push(
      status.serverVersion === pinned
        ? pass("audiobookshelf", `answers /healthcheck, version ${pinned} as pinned`)
        : fail(
            "audiobookshelf",
            `answers, but runs ${status.serverVersion ?? "an unknown version"}, stack.yaml pins ${pinned}`,
            "deploy again (cdktf deploy) so the pinned image runs, or pin the running version in stack.yaml",
          ),
    );
  } catch (error) {
    checks.push(fail("audiobookshelf", `answers /healthcheck but /status failed: ${reason(error)}`, "docker logs audiobookshelf"));
  }
  for (const handoff of absKeyHandoffs(config)) {
    const name = `abs key ${handoff.client}`;
    const file = join(keysDir, handoff.client, ABS_KEY_FILE);
    if (!existsSync(keysDir)) {
      checks.push(unchecked(name, `the key files are not here (${keysDir})`, "run doctor on the server, where the keys are"));
      continue;
    }
    if (!existsSync(file)) {
      checks.push(fail(name, `no key file ${file}`, "docker exec jobs shelfstack bootstrap (it creates the key and writes the file)"));
      continue;
    }
    let key: string;
    try {
      key = readFileSync(file, "utf8").trim();
    } catch (error) {
      checks.push(unchecked(name, `${file} is not readable here (${reason(error)})`, `run doctor as the user that owns ${keysDir}`));
      continue;
    }
    try {
      const me = await get(`${base}/api/me`, { headers: { Authorization: `Bearer ${key}` } });
      checks.push(
        me.status === 200
          ? pass(name, `${file} holds a key Audiobookshelf accepts`)
          : fail(name, `Audiobookshelf refuses the key in ${file} (${me.status})`, "docker exec jobs shelfstack bootstrap (it replaces a key Audiobookshelf no longer knows)"),
      );
    } catch (error) {
      checks.push(fail(name, `could not try the key: ${reason(error)}`, "docker logs audiobookshelf"));
    }
  }
  return checks;
}

function skipKeys(config: StackConfig, why: string): Check[] {
  return absKeyHandoffs(config).map((h) => unchecked(`abs key ${h.client}`, why, "fix Audiobookshelf first"));
}
