/**
 * The offline policy-test evaluator: runs a policy file's `tests` against its `acls` and
 * `grants`, and its `sshTests` against its `ssh` rules, with the groups, tags, hosts, postures
 * and autogroups the policy defines — before anything is applied. It refuses what Tailscale
 * refuses (undeclared names, a test destination that is not one host and one port). Where the
 * answer depends on what only the live tailnet knows (a user's actual address, admin roles,
 * ipsets, routes) the case "cannot be decided offline", by name, which never passes: an accept
 * must be certain and a deny must be certain.
 */
import { meetsCondition } from "./posture";
import { aclAllowance, allows, grantAllowance, parsePorts, protocolNumber, TCP, UDP, type Allowance } from "./protocols";
import { best, matchAny, matches, parseSelector, splitHostPorts, undefinedReference, unknowable, type Endpoint, type Match, type Selector } from "./selectors";
import { parsePrefix } from "./addresses";
import { runSshTests } from "./ssh";
import type { PolicyTest, PostureValue, TailnetPolicy } from "./types";

export interface RuleRef {
  readonly section: "acls" | "grants" | "ssh";
  readonly index: number;
}

/** One accept or deny destination of one test (one login user of one destination, for sshTests). */
export interface CaseResult {
  readonly section: "tests" | "sshTests";
  readonly test: number;
  readonly src: string;
  readonly srcPostureAttrs?: Readonly<Record<string, PostureValue>>;
  readonly proto?: string;
  readonly expect: "accept" | "deny" | "check";
  /** host:port, or "host as login" for an SSH test. */
  readonly dst: string;
  readonly ok: boolean;
  /** Not ok because the answer depends on what only the live tailnet knows; `reason` names it. */
  readonly undecided: boolean;
  /** What the evaluator found: the rules that let it through, or that none does. */
  readonly reason: string;
  /** Rules that (possibly) let the connection through. */
  readonly rules: readonly RuleRef[];
}

/** Something Tailscale would refuse the policy for, or a test that cannot be run. */
export interface PolicyProblem {
  readonly where: string;
  readonly message: string;
}

export interface Evaluation {
  readonly cases: readonly CaseResult[];
  /** Every case that is not ok: the wrong answer, or no certain answer (`undecided`). */
  readonly failures: readonly CaseResult[];
  readonly undecided: readonly CaseResult[];
  readonly problems: readonly PolicyProblem[];
  readonly ok: boolean;
}

interface CompiledRule {
  readonly ref: RuleRef;
  readonly src: readonly Selector[];
  readonly postures?: readonly string[];
  readonly dst: readonly { readonly selector: Selector; readonly allowances: readonly Allowance[] }[];
  /** Grants routed `via` a node apply to routes, not to a device's own address: named here. */
  readonly uncertain?: string;
}

export interface EvaluateOptions {
  /**
   * Assertions checked offline only, never written to the policy: they may use destinations
   * Tailscale refuses in `tests` (a user's devices) for what its default deny already guarantees.
   */
  readonly offlineTests?: readonly PolicyTest[];
}

export function evaluatePolicy(policy: TailnetPolicy, options: EvaluateOptions = {}): Evaluation {
  const problems: PolicyProblem[] = [];
  const rules = compileRules(policy, problems);
  checkDefinitions(policy, problems);
  const cases: CaseResult[] = [];
  (policy.tests ?? []).forEach((raw, i) => cases.push(...runTest(policy, rules, normalizeTest(raw), i, problems, false)));
  const offline = (options.offlineTests ?? []).map((t, i) => runTest(policy, rules, t, (policy.tests ?? []).length + i, problems, true));
  cases.push(...offline.flat());
  cases.push(...runSshTests(policy, problems, (identity, where) => endpoints(identity, where, policy, problems)));
  const failures = cases.filter((c) => !c.ok);
  const undecided = failures.filter((c) => c.undecided);
  return { cases, failures, undecided, problems, ok: failures.length === 0 && problems.length === 0 };
}

function normalizeTest(raw: PolicyTest): PolicyTest {
  const legacy = raw as PolicyTest & { user?: string; allow?: string[] };
  return { ...raw, src: raw.src ?? legacy.user, accept: raw.accept ?? legacy.allow };
}

function compileRules(policy: TailnetPolicy, problems: PolicyProblem[]): CompiledRule[] {
  const compiled: CompiledRule[] = [];
  (policy.acls ?? []).forEach((raw, index) => {
    const rule = raw as typeof raw & { users?: string[]; ports?: string[] };
    const where = `acls[${index}]`;
    if (rule.action !== "accept") problems.push({ where, message: `action must be "accept" (Tailscale denies by default), not ${JSON.stringify(rule.action)}` });
    const dst: { selector: Selector; allowances: Allowance[] }[] = [];
    (rule.dst ?? rule.ports ?? []).forEach((entry, j) => {
      const split = splitHostPorts(entry);
      const ports = split && parsePorts(split[1]);
      if (!split || !ports) {
        problems.push({ where: `${where}.dst[${j}]`, message: `"${entry}" is not host:ports — e.g. tag:server:443, group:x:80,443, *:*` });
        return;
      }
      const allowance = aclAllowance(rule.proto, ports);
      if (typeof allowance === "string") problems.push({ where: `${where}.dst[${j}]`, message: allowance });
      else dst.push({ selector: selectorAt(split[0], `${where}.dst[${j}]`, policy, problems), allowances: [allowance] });
    });
    const src = (rule.src ?? rule.users ?? []).map((s, j) => selectorAt(s, `${where}.src[${j}]`, policy, problems));
    compiled.push({ ref: { section: "acls", index }, src, postures: rule.srcPosture ?? policy.defaultSrcPosture, dst });
  });
  (policy.grants ?? []).forEach((grant, index) => {
    const where = `grants[${index}]`;
    const allowances: Allowance[] = [];
    (grant.ip ?? []).forEach((entry, j) => {
      const allowance = grantAllowance(entry);
      if (typeof allowance === "string") problems.push({ where: `${where}.ip[${j}]`, message: allowance });
      else allowances.push(allowance);
    });
    const src = grant.src.map((s, j) => selectorAt(s, `${where}.src[${j}]`, policy, problems));
    const dst = grant.dst.map((d, j) => ({ selector: selectorAt(d, `${where}.dst[${j}]`, policy, problems), allowances }));
    const via = (grant.via ?? []).length ? `${where}.via (a grant routed through ${grant.via!.join(", ")} applies to routes)` : undefined;
    compiled.push({ ref: { section: "grants", index }, src, postures: grant.srcPosture ?? policy.defaultSrcPosture, dst, uncertain: via });
  });
  return compiled;
}

function selectorAt(text: string, where: string, policy: TailnetPolicy, problems: PolicyProblem[]): Selector {
  const selector = parseSelector(text);
  const missing = undefinedReference(selector, policy);
  if (missing) problems.push({ where, message: missing });
  return selector;
}

function checkDefinitions(policy: TailnetPolicy, problems: PolicyProblem[]): void {
  for (const [name, members] of Object.entries(policy.groups ?? {})) {
    if (!name.startsWith("group:")) problems.push({ where: `groups["${name}"]`, message: 'a group name starts with "group:"' });
    members.forEach((m, i) => {
      if (m.startsWith("group:")) problems.push({ where: `groups["${name}"][${i}]`, message: "groups cannot contain other groups — list the users" });
    });
  }
  for (const name of Object.keys(policy.tagOwners ?? {})) {
    if (!/^tag:[A-Za-z0-9][A-Za-z0-9-]*$/.test(name)) problems.push({ where: `tagOwners["${name}"]`, message: 'a tag is written "tag:name"' });
  }
  for (const [name, conditions] of Object.entries(policy.postures ?? {})) {
    if (!name.startsWith("posture:")) problems.push({ where: `postures["${name}"]`, message: 'a posture name starts with "posture:"' });
    conditions.forEach((c, i) => {
      const check = meetsCondition(c, {});
      if (typeof check === "string") problems.push({ where: `postures["${name}"][${i}]`, message: check });
    });
  }
  // Other sections name groups, tags, hosts and ipsets too; Tailscale refuses undefined ones there as well.
  const named = (where: string, list: unknown) => {
    if (!Array.isArray(list)) return;
    list.forEach((text, j) => {
      if (typeof text !== "string") return;
      const missing = undefinedReference(parseSelector(text), policy);
      if (missing) problems.push({ where: `${where}[${j}]`, message: missing });
    });
  };
  const approvers = (policy.autoApprovers ?? {}) as { routes?: Record<string, unknown>; exitNode?: unknown; services?: Record<string, unknown> };
  for (const [route, list] of Object.entries(approvers.routes ?? {})) named(`autoApprovers.routes["${route}"]`, list);
  named("autoApprovers.exitNode", approvers.exitNode);
  for (const [service, list] of Object.entries(approvers.services ?? {})) named(`autoApprovers.services["${service}"]`, list);
  ((policy.nodeAttrs ?? []) as { target?: unknown }[]).forEach((attr, i) => named(`nodeAttrs[${i}].target`, attr?.target));
  for (const [tag, owners] of Object.entries(policy.tagOwners ?? {})) named(`tagOwners["${tag}"]`, owners);
  const rules = [...(policy.acls ?? []).map((r, i) => [`acls[${i}]`, r.srcPosture] as const), ...(policy.grants ?? []).map((g, i) => [`grants[${i}]`, g.srcPosture] as const)];
  for (const [where, postures] of [...rules, ["defaultSrcPosture", policy.defaultSrcPosture] as const]) {
    for (const p of postures ?? []) if (!policy.postures?.[p]) problems.push({ where, message: `posture ${p} is not defined in postures` });
  }
}

/** The devices a test's src stands for; a group stands for each of its members. */
export function endpoints(identity: string, where: string, policy: TailnetPolicy, problems: PolicyProblem[]): Endpoint[] {
  const selector = parseSelector(identity);
  const problem = (message: string) => (problems.push({ where, message }), []);
  switch (selector.kind) {
    case "user":
      return [{ user: selector.email, tags: [] }];
    case "group": {
      const members = policy.groups?.[selector.name];
      if (!members) return problem(`group ${selector.name} is not defined in groups`);
      return members.length ? members.map((user) => ({ user, tags: [], group: selector.name })) : [{ tags: [], group: selector.name }];
    }
    case "tag":
      if (!policy.tagOwners?.[selector.name]) return problem(`tag ${selector.name} has no tagOwners entry`);
      return [{ tags: [selector.name] }];
    case "host": {
      const prefix = parsePrefix(policy.hosts?.[selector.name] ?? "");
      if (!prefix) return problem(`host ${selector.name} is not defined in hosts`);
      if (prefix.bits !== (prefix.v6 ? 128 : 32)) return problem(`host ${selector.name} is a range, not one device — tests take single addresses`);
      return [{ tags: [], address: prefix }];
    }
    case "address":
      if (selector.prefix.bits !== (selector.prefix.v6 ? 128 : 32)) return problem(`tests take single addresses, not the range ${identity}`);
      return [{ tags: [], address: selector.prefix }];
    default:
      return problem(`"${identity}" is not a specific user, group, tag, host or address — tests cannot use * or autogroups`);
  }
}

/**
 * A test destination: one host, as Tailscale takes it — a tag, a host alias of one address, or
 * one IP. Users, groups, autogroups, * and prefixes (even a /32) are refused.
 */
function testDestination(host: string, dst: string, where: string, policy: TailnetPolicy, problems: PolicyProblem[]): Endpoint[] {
  const selector = parseSelector(host);
  const refuse = (why: string) => (
    problems.push({ where, message: `"${dst}": ${why} — a test destination is one host and one port: a tag, a host alias of one address, or an IP (e.g. tag:server:443)` }),
    []
  );
  switch (selector.kind) {
    case "tag":
      return endpoints(host, where, policy, problems);
    case "host": {
      const value = policy.hosts?.[selector.name];
      if (value === undefined) return endpoints(host, where, policy, problems);
      return value.includes("/") ? refuse(`host ${selector.name} is the prefix ${value}, not one address`) : [{ tags: [], address: parsePrefix(value)! }];
    }
    case "address":
      return host.includes("/") ? refuse("a prefix is not one host") : [{ tags: [], address: selector.prefix }];
    case "user":
      return refuse("Tailscale refuses a user as a test destination");
    case "group":
      return refuse("Tailscale refuses a group as a test destination");
    case "autogroup":
      return refuse(`Tailscale refuses ${host} as a test destination`);
    default:
      return refuse(`${host} is not one host`);
  }
}

function runTest(policy: TailnetPolicy, rules: readonly CompiledRule[], test: PolicyTest, index: number, problems: PolicyProblem[], offlineOnly: boolean): CaseResult[] {
  const where = offlineOnly ? `offline check ${index - (policy.tests ?? []).length}` : `tests[${index}]`;
  if (typeof test.src !== "string") {
    problems.push({ where, message: "a test needs src" });
    return [];
  }
  if (!(test.accept?.length || test.deny?.length)) problems.push({ where, message: "a test needs accept or deny destinations" });
  const protocols = test.proto === undefined ? [TCP, UDP] : [protocolNumber(test.proto)];
  if (protocols[0] === undefined) {
    problems.push({ where, message: `unknown proto "${test.proto}"` });
    return [];
  }
  const sources = endpoints(test.src, `${where}.src`, policy, problems);
  const attrs = test.srcPostureAttrs ?? {};
  const results: CaseResult[] = [];
  const each = (expect: "accept" | "deny", list: readonly string[] | undefined) =>
    (list ?? []).forEach((dst, j) => {
      const at = `${where}.${expect}[${j}]`;
      const split = splitHostPorts(dst);
      if (!split || !/^\d+$/.test(split[1]) || Number(split[1]) > 65535) {
        problems.push({ where: at, message: `"${dst}" is not host:port with one port number (no lists, ranges or *), e.g. tag:server:443` });
        return;
      }
      const targets = offlineOnly ? endpoints(split[0], at, policy, problems) : testDestination(split[0], dst, at, policy, problems);
      if (!sources.length || !targets.length) return;
      const port = Number(split[1]);
      let outcome: Match = expect === "accept" ? "yes" : "no";
      const through = new Map<string, RuleRef>();
      const unknown = new Set<string>();
      for (const from of sources) {
        for (const to of targets) {
          let pair: Match = "no";
          for (const protocol of protocols as number[]) {
            const r = reach(policy, rules, from, attrs, to, protocol, port);
            pair = best(pair, r.match);
            for (const ref of r.rules) through.set(`${ref.section}[${ref.index}]`, ref);
            r.unknown.forEach((u) => unknown.add(u));
          }
          outcome = expect === "accept" ? worst(outcome, pair) : best(outcome, pair);
        }
      }
      const refs = [...through.values()];
      const ok = expect === "accept" ? outcome === "yes" : outcome === "no";
      results.push({
        section: "tests",
        test: index,
        src: test.src,
        srcPostureAttrs: test.srcPostureAttrs,
        proto: test.proto,
        expect,
        dst,
        ok,
        undecided: outcome === "maybe",
        rules: refs,
        reason: explain(outcome, refs, [...unknown]),
      });
    });
  each("accept", test.accept);
  each("deny", test.deny);
  return results;
}

export function worst(a: Match, b: Match): Match {
  return a === "no" || b === "no" ? "no" : a === "maybe" || b === "maybe" ? "maybe" : "yes";
}

export function explain(outcome: Match, refs: readonly RuleRef[], unknown: readonly string[] = []): string {
  const names = refs.map((r) => `${r.section}[${r.index}]`).join(", ");
  if (outcome === "yes") return `allowed by ${names}`;
  if (outcome === "maybe") return `cannot decide offline: possibly allowed by ${names}, depending on ${unknown.length ? unknown.join("; ") : "the live tailnet"}`;
  return "no rule allows it";
}

/** Can `from` (with posture attrs) open `protocol`/`port` on `to`? */
function reach(
  policy: TailnetPolicy,
  rules: readonly CompiledRule[],
  from: Endpoint,
  attrs: Readonly<Record<string, PostureValue>>,
  to: Endpoint,
  protocol: number,
  port: number,
): { match: Match; rules: RuleRef[]; unknown: string[] } {
  let result: Match = "no";
  const through: RuleRef[] = [];
  const unknown: string[] = [];
  for (const rule of rules) {
    const why: string[] = [];
    let source = matchAny(rule.src, from, policy, why);
    if (source === "no") continue;
    const meets = posture(policy, rule.postures, attrs);
    if (meets === "maybe") why.push(`a posture condition of ${rule.postures!.join(", ")} that cannot be read`);
    source = worst(source, meets);
    let target: Match = "no";
    for (const d of rule.dst) {
      if (!d.allowances.some((a) => allows(a, protocol, port))) continue;
      const m = matches(d.selector, to, policy, from);
      if (m === "maybe") why.push(unknowable(d.selector));
      target = best(target, m);
    }
    let match = worst(source, target);
    if (match === "yes" && rule.uncertain) {
      match = "maybe";
      why.push(rule.uncertain);
    }
    if (match !== "no") through.push(rule.ref);
    if (match === "maybe") unknown.push(...why);
    result = best(result, match);
  }
  return { match: result, rules: through, unknown: [...new Set(unknown)] };
}

/** A rule with postures admits a device that meets any one of them (every condition of it). */
function posture(policy: TailnetPolicy, postures: readonly string[] | undefined, attrs: Readonly<Record<string, PostureValue>>): Match {
  if (!postures?.length) return "yes";
  let result: Match = "no";
  for (const name of postures) {
    let met: Match = "yes";
    for (const condition of policy.postures?.[name] ?? ["<undefined posture>"]) {
      const check = meetsCondition(condition, attrs);
      met = worst(met, check === true ? "yes" : check === false ? "no" : "maybe");
    }
    result = best(result, met);
  }
  return result;
}
