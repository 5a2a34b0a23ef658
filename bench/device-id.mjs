// Valid Syncthing device IDs for the benches' generated stacks. A bench is plain .mjs and cannot
// import config/device-id.ts, so the check-character rule is written once more here, for them all.
import { createHash } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function luhn32(block) {
  let factor = 1;
  let sum = 0;
  for (const ch of block) {
    const addend = factor * ALPHABET.indexOf(ch);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return ALPHABET[(32 - (sum % 32)) % 32];
}

/** A valid device ID from a seed (deterministic, so runs compare): base32 of a hash, with check characters. */
export function deviceId(seed) {
  const bytes = createHash("sha256").update(String(seed)).digest();
  let s = "";
  for (let i = 0; i < 52; i++) s += ALPHABET[bytes[i % 32] % 32];
  const blocks = [0, 1, 2, 3].map((k) => s.slice(k * 13, k * 13 + 13)).map((b) => b + luhn32(b));
  return blocks.join("").match(/.{7}/g).join("-");
}
