/**
 * The tailnet policy, generated from stack.yaml: who may reach the server, on which port, and
 * the tests that prove it — accepts and denies. Each access is declared once, with `allow()`,
 * which writes the ACL rule and makes every device it covers expect that port in its test;
 * every other server port is expected denied. With tailnet.basePolicy the result is merged into
 * the user's own policy file. No cdktf: `shelfstack policy test` and the Tailnet construct share it.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve as resolvePath } from "node:path";
import { StackError } from "../../../config/load";
import type { StackConfig } from "../../../config/resolve";
import { PORTS } from "../../../config/ports";
import { syncthingDevices } from "../../../config/syncthing-folders";
import { DEVICE_OS } from "../../../config/syncthing-peers";
import { syncthingAccess } from "../../syncthing/access";
import { countComments } from "./hujson";
import { BasePolicyError, MERGED_MAPS, mergeIntoBase, readBasePolicy, type BasePolicy } from "./merge";
import { renderHujson, type Notes } from "./render";
import type { AclRule, PolicyTest, TailnetPolicy } from "./types";

type DeviceKind = StackConfig["devices"][number]["kind"];

export interface PolicyDevice {
  readonly name: string;
  readonly kind: DeviceKind;
  /** Tailnet login the device is signed in as. */
  readonly owner: string;
}

/**
 * A port a component of the server listens on, and the devices it serves: handed to the tailnet
 * by that component (`Tailnet.allow`). It becomes one accept rule per OS its peers report, and
 * every device's test expects that port accepted exactly where a rule lets it in.
 */
export interface ServerAccess {
  /** Names the policy group, e.g. "syncthing" → group:<tag>-syncthing. */
  readonly name: string;
  readonly port: number;
  readonly peers: readonly PolicyDevice[];
  /** The rule's comment in policy.hujson. */
  readonly why: string;
}

export interface TailnetPolicyProps {
  /** The tailnet login that owns the stack: a reader, and the owner of the server's tag. */
  readonly owner: string;
  /** More people who may open the library. @default - none */
  readonly members?: readonly string[];
  /** The tag the server's node carries, e.g. tag:shelfstack. */
  readonly serverTag: string;
  /** Every reader device: each gets a test of what it may reach on the server. */
  readonly devices: readonly PolicyDevice[];
  /** The ports the server's components open to their peers, beyond HTTPS to every reader. @default - none */
  readonly access?: readonly ServerAccess[];
  /** Rules from stack.yaml, after the generated ones. @default - none */
  readonly extraAcls?: readonly AclRule[];
  /** Tests from stack.yaml, after the generated ones. @default - none */
  readonly extraTests?: readonly PolicyTest[];
  /** Groups stack.yaml defines beside the generated ones. @default - none */
  readonly extraGroups?: Readonly<Record<string, readonly string[]>>;
  /** Tag owners stack.yaml defines beside the server's tag. @default - none */
  readonly extraTagOwners?: Readonly<Record<string, readonly string[]>>;
  /** Host aliases stack.yaml defines. @default - none */
  readonly extraHosts?: Readonly<Record<string, string>>;
  /** The user's own policy file, to merge into instead of replacing it. @default - none */
  readonly basePolicy?: BasePolicy;
}

/** What the merge did with the user's policy file. */
export interface BaseSummary {
  readonly file: string;
  /** The file's own acls / tests come first: acls[0..acls-1], tests[0..tests-1]. */
  readonly acls: number;
  readonly tests: number;
  readonly kept: readonly string[];
  readonly extended: readonly string[];
  readonly added: readonly string[];
  readonly comments: number;
  /** The names the file itself defines in groups, tagOwners, postures and hosts. */
  readonly names: ReadonlySet<string>;
}

export interface GeneratedPolicy {
  readonly policy: TailnetPolicy;
  /** tailscale/policy.hujson: the policy with a comment above every rule and test. */
  readonly text: string;
  /** Which acls[i] / tests[i] came from stack.yaml: policy index → extraAcls / extraTests index. */
  readonly fromStackYaml: { readonly acls: ReadonlyMap<number, number>; readonly tests: ReadonlyMap<number, number> };
  /**
   * Promises checked offline only (`evaluatePolicy(policy, { offlineTests })`): Tailscale takes no
   * user as a test destination, and its default deny already keeps them.
   */
  readonly offlineTests: readonly PolicyTest[];
  readonly base?: BaseSummary;
}

/** Server ports a reader's device is tested against: each is accepted only where allowed. */
export const SERVER_PORTS = [PORTS.https, PORTS.syncthingSync, PORTS.syncthingGui, PORTS.audiobookshelf, PORTS.opds] as const;
/** Ports the server must not open on a reader's device (SSH, HTTPS, Syncthing's GUI and sync). */
export const READER_PORTS = [22, PORTS.https, PORTS.syncthingGui, PORTS.syncthingSync] as const;

// A laptop may run any OS: it is tested like a device that reports none.
const OS = DEVICE_OS;

/** Who an `allow()` lets in: the members of a policy group, optionally only on one OS. */
export interface Audience {
  readonly group: string;
  readonly members: readonly string[];
  /** Only devices reporting this node:os (a device posture). */
  readonly os?: string;
}

/** A device the tests speak for: its owner, its OS if known, and how the test's comment names it. */
interface Profile {
  readonly user: string;
  readonly os?: string;
  readonly labels: string[];
}

/** Builds the policy from intents, so each rule and its tests cannot disagree. */
export class PolicyBuilder {
  private readonly groups = new Map<string, string[]>();
  private readonly postures = new Map<string, string[]>();
  private readonly acls: { rule: AclRule; note: string[] }[] = [];
  private readonly grantsTo: { audience: Audience; port: number }[] = [];

  constructor(
    readonly serverTag: string,
    readonly owner: string,
  ) {}

  /** Lets `audience` reach `port` on the server: the rule, and every covered device's accept test. */
  allow(audience: Audience, port: number, why: string): void {
    this.groups.set(audience.group, [...new Set(audience.members)].sort());
    let srcPosture: string[] | undefined;
    if (audience.os) {
      const posture = `posture:${tagName(this.serverTag)}-${audience.os}`;
      this.postures.set(posture, [`node:os == '${audience.os}'`]);
      srcPosture = [posture];
    }
    this.acls.push({
      rule: { action: "accept", src: [audience.group], ...(srcPosture ? { srcPosture } : {}), dst: [`${this.serverTag}:${port}`] },
      note: [why],
    });
    this.grantsTo.push({ audience, port });
  }

  /** Ports `profile` is meant to reach: those some allow() gives its owner (on its OS). */
  private expected(profile: Profile): Set<number> {
    return new Set(this.grantsTo.filter((g) => g.audience.members.includes(profile.user) && (!g.audience.os || g.audience.os === profile.os)).map((g) => g.port));
  }

  build(profiles: readonly Profile[], readers: readonly string[]): { policy: TailnetPolicy; notes: Map<string, string[]>; offlineTests: PolicyTest[] } {
    const notes = new Map<string, string[]>();
    const tests: PolicyTest[] = [];
    for (const p of profiles) {
      const allowed = this.expected(p);
      const dst = (port: number) => `${this.serverTag}:${port}`;
      notes.set(`tests/${tests.length}`, [p.labels.join(", ")]);
      tests.push({
        src: p.user,
        ...(p.os ? { srcPostureAttrs: { "node:os": p.os } } : {}),
        accept: SERVER_PORTS.filter((port) => allowed.has(port)).map(dst),
        deny: SERVER_PORTS.filter((port) => !allowed.has(port)).map(dst),
      });
    }
    // Tailscale refuses a user as a test destination, and no reader's device has a tag or host the
    // stack knows: that no rule lets the server out is checked offline only.
    const offlineTests: PolicyTest[] = [{ src: this.serverTag, deny: readers.flatMap((user) => READER_PORTS.map((port) => `${user}:${port}`)) }];
    this.acls.forEach((a, i) => notes.set(`acls/${i}`, a.note));
    const policy: TailnetPolicy = {
      groups: Object.fromEntries([...this.groups].sort()),
      tagOwners: { [this.serverTag]: [this.owner] },
      ...(this.postures.size ? { postures: Object.fromEntries([...this.postures].sort()) } : {}),
      acls: this.acls.map((a) => a.rule),
      tests,
    };
    return { policy, notes, offlineTests };
  }
}

/** "tag:shelfstack" → "shelfstack": names the stack's groups and postures after its tag. */
export function tagName(tag: string): string {
  return tag.replace(/^tag:/, "");
}

export function generatePolicy(props: TailnetPolicyProps): GeneratedPolicy {
  const base = tagName(props.serverTag);
  const builder = new PolicyBuilder(props.serverTag, props.owner);
  const readers = sortedUnique([props.owner, ...(props.members ?? []), ...props.devices.map((d) => d.owner)]);
  builder.allow(
    { group: `group:${base}-readers`, members: readers },
    PORTS.https,
    "Readers' devices open the library over HTTPS: Audiobookshelf at /, the OPDS feed at /opds (tailscale serve).",
  );
  for (const access of (props.access ?? []).filter((a) => a.peers.length > 0)) {
    // ACLs see users and OS, not single devices: any device of these users on that OS can reach
    // the port, and the component itself refuses peers it does not know.
    const byOs = new Map<string | undefined, PolicyDevice[]>();
    for (const peer of access.peers) {
      const os = OS[peer.kind];
      if (!byOs.has(os)) byOs.set(os, []);
      byOs.get(os)!.push(peer);
    }
    for (const [os, peers] of [...byOs].sort(([a], [b]) => ((a ?? "") < (b ?? "") ? -1 : 1))) {
      const group = `group:${base}-${access.name}${byOs.size > 1 ? `-${os ?? "any-os"}` : ""}`;
      builder.allow({ group, members: sortedUnique(peers.map((d) => d.owner)), ...(os ? { os } : {}) }, access.port, access.why);
    }
  }
  const { policy, notes, offlineTests } = builder.build(profiles(props.devices, readers), readers);
  return withExtras(policy, notes, props, offlineTests);
}

/** One test per (user, OS): each device, and each reader on a device whose OS the stack does not know. */
function profiles(devices: readonly PolicyDevice[], readers: readonly string[]): Profile[] {
  const byKey = new Map<string, Profile>();
  const add = (user: string, os: string | undefined, label: string) => {
    const key = `${user}\0${os ?? ""}`;
    const existing = byKey.get(key);
    if (existing) existing.labels.push(label);
    else byKey.set(key, { user, os, labels: [label] });
  };
  for (const d of devices) add(d.owner, OS[d.kind], `${d.name} (${d.kind}, ${d.owner})`);
  for (const user of readers) add(user, undefined, `any other device of ${user} (no OS known)`);
  return [...byKey.values()];
}

function withExtras(policy: TailnetPolicy, notes: Map<string, string[]>, props: TailnetPolicyProps, offlineTests: PolicyTest[]): GeneratedPolicy {
  const acls = [...(policy.acls ?? [])];
  const tests = [...(policy.tests ?? [])];
  const fromAcls = new Map<number, number>();
  const fromTests = new Map<number, number>();
  (props.extraAcls ?? []).forEach((rule, i) => {
    fromAcls.set(acls.length, i);
    notes.set(`acls/${acls.length}`, [`From stack.yaml: tailnet.extraAcls[${i}]`]);
    acls.push(rule);
  });
  (props.extraTests ?? []).forEach((test, i) => {
    fromTests.set(tests.length, i);
    notes.set(`tests/${tests.length}`, [`From stack.yaml: tailnet.extraTests[${i}]`]);
    tests.push(test);
  });
  const merged: TailnetPolicy = {
    ...policy,
    groups: sortKeys({ ...policy.groups, ...props.extraGroups }),
    tagOwners: sortKeys({ ...policy.tagOwners, ...props.extraTagOwners }),
    ...(props.extraHosts && Object.keys(props.extraHosts).length ? { hosts: sortKeys({ ...props.extraHosts }) } : {}),
    acls,
    tests,
  };
  notes.set("acls", ["Tailscale denies what no rule allows: these are the only ways in."]);
  notes.set("tests", [
    "Checked by Tailscale on every change (and offline by `shelfstack policy test`): accepts and denies.",
    "That the server opens no connection to a reader's device is Tailscale's default deny; shelfstack",
    "checks it offline (a test cannot name a user's devices as its destination).",
  ]);
  const fromStackYaml = { acls: fromAcls, tests: fromTests };
  if (!props.basePolicy) {
    const header = [
      "Generated by shelfstack from stack.yaml — edit stack.yaml, not this file.",
      "Terraform applies it as the WHOLE tailnet policy (tailscale_acl); anything else your tailnet",
      "needs goes into a tailnet.basePolicy file, or stack.yaml's tailnet.extraAcls, extraGroups,",
      "extraTagOwners, extraHosts and extraTests.",
    ];
    return { policy: merged, text: renderHujson(merged, header, notes as Notes), fromStackYaml, offlineTests };
  }
  const file = props.basePolicy.file;
  const comments = countComments(props.basePolicy.text);
  const header = [
    `Generated by shelfstack: ${file} (tailnet.basePolicy) with the library's entries from stack.yaml.`,
    `Edit those two, not this file. Below is ${file} byte for byte (${commentNote(comments)}),`,
    'plus shelfstack\'s entries, each block under a "// shelfstack: from stack.yaml" line, after the',
    "file's own entries. Terraform applies the whole of it (tailscale_acl).",
  ];
  let result: ReturnType<typeof mergeIntoBase>;
  try {
    result = mergeIntoBase(props.basePolicy, merged, notes as Notes, header);
  } catch (error) {
    if (!(error instanceof BasePolicyError)) throw error;
    throw new StackError(
      "stack.yaml",
      error.problems.map((message) => ({ path: "tailnet.basePolicy", message: `${file}: ${message}` })),
    );
  }
  const shift = (map: ReadonlyMap<number, number>, by: number) => new Map([...map].map(([i, y]) => [i + by, y]));
  return {
    policy: result.policy,
    text: result.text,
    fromStackYaml: { acls: shift(fromAcls, result.baseCounts.acls), tests: shift(fromTests, result.baseCounts.tests) },
    offlineTests,
    base: {
      file,
      ...result.baseCounts,
      kept: result.kept,
      extended: result.extended,
      added: result.added,
      comments: result.comments,
      names: new Set(MERGED_MAPS.flatMap((section) => Object.keys(readBasePolicy(props.basePolicy!).policy[section] ?? {}))),
    },
  };
}

/** What the merge did with the base file's comments, as the merged file's header says it. */
export function commentNote(count: number): string {
  if (count === 0) return "it has no comments";
  return count === 1 ? "its one comment kept where it was" : `all ${count} of its comments kept where they were`;
}

/** What the components of this stack open beyond HTTPS, as synth's constructs hand it to the Tailnet. */
export function serverAccess(config: StackConfig): ServerAccess[] {
  const access: ServerAccess[] = [];
  if (config.syncthing.enabled) access.push(syncthingAccess(syncthingDevices(config).devices));
  return access;
}

/** The generator's input from a loaded stack.yaml, with the access synth's components declare. */
export function policyPropsFromConfig(config: StackConfig): TailnetPolicyProps {
  return { ...tailnetPolicyProps(config), access: serverAccess(config) };
}

/** The tailnet's own settings from stack.yaml, before any component declares its access. */
export function tailnetPolicyProps(config: StackConfig): TailnetPolicyProps {
  const t = config.tailnet;
  return {
    owner: t.owner,
    members: t.members,
    serverTag: t.serverTag,
    devices: config.devices.map((d) => ({ name: d.name, kind: d.kind, owner: d.owner })),
    extraAcls: t.extraAcls,
    extraTests: t.extraTests,
    extraGroups: t.extraGroups,
    extraTagOwners: t.extraTagOwners,
    extraHosts: t.extraHosts,
    ...(t.basePolicy ? { basePolicy: loadBasePolicy(t.basePolicy, config) } : {}),
  };
}

/**
 * Reads tailnet.basePolicy, relative to stack.yaml's directory. A missing or unusable file is a
 * stack.yaml problem at that field.
 */
export function loadBasePolicy(path: string, config: StackConfig): BasePolicy {
  const stackFile = config.source?.file ?? "stack.yaml";
  const full = resolvePath(dirname(stackFile), path);
  const problem = (message: string) => new StackError(stackFile, [{ path: "tailnet.basePolicy", line: config.source?.line("tailnet.basePolicy"), message }]);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch {
    throw problem(
      `${path}: no such file next to ${stackFile} — export your tailnet policy (admin console, Access controls, Edit file) and save it there, or remove tailnet.basePolicy`,
    );
  }
  const base = { file: path, text };
  try {
    readBasePolicy(base);
  } catch (error) {
    if (error instanceof BasePolicyError) throw problem(error.message);
    throw error;
  }
  return base;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
