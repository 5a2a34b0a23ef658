import { contains, overlaps, parsePrefix, TAILNET_RANGES, type Prefix } from "./addresses";
import type { TailnetPolicy } from "./types";

/** One entry of a rule's src or dst (without its ports), by the kinds the policy file knows. */
export type Selector =
  | { readonly kind: "any" }
  | { readonly kind: "user"; readonly email: string }
  | { readonly kind: "group"; readonly name: string }
  | { readonly kind: "tag"; readonly name: string }
  | { readonly kind: "autogroup"; readonly name: string }
  | { readonly kind: "domain"; readonly domain: string }
  | { readonly kind: "address"; readonly prefix: Prefix }
  | { readonly kind: "host"; readonly name: string }
  | { readonly kind: "ipset"; readonly name: string };

export function parseSelector(text: string): Selector {
  if (text === "*") return { kind: "any" };
  if (text.startsWith("group:")) return { kind: "group", name: text };
  if (text.startsWith("tag:")) return { kind: "tag", name: text };
  if (text.startsWith("autogroup:")) return { kind: "autogroup", name: text };
  if (text.startsWith("ipset:")) return { kind: "ipset", name: text };
  if (text.startsWith("user:*@")) return { kind: "domain", domain: text.slice("user:*@".length) };
  if (text.includes("@")) return { kind: "user", email: text };
  const prefix = parsePrefix(text);
  return prefix ? { kind: "address", prefix } : { kind: "host", name: text };
}

/** "tag:shelfstack:443" → ["tag:shelfstack", "443"]; "[fd7a::1]:80" → ["[fd7a::1]", "80"]. */
export function splitHostPorts(text: string): [string, string] | undefined {
  const colon = text.lastIndexOf(":");
  if (colon <= 0 || colon === text.length - 1) return undefined;
  return [text.slice(0, colon), text.slice(colon + 1)];
}

/**
 * A device a test stands for. A user's or tag's device has some address in the tailnet ranges
 * that an offline check cannot know; a test that names an IP or a host has exactly that one.
 */
export interface Endpoint {
  readonly user?: string;
  readonly tags: readonly string[];
  readonly address?: Prefix;
  /** Set for a member of a group (or the group itself, when it has no members). */
  readonly group?: string;
}

/** yes / no, or maybe where the answer depends on something only the live tailnet knows. */
export type Match = "yes" | "no" | "maybe";

export function best(a: Match, b: Match): Match {
  return a === "yes" || b === "yes" ? "yes" : a === "maybe" || b === "maybe" ? "maybe" : "no";
}

/** Autogroups that depend on a user's role in the admin console: unknowable offline. */
const ROLE_AUTOGROUPS = new Set(["autogroup:admin", "autogroup:owner", "autogroup:network-admin", "autogroup:it-admin", "autogroup:billing-admin", "autogroup:auditor"]);

/**
 * Does `selector` cover the device `node`? `from` is the connection's source, for
 * autogroup:self. Users a test names are taken to be direct members of the tailnet.
 */
export function matches(selector: Selector, node: Endpoint, policy: TailnetPolicy, from?: Endpoint): Match {
  const person = node.user !== undefined && node.tags.length === 0;
  switch (selector.kind) {
    case "any":
      return "yes";
    case "user":
      return person && node.user === selector.email ? "yes" : "no";
    case "group":
      if (node.group === selector.name && node.tags.length === 0) return "yes";
      return person && (policy.groups?.[selector.name] ?? []).includes(node.user!) ? "yes" : "no";
    case "tag":
      return node.tags.includes(selector.name) ? "yes" : "no";
    case "domain":
      return person && node.user!.toLowerCase().endsWith(`@${selector.domain.toLowerCase()}`) ? "yes" : "no";
    case "autogroup":
      if (selector.name === "autogroup:danger-all") return "yes";
      if (selector.name === "autogroup:member" || selector.name === "autogroup:members") return person || (node.group !== undefined && node.tags.length === 0) ? "yes" : "no";
      if (selector.name === "autogroup:tagged") return node.tags.length > 0 ? "yes" : "no";
      if (selector.name === "autogroup:self") return person && from?.user === node.user && from.tags.length === 0 ? "yes" : "no";
      if (ROLE_AUTOGROUPS.has(selector.name)) return person ? "maybe" : "no";
      return "no"; // autogroup:internet, autogroup:shared: never a member's tailnet device
    case "address":
      return addressMatch(selector.prefix, node);
    case "host": {
      const prefix = parsePrefix(policy.hosts?.[selector.name] ?? "");
      return prefix ? addressMatch(prefix, node) : "no";
    }
    case "ipset":
      return "maybe";
  }
}

function addressMatch(prefix: Prefix, node: Endpoint): Match {
  if (node.address) return contains(prefix, node.address) ? "yes" : overlaps(prefix, node.address) ? "maybe" : "no";
  if (TAILNET_RANGES.some((range) => contains(prefix, range))) return "yes";
  return TAILNET_RANGES.some((range) => overlaps(prefix, range)) ? "maybe" : "no";
}

const KNOWN_AUTOGROUPS = new Set([
  ...ROLE_AUTOGROUPS,
  "autogroup:member",
  "autogroup:members",
  "autogroup:tagged",
  "autogroup:self",
  "autogroup:internet",
  "autogroup:shared",
  "autogroup:danger-all",
]);

/** What a "maybe" from `matches` depends on, by name: shown where a case cannot be decided offline. */
/** The best match of any selector, noting in `why` each one only the live tailnet could decide. */
export function matchAny(selectors: readonly Selector[], node: Endpoint, policy: TailnetPolicy, why: string[], from?: Endpoint): Match {
  let result: Match = "no";
  for (const selector of selectors) {
    const m = matches(selector, node, policy, from);
    if (m === "maybe") why.push(unknowable(selector));
    result = best(result, m);
  }
  return result;
}

export function unknowable(selector: Selector): string {
  switch (selector.kind) {
    case "autogroup":
      return `${selector.name} (admin console roles)`;
    case "ipset":
      return `${selector.name} (ipset contents)`;
    case "address":
      return "which devices hold addresses in a range that covers part of the tailnet";
    case "host":
      return `which devices hold the addresses of host ${selector.name}`;
    default:
      return "the live tailnet";
  }
}

/** A reference the policy file must define (Tailscale refuses the policy otherwise), or undefined. */
export function undefinedReference(selector: Selector, policy: TailnetPolicy): string | undefined {
  if (selector.kind === "autogroup" && !KNOWN_AUTOGROUPS.has(selector.name)) return `${selector.name} is not an autogroup Tailscale knows`;
  if (selector.kind === "ipset" && !policy.ipsets?.[selector.name]) return `ipset ${selector.name} is not defined in ipsets`;
  if (selector.kind === "group" && !policy.groups?.[selector.name]) return `group ${selector.name} is not defined in groups`;
  if (selector.kind === "tag" && !policy.tagOwners?.[selector.name]) return `tag ${selector.name} has no tagOwners entry`;
  if (selector.kind === "host" && policy.hosts?.[selector.name] === undefined) return `host ${selector.name} is not defined in hosts`;
  if (selector.kind === "host" && !parsePrefix(policy.hosts![selector.name])) return `host ${selector.name} is not an IP address or CIDR`;
  return undefined;
}
