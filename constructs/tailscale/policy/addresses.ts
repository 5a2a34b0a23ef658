import { isIPv4, isIPv6 } from "node:net";

/** An IP prefix (a single address is a /32 or /128), as big integers so v4 and v6 share the code. */
export interface Prefix {
  readonly v6: boolean;
  readonly base: bigint;
  readonly bits: number;
}

/** Where Tailscale numbers its nodes: a user's or tag's device has some address in here. */
export const TAILNET_RANGES: readonly Prefix[] = [parsePrefix("100.64.0.0/10")!, parsePrefix("fd7a:115c:a1e0::/48")!];

/** "100.101.102.103", "192.168.1.0/24", "[fd7a::1]", "fd7a::/48"; undefined if it is not an address. */
export function parsePrefix(text: string): Prefix | undefined {
  const [address, length, extra] = text.replace(/^\[(.*)\]$/, "$1").split("/");
  if (extra !== undefined) return undefined;
  const v6 = isIPv6(address);
  if (!v6 && !isIPv4(address)) return undefined;
  const width = v6 ? 128 : 32;
  const bits = length === undefined ? width : Number(length);
  if (!Number.isInteger(bits) || bits < 0 || bits > width || (length !== undefined && !/^\d+$/.test(length))) return undefined;
  const value = v6 ? v6Value(address) : address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(part), 0n);
  return { v6, base: value & mask(bits, width), bits };
}

function v6Value(address: string): bigint {
  let text = address;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail) {
    const n = v4Tail[1].split(".").map(Number);
    text = text.slice(0, -v4Tail[1].length) + `${((n[0] << 8) | n[1]).toString(16)}:${((n[2] << 8) | n[3]).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail !== undefined && tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function mask(bits: number, width: number): bigint {
  const all = (1n << BigInt(width)) - 1n;
  return bits === 0 ? 0n : all ^ ((1n << BigInt(width - bits)) - 1n);
}

/** Does `outer` hold every address of `inner`? */
export function contains(outer: Prefix, inner: Prefix): boolean {
  if (outer.v6 !== inner.v6 || outer.bits > inner.bits) return false;
  return (inner.base & mask(outer.bits, outer.v6 ? 128 : 32)) === outer.base;
}

export function overlaps(a: Prefix, b: Prefix): boolean {
  return contains(a, b) || contains(b, a);
}
