/**
 * The offline policy-test evaluator: runs a policy file's `tests` against its `acls` and
 * `grants` with the groups, tags, hosts, postures and autogroups the policy defines — before
 * anything is applied. Where the answer depends on what only the live tailnet knows (a user's
 * actual address, admin roles, ipsets) the result is "maybe", which never passes: an accept
 * must be certain and a deny must be certain.
 */
import { meetsCondition } from "./posture";
import { aclAllowance, allows, grantAllowance, parsePorts, protocolNumber, TCP, UDP, type Allowance } from "./protocols";
import { best, matches, parseSelector, splitHostPorts, undefinedReference, type Endpoint, type Match, type Selector } from "./selectors";
import { parsePrefix } from "./addresses";
import type { PolicyTest, PostureValue, TailnetPolicy } from "./types";

export interface RuleRef {
  readonly section: "acls" | "grants";
  readonly index: number;
}

/** One accept or deny destination of one test. */
export interface CaseResult {
  readonly test: number;
  readonly src: string;
  readonly srcPostureAttrs?: Readonly<Record<string, PostureValue>>;
  readonly proto?: string;
  readonly expect: "accept" | "deny";
  readonly dst: string;
  readonly ok: boolean;
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
  readonly failures: readonly CaseResult[];
  readonly problems: readonly PolicyProblem[];
  readonly ok: boolean;
}

interface CompiledRule {
  readonly ref: RuleRef;
  readonly src: readonly Selector[];
  readonly postures?: readonly string[];
  readonly dst: readonly { readonly selector: Selector; readonly allowances: readonly Allowance[] }[];
  /** Grants routed `via` a node apply to routes, not to a device's own address. */
  readonly uncertain: boolean;
}

export function evaluatePolicy(policy: TailnetPolicy): Evaluation {
  const problems: PolicyProblem[] = [];
  const rules = compileRules(policy, problems);
  checkDefinitions(policy, problems);
  const cases: CaseResult[] = [];
  (policy.tests ?? []).forEach((raw, i) => cases.push(...runTest(policy, rules, normalizeTest(raw), i, problems)));
  const failures = cases.filter((c) => !c.ok);
  return { cases, failures, problems, ok: failures.length === 0 && problems.length === 0 };
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
    compiled.push({ ref: { section: "acls", index }, src, postures: rule.srcPosture ?? policy.defaultSrcPosture, dst, uncertain: false });
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
    compiled.push({ ref: { section: "grants", index }, src, postures: grant.srcPosture ?? policy.defaultSrcPosture, dst, uncertain: (grant.via ?? []).length > 0 });
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
  const rules = [...(policy.acls ?? []).map((r, i) => [`acls[${i}]`, r.srcPosture] as const), ...(policy.grants ?? []).map((g, i) => [`grants[${i}]`, g.srcPosture] as const)];
  for (const [where, postures] of [...rules, ["defaultSrcPosture", policy.defaultSrcPosture] as const]) {
    for (const p of postures ?? []) if (!policy.postures?.[p]) problems.push({ where, message: `posture ${p} is not defined in postures` });
  }
}

/** The devices a test's src or dst stands for; a group stands for each of its members. */
function endpoints(identity: string, where: string, policy: TailnetPolicy, problems: PolicyProblem[]): Endpoint[] {
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
      return [{ tags: [], address: prefix }];
    }
    case "address":
      if (selector.prefix.bits !== (selector.prefix.v6 ? 128 : 32)) return problem(`tests take single addresses, not the range ${identity}`);
      return [{ tags: [], address: selector.prefix }];
    default:
      return problem(`"${identity}" is not a specific user, group, tag, host or address — tests cannot use * or autogroups`);
  }
}

function runTest(policy: TailnetPolicy, rules: readonly CompiledRule[], test: PolicyTest, index: number, problems: PolicyProblem[]): CaseResult[] {
  const where = `tests[${index}]`;
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
        problems.push({ where: at, message: `"${dst}" is not host:port with one port number, e.g. tag:server:443` });
        return;
      }
      const targets = endpoints(split[0], at, policy, problems);
      if (!sources.length || !targets.length) return;
      const port = Number(split[1]);
      let outcome: Match = expect === "accept" ? "yes" : "no";
      const through = new Map<string, RuleRef>();
      for (const from of sources) {
        for (const to of targets) {
          let pair: Match = "no";
          for (const protocol of protocols as number[]) {
            const r = reach(policy, rules, from, attrs, to, protocol, port);
            pair = best(pair, r.match);
            for (const ref of r.rules) through.set(`${ref.section}[${ref.index}]`, ref);
          }
          outcome = expect === "accept" ? worst(outcome, pair) : best(outcome, pair);
        }
      }
      const refs = [...through.values()];
      const ok = expect === "accept" ? outcome === "yes" : outcome === "no";
      results.push({
        test: index, src: test.src, srcPostureAttrs: test.srcPostureAttrs, proto: test.proto, expect, dst, ok, rules: refs,
        reason: explain(outcome, refs),
      });
    });
  each("accept", test.accept);
  each("deny", test.deny);
  return results;
}

function worst(a: Match, b: Match): Match {
  return a === "no" || b === "no" ? "no" : a === "maybe" || b === "maybe" ? "maybe" : "yes";
}

function explain(outcome: Match, refs: readonly RuleRef[]): string {
  const names = refs.map((r) => `${r.section}[${r.index}]`).join(", ");
  if (outcome === "yes") return `allowed by ${names}`;
  if (outcome === "maybe") return `possibly allowed by ${names} (depends on addresses, roles or ipsets only the live tailnet knows)`;
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
): { match: Match; rules: RuleRef[] } {
  let result: Match = "no";
  const through: RuleRef[] = [];
  for (const rule of rules) {
    let source: Match = "no";
    for (const s of rule.src) source = best(source, matches(s, from, policy));
    if (source === "no") continue;
    source = worst(source, posture(policy, rule.postures, attrs));
    let target: Match = "no";
    for (const d of rule.dst) {
      if (d.allowances.some((a) => allows(a, protocol, port))) target = best(target, matches(d.selector, to, policy, from));
    }
    let match = worst(source, target);
    if (match === "yes" && rule.uncertain) match = "maybe";
    if (match !== "no") through.push(rule.ref);
    result = best(result, match);
  }
  return { match: result, rules: through };
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
