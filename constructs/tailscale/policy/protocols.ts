/**
 * Protocols and port lists as the policy file writes them: `proto` in acls and tests, the
 * `:ports` of an acl destination, and a grant's `ip` entries ("tcp:443", "22000", "*").
 */

const NAMES: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  ipv4: 4,
  "ip-in-ip": 4,
  tcp: 6,
  egp: 8,
  igp: 9,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  "ipv6-icmp": 58,
  sctp: 132,
};
export const TCP = 6;
export const UDP = 17;
const PORTED = new Set([TCP, UDP, 132]);

/** Protocol number of a `proto` value, or undefined if it names none. */
export function protocolNumber(proto: string): number | undefined {
  const key = proto.toLowerCase();
  if (key in NAMES) return NAMES[key];
  return /^\d+$/.test(key) && Number(key) >= 1 && Number(key) <= 255 ? Number(key) : undefined;
}

export function protocolName(n: number): string {
  return Object.keys(NAMES).find((k) => NAMES[k] === n) ?? String(n);
}

/** Inclusive port ranges; "*" is [0, 65535]. */
export type PortRanges = readonly (readonly [number, number])[];

export function parsePorts(text: string): PortRanges | undefined {
  if (text === "*") return [[0, 65535]];
  const ranges: [number, number][] = [];
  for (const part of text.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return undefined;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    if (first > 65535 || last > 65535 || first > last) return undefined;
    ranges.push([first, last]);
  }
  return ranges;
}

export function inPorts(ranges: PortRanges, port: number): boolean {
  return ranges.some(([a, b]) => port >= a && port <= b);
}

/** What a rule lets through: which protocols (undefined: every one) on which ports. */
export interface Allowance {
  readonly protocols?: readonly number[];
  readonly ports: PortRanges;
}

/** An acl rule's `proto` and one destination's ports. Without `proto`: TCP and UDP. */
export function aclAllowance(proto: string | undefined, ports: PortRanges): Allowance | string {
  if (proto === undefined) return { protocols: [TCP, UDP], ports };
  const n = protocolNumber(proto);
  if (n === undefined) return `unknown proto "${proto}" — use a name such as tcp or udp, or an IANA number`;
  const all = ports.length === 1 && ports[0][0] === 0 && ports[0][1] === 65535;
  if (!PORTED.has(n) && !all) return `proto ${proto} has no ports — write the destination as host:*`;
  return { protocols: [n], ports };
}

/** One `ip` entry of a grant: "*", "443", "tcp:443", "udp:*", "icmp:*", "tcp:80,443". */
export function grantAllowance(entry: string): Allowance | string {
  if (entry === "*") return { ports: [[0, 65535]] };
  const colon = entry.indexOf(":");
  const proto = colon === -1 ? undefined : entry.slice(0, colon);
  const ports = parsePorts(colon === -1 ? entry : entry.slice(colon + 1));
  if (!ports) return `"${entry}" is not a port list — write e.g. tcp:443, 22000 or *`;
  return aclAllowance(proto, ports);
}

export function allows(allowance: Allowance, protocol: number, port: number): boolean {
  return (allowance.protocols === undefined || allowance.protocols.includes(protocol)) && inPorts(allowance.ports, port);
}
