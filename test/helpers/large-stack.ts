import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { EXAMPLE } from "./cli";
import { deviceIdFromDigest } from "../../config/device-id";

/** A valid Syncthing device ID from a seed. */
const deviceId = (seed: number) => deviceIdFromDigest(createHash("sha256").update(String(seed)).digest());

/** 50 Android readers, each with its own KOReader settings folder, plus the library: 51 folders. */
export function largeStackYaml(devices = 50): string {
  const list = Array.from({ length: devices }, (_, i) => `  - { name: reader${i}, kind: android-ereader, syncthingId: ${deviceId(i + 1)} }`);
  return readFileSync(EXAMPLE, "utf8").replace(/^devices:\n(?:  .*\n)+/m, `devices:\n${list.join("\n")}\n`) + `\nsyncthing:\n  serverId: ${deviceId(-1)}\n`;
}
