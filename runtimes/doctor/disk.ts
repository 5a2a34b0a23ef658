import { existsSync, statfsSync } from "node:fs";
import type { StackConfig } from "../../config/resolve";
import { fail, pass, reason, unchecked, type Check } from "./check";

const GiB = 1024 ** 3;

function size(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** Free space on each data path (each filesystem once): too little fails before a backup or a sync does. */
export function checkDisks(config: StackConfig, minFreeBytes: number): Check[] {
  const { paths } = config.server;
  const list: [string, string][] = [
    ["ebooks", paths.ebooks],
    ["audiobooks", paths.audiobooks],
    ["statistics", paths.statistics],
    ["snapshots", paths.snapshots],
    ["appdata", paths.appdata],
  ];
  const checks: Check[] = [];
  const seen = new Map<string, string>();
  for (const [what, path] of list) {
    const name = `disk ${what}`;
    if (!existsSync(path)) {
      checks.push(unchecked(name, `${path} is not on this machine`, "run doctor on the server"));
      continue;
    }
    try {
      const s = statfsSync(path);
      const free = s.bavail * s.bsize;
      const key = `${s.type}:${s.blocks}:${s.bsize}:${s.files}`;
      const shared = seen.get(key);
      if (!shared) seen.set(key, what);
      const fact = `${size(free)} free of ${size(s.blocks * s.bsize)} at ${path}${shared ? ` (same disk as ${shared})` : ""}`;
      checks.push(free < minFreeBytes ? fail(name, `only ${fact}`, `free space on that disk (less than ${size(minFreeBytes)} left)`) : pass(name, fact));
    } catch (error) {
      checks.push(unchecked(name, `${path}: ${reason(error)}`, "run doctor as a user that can read the data paths"));
    }
  }
  return checks;
}
