/**
 * Tailscale SSH offline: the policy's `sshTests` against its `ssh` rules. A connection (source
 * device, destination device, login user) takes the action of the first rule whose src, dst and
 * users all cover it — "accept", or "check" (re-authentication first) — and is denied when no
 * rule does. A user's own device is reachable only from that same user's devices, whatever the
 * rule says; tagged devices are reachable from whoever the rule names.
 */
import type { CaseResult, PolicyProblem, RuleRef } from "./evaluate";
import { matchAny, parseSelector, undefinedReference, type Endpoint, type Match, type Selector } from "./selectors";
import type { SshRule, SshTest, TailnetPolicy } from "./types";

type Decision = "accept" | "check" | "deny";
type EndpointsOf = (identity: string, where: string) => Endpoint[];

const LOGIN = /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/;

interface CompiledSsh {
  readonly ref: RuleRef;
  readonly action: "accept" | "check";
  readonly src: readonly Selector[];
  readonly dst: readonly Selector[];
  readonly users: readonly string[];
}

export function runSshTests(policy: TailnetPolicy, problems: PolicyProblem[], endpointsOf: EndpointsOf): CaseResult[] {
  const rules = compileSsh(policy, problems);
  const cases: CaseResult[] = [];
  (policy.sshTests ?? []).forEach((test, index) => cases.push(...runSshTest(policy, rules, test, index, problems, endpointsOf)));
  return cases;
}

function compileSsh(policy: TailnetPolicy, problems: PolicyProblem[]): CompiledSsh[] {
  return (policy.ssh ?? []).map((rule: SshRule, index) => {
    const where = `ssh[${index}]`;
    if (rule.action !== "accept" && rule.action !== "check") {
      problems.push({ where, message: `action must be "accept" or "check", not ${JSON.stringify(rule.action)}` });
    }
    const selectors = (list: readonly string[] | undefined, field: string) =>
      (list ?? []).map((text, j) => {
        const selector = parseSelector(text);
        const missing = undefinedReference(selector, policy);
        if (missing) problems.push({ where: `${where}.${field}[${j}]`, message: missing });
        return selector;
      });
    if (!rule.users?.length) problems.push({ where: `${where}.users`, message: 'list the login users, e.g. ["autogroup:nonroot"]' });
    (rule.users ?? []).forEach((user, j) => {
      if (!validLogin(user)) {
        problems.push({ where: `${where}.users[${j}]`, message: `"${user}" is not a login user: a name, root, autogroup:nonroot, localpart:*@domain or *` });
      }
    });
    const compiled = { ref: { section: "ssh", index } as RuleRef, action: rule.action, src: selectors(rule.src, "src"), dst: selectors(rule.dst, "dst"), users: rule.users ?? [] };
    checkShape(rule, compiled, where, problems);
    return compiled;
  });
}

/** Combinations Tailscale refuses in an ssh rule: who may reach a user's own devices, *, checkPeriod. */
function checkShape(rule: SshRule, compiled: CompiledSsh, where: string, problems: PolicyProblem[]): void {
  const tagged = compiled.src.some((s) => s.kind === "tag" || (s.kind === "autogroup" && s.name === "autogroup:tagged"));
  compiled.dst.forEach((d, j) => {
    const at = `${where}.dst[${j}]`;
    if (d.kind === "any") problems.push({ where: at, message: "* is not an SSH destination — name tags, hosts or autogroup:self" });
    if (d.kind === "user" && !(compiled.src.length === 1 && compiled.src[0].kind === "user" && compiled.src[0].email === d.email)) {
      problems.push({ where: at, message: `${d.email}'s own devices are reachable over SSH only from ${d.email}: src must be that user alone` });
    }
    if (d.kind === "autogroup" && (d.name === "autogroup:self" || d.name === "autogroup:member") && tagged) {
      problems.push({ where: at, message: `tagged sources cannot SSH to user-owned devices (${d.name}) — list users or groups in src` });
    }
  });
  if (rule.checkPeriod !== undefined) {
    if (rule.action !== "check") problems.push({ where: `${where}.checkPeriod`, message: 'checkPeriod goes only with action "check"' });
    else if (rule.checkPeriod !== "always") {
      const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(rule.checkPeriod);
      const seconds = m && rule.checkPeriod ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) : NaN;
      if (!(seconds >= 60 && seconds <= 168 * 3600)) {
        problems.push({ where: `${where}.checkPeriod`, message: `"${rule.checkPeriod}" is not a check period from 1m to 168h (or "always"), e.g. 12h` });
      }
    }
  }
}

function validLogin(user: string): boolean {
  return user === "*" || user === "root" || user === "autogroup:nonroot" || /^localpart:\*@[^@\s]+$/.test(user) || LOGIN.test(user);
}

/** Does the rule's users list cover `login` for a connection from `from`? */
function coversLogin(users: readonly string[], login: string, from: Endpoint): boolean {
  const person = from.user !== undefined && from.tags.length === 0;
  return users.some((u) => {
    if (u === "*") return true;
    if (u === "autogroup:nonroot") return login !== "root";
    if (u.startsWith("localpart:*@")) {
      const domain = u.slice("localpart:*@".length).toLowerCase();
      const [local, at] = (from.user ?? "").toLowerCase().split("@");
      return person && at === domain && login.toLowerCase() === local;
    }
    return u === login;
  });
}

/** The decision for one connection, "maybe" when the first rule that might match is not certain. */
function decide(
  policy: TailnetPolicy,
  rules: readonly CompiledSsh[],
  from: Endpoint,
  to: Endpoint,
  login: string,
): { decision: Decision | "maybe"; rule?: RuleRef; unknown: string[] } {
  const ownedByPerson = to.user !== undefined && to.tags.length === 0;
  const samePerson = from.user !== undefined && from.tags.length === 0 && from.user === to.user;
  if (ownedByPerson && !samePerson) return { decision: "deny", unknown: [] };
  for (const rule of rules) {
    if (!coversLogin(rule.users, login, from)) continue;
    const why: string[] = [];
    const source = matchAny(rule.src, from, policy, why);
    const target = matchAny(rule.dst, to, policy, why, from);
    const match: Match = source === "no" || target === "no" ? "no" : source === "yes" && target === "yes" ? "yes" : "maybe";
    if (match === "yes") return { decision: rule.action, rule: rule.ref, unknown: [] };
    // An uncertain earlier rule decides before any later one: the answer is not known.
    if (match === "maybe") return { decision: "maybe", rule: rule.ref, unknown: why };
  }
  return { decision: "deny", unknown: [] };
}

function runSshTest(policy: TailnetPolicy, rules: readonly CompiledSsh[], test: SshTest, index: number, problems: PolicyProblem[], endpointsOf: EndpointsOf): CaseResult[] {
  const where = `sshTests[${index}]`;
  if (typeof test.src !== "string") {
    problems.push({ where, message: "an SSH test needs src" });
    return [];
  }
  if (!test.dst?.length) {
    problems.push({ where, message: "an SSH test needs dst: the devices to connect to (tags or hosts)" });
    return [];
  }
  if (!(test.accept?.length || test.check?.length || test.deny?.length)) {
    problems.push({ where, message: "an SSH test needs accept, check or deny login users" });
  }
  const sources = endpointsOf(test.src, `${where}.src`);
  const results: CaseResult[] = [];
  test.dst.forEach((dst, d) => {
    const at = `${where}.dst[${d}]`;
    const selector = parseSelector(dst);
    if (selector.kind === "user" || selector.kind === "group" || selector.kind === "autogroup" || selector.kind === "any") {
      for (const [expect, logins] of expectations(test)) {
        for (const login of logins) {
          results.push({
            section: "sshTests",
            test: index,
            src: test.src,
            expect,
            dst: `${dst} as ${login}`,
            ok: false,
            undecided: true,
            rules: [],
            reason: `cannot decide offline: ${dst} is not one device — test a tag or a host`,
          });
        }
      }
      return;
    }
    if (selector.kind === "address" && dst.includes("/")) {
      problems.push({ where: at, message: `"${dst}" is a prefix — an SSH test destination is a tag, a host or one IP` });
      return;
    }
    const targets = endpointsOf(dst, at);
    if (!sources.length || !targets.length) return;
    for (const [expect, logins] of expectations(test)) {
      logins.forEach((login, j) => {
        if (!LOGIN.test(login) && login !== "root") {
          problems.push({ where: `${where}.${expect}[${j}]`, message: `"${login}" is not a login user name` });
          return;
        }
        const seen: { decision: Decision | "maybe"; rule?: RuleRef; unknown: string[] }[] = [];
        for (const from of sources) for (const to of targets) seen.push(decide(policy, rules, from, to, login));
        const refs = [...new Map(seen.filter((s) => s.rule).map((s) => [s.rule!.index, s.rule!])).values()];
        const maybe = seen.filter((s) => s.decision === "maybe");
        const wrong = seen.filter((s) => s.decision !== expect && s.decision !== "maybe");
        const ok = maybe.length === 0 && wrong.length === 0;
        const names = refs.map((r) => `ssh[${r.index}]`).join(", ");
        const reason = wrong.length
          ? wrong[0].decision === "deny"
            ? "no ssh rule lets it in"
            : `${wrong[0].decision === "check" ? "checked" : "accepted"} by ssh[${wrong[0].rule!.index}]`
          : maybe.length
            ? `cannot decide offline: ssh rule ${names} may match, depending on ${[...new Set(maybe.flatMap((m) => m.unknown))].join("; ") || "the live tailnet"}`
            : expect === "deny"
              ? "no ssh rule lets it in"
              : `${expect === "check" ? "checked" : "accepted"} by ${names}`;
        results.push({
          section: "sshTests",
          test: index,
          src: test.src,
          expect,
          dst: `${dst} as ${login}`,
          ok,
          undecided: !wrong.length && maybe.length > 0,
          rules: refs,
          reason,
        });
      });
    }
  });
  return results;
}

function expectations(test: SshTest): [Decision, readonly string[]][] {
  return [
    ["accept", test.accept ?? []],
    ["check", test.check ?? []],
    ["deny", test.deny ?? []],
  ];
}
