/**
 * Syncthing device IDs: 8 groups of 7 base32 characters. The 56 characters are 4 blocks of 13
 * with one check character each (Syncthing's own "luhn32", which is not quite Luhn). We check it
 * ourselves because a mistyped ID otherwise shows up only as a device that never connects.
 */
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

/** Syncthing's own normalisation: case, separators, and the look-alike digits 0, 1, 8. */
function normalise(id: string): string {
  return id.toUpperCase().replace(/[-\s]/g, "").replace(/=+$/, "").replace(/0/g, "O").replace(/1/g, "I").replace(/8/g, "B");
}

export function isValidDeviceId(id: string): boolean {
  const s = normalise(id);
  if (s.length !== 56 || ![...s].every((c) => ALPHABET.includes(c))) return false;
  for (let k = 0; k < 4; k++) {
    if (luhn32(s.slice(k * 14, k * 14 + 13)) !== s[k * 14 + 13]) return false;
  }
  return true;
}

/** The canonical display form, `XXXXXXX-…` (8 groups of 7), as Syncthing writes it. */
export function canonicalDeviceId(id: string): string {
  return normalise(id).match(/.{7}/g)!.join("-");
}

/**
 * The device ID of a certificate's SHA-256: base32 without padding (52 characters), a check
 * character after each 13, shown as 8 groups of 7 — how Syncthing derives it from the DER bytes.
 */
export function deviceIdFromDigest(sha256: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let base32 = "";
  for (const byte of sha256) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      base32 += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) base32 += ALPHABET[(value << (5 - bits)) & 31];
  const checked = base32
    .match(/.{13}/g)!
    .map((block) => block + luhn32(block))
    .join("");
  return canonicalDeviceId(checked);
}
