import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { EXAMPLE } from "./cli";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function luhn32(block: string): string {
  let factor = 1;
  let sum = 0;
  for (const ch of block) {
    const addend = factor * ALPHABET.indexOf(ch);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return ALPHABET[(32 - (sum % 32)) % 32];
}
/** A valid Syncthing device ID from a seed. */
function deviceId(seed: number): string {
  const bytes = createHash("sha256").update(String(seed)).digest();
  let s = "";
  for (let i = 0; i < 52; i++) s += ALPHABET[bytes[i % 32] % 32];
  return [0, 1, 2, 3].map((k) => s.slice(k * 13, k * 13 + 13)).map((b) => b + luhn32(b)).join("").match(/.{7}/g)!.join("-");
}

/** 50 Android readers, each with its own KOReader settings folder, plus the library: 51 folders. */
export function largeStackYaml(devices = 50): string {
  const list = Array.from({ length: devices }, (_, i) => `  - { name: reader${i}, kind: android-ereader, syncthingId: ${deviceId(i + 1)} }`);
  return (
    readFileSync(EXAMPLE, "utf8").replace(/^devices:\n(?:  .*\n)+/m, `devices:\n${list.join("\n")}\n`) +
    `\nsyncthing:\n  serverId: ${deviceId(999)}\n`
  );
}

