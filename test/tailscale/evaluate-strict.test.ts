/**
 * The offline evaluator against Tailscale's documented semantics: what Tailscale refuses is
 * refused here, sshTests are run against ssh rules, and what only the live tailnet knows is
 * "cannot decide offline", never a pass.
 */
import { evaluatePolicy, type Evaluation } from "../../constructs/tailscale/policy/evaluate";
import { formatEvaluation } from "../../constructs/tailscale/policy/report";
import type { TailnetPolicy } from "../../constructs/tailscale/policy/types";

const alice = "alice@example.com";
const bob = "bob@example.com";
const base: TailnetPolicy = {
  groups: { "group:family": [alice, bob], "group:admins": [alice] },
  tagOwners: { "tag:server": [alice], "tag:nas": [alice] },
  hosts: { printer: "100.100.1.5", lan: "192.168.1.0/24", "printer-net": "100.100.1.5/32" },
  acls: [{ action: "accept", src: ["*"], dst: ["*:*"] }],
};
const run = (policy: Partial<TailnetPolicy>): Evaluation => evaluatePolicy({ ...base, ...policy });
const cases = (e: Evaluation) => e.cases.map((c) => `${c.section}[${c.test}] ${c.dst} ${c.expect}: ${c.ok ? "ok" : c.undecided ? "UNDECIDED" : "FAIL"}`);

describe("test destinations: one host and one port, as Tailscale takes them", () => {
  test.each([
    ["100.100.1.5/32:443", "a prefix is not one host"],
    ["lan:631", "host lan is the prefix 192.168.1.0/24, not one address"],
    ["printer-net:631", "host printer-net is the prefix 100.100.1.5/32, not one address"],
    [`${alice}:22`, "Tailscale refuses a user as a test destination"],
    ["group:family:22", "Tailscale refuses a group as a test destination"],
    ["autogroup:member:22", "Tailscale refuses autogroup:member as a test destination"],
    ["*:22", "* is not one host"],
  ])("%s is refused, by name, and never counted as a pass", (dst, why) => {
    const e = run({ tests: [{ src: alice, accept: [dst] }] });
    expect(e.ok).toBe(false);
    expect(e.cases).toEqual([]);
    expect(e.problems).toEqual([{ where: "tests[0].accept[0]", message: expect.stringContaining(`"${dst}": ${why} — a test destination is one host and one port`) }]);
  });

  test.each(["tag:server:80,443", "tag:server:80-81", "tag:server:*", "tag:server"])("%s: one port number only", (dst) => {
    const e = run({ tests: [{ src: alice, deny: [dst] }] });
    expect(e.problems).toEqual([{ where: "tests[0].deny[0]", message: expect.stringContaining("is not host:port with one port number") }]);
  });

  test("a test source that is a range (a host alias of a CIDR) is refused too", () => {
    const e = run({ tests: [{ src: "lan", accept: ["tag:server:443"] }] });
    expect(e.problems).toEqual([{ where: "tests[0].src", message: "host lan is a range, not one device — tests take single addresses" }]);
  });

  test("a tag, a host alias of one address and an IP are destinations", () => {
    const e = run({ tests: [{ src: alice, accept: ["tag:server:443", "printer:631", "100.100.1.5:631", "[fd7a:115c:a1e0::1]:22"] }] });
    expect(e.problems).toEqual([]);
    expect(e.cases).toHaveLength(4);
    expect(e.ok).toBe(true);
  });
});

describe("undeclared names are refused wherever they are", () => {
  test("in tests, rules, grants, ssh, nodeAttrs and autoApprovers", () => {
    const e = run({
      acls: [{ action: "accept", src: ["ipset:office", "autogroup:everyone"], dst: ["tag:server:22"] }],
      grants: [{ src: ["group:ghosts"], dst: ["tag:nowhere"], ip: ["*"] }],
      ssh: [{ action: "accept", src: ["group:ghosts"], dst: ["tag:nowhere"], users: ["root"] }],
      nodeAttrs: [{ target: ["tag:nowhere"], attr: ["funnel"] }],
      autoApprovers: { routes: { "192.168.1.0/24": ["tag:router"] }, exitNode: ["group:ghosts"] },
      tests: [{ src: "group:ghosts", accept: ["tag:nowhere:22"] }],
      sshTests: [{ src: alice, dst: ["tag:nowhere"], accept: ["root"] }],
    });
    const found = e.problems.map((p) => `${p.where}: ${p.message}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "acls[0].src[0]: ipset ipset:office is not defined in ipsets",
        "acls[0].src[1]: autogroup:everyone is not an autogroup Tailscale knows",
        "grants[0].src[0]: group group:ghosts is not defined in groups",
        "grants[0].dst[0]: tag tag:nowhere has no tagOwners entry",
        "ssh[0].src[0]: group group:ghosts is not defined in groups",
        "ssh[0].dst[0]: tag tag:nowhere has no tagOwners entry",
        "nodeAttrs[0].target[0]: tag tag:nowhere has no tagOwners entry",
        'autoApprovers.routes["192.168.1.0/24"][0]: tag tag:router has no tagOwners entry',
        "autoApprovers.exitNode[0]: group group:ghosts is not defined in groups",
        "tests[0].src: group group:ghosts is not defined in groups",
        "tests[0].accept[0]: tag tag:nowhere has no tagOwners entry",
        "sshTests[0].dst[0]: tag tag:nowhere has no tagOwners entry",
      ]),
    );
    expect(e.ok).toBe(false);
  });
});

describe("sshTests against ssh rules", () => {
  const nas = (ssh: TailnetPolicy["ssh"], sshTests: TailnetPolicy["sshTests"]) => run({ ssh, sshTests });

  test("a policy whose only tests are SSH tests runs them: no ssh rule at all fails the accept", () => {
    const e = nas([], [{ src: alice, dst: ["tag:nas"], accept: ["alice"], deny: ["root"] }]);
    expect(cases(e)).toEqual(["sshTests[0] tag:nas as alice accept: FAIL", "sshTests[0] tag:nas as root deny: ok"]);
    expect(formatEvaluation(e)).toMatch(/1 of 2 test cases fail:[\s\S]*sshTests\[0\]\s+alice@example\.com\s+accept\s+tag:nas as alice\s+no ssh rule lets it in/);
  });

  test("autogroup:nonroot is every login but root; root is only root; * is any", () => {
    const e = nas(
      [
        { action: "accept", src: [alice], dst: ["tag:nas"], users: ["autogroup:nonroot"] },
        { action: "accept", src: [bob], dst: ["tag:nas"], users: ["root"] },
        { action: "accept", src: [alice], dst: ["tag:server"], users: ["*"] },
      ],
      [
        { src: alice, dst: ["tag:nas"], accept: ["alice", "backup"], deny: ["root"] },
        { src: bob, dst: ["tag:nas"], accept: ["root"], deny: ["bob"] },
        { src: alice, dst: ["tag:server"], accept: ["root", "alice"] },
        { src: alice, dst: ["tag:nas"], accept: ["root"] },
      ],
    );
    expect(cases(e).filter((c) => !c.endsWith("ok"))).toEqual(["sshTests[3] tag:nas as root accept: FAIL"]);
  });

  test("the wrong login user is denied", () => {
    const e = nas([{ action: "accept", src: [alice], dst: ["tag:nas"], users: ["ubuntu"] }], [{ src: alice, dst: ["tag:nas"], accept: ["alice"] }]);
    expect(e.failures.map((f) => f.reason)).toEqual(["no ssh rule lets it in"]);
  });

  test("localpart:*@domain: the login named like the source user's e-mail, only for that domain", () => {
    const e = nas(
      [{ action: "accept", src: ["autogroup:member"], dst: ["tag:nas"], users: ["localpart:*@example.com"] }],
      [
        { src: alice, dst: ["tag:nas"], accept: ["alice"], deny: ["bob", "root"] },
        { src: "carol@other.org", dst: ["tag:nas"], deny: ["carol"] },
        { src: "tag:server", dst: ["tag:nas"], deny: ["server"] },
      ],
    );
    expect(e.problems).toEqual([]);
    expect(e.failures).toEqual([]);
    expect(e.cases).toHaveLength(5);
  });

  test("check is not accept: each must be asserted as what it is", () => {
    const e = nas(
      [{ action: "check", src: ["group:family"], dst: ["tag:nas"], users: ["autogroup:nonroot"] }],
      [
        { src: bob, dst: ["tag:nas"], check: ["bob"] },
        { src: bob, dst: ["tag:nas"], accept: ["bob"] },
        { src: bob, dst: ["tag:nas"], check: ["root"] },
      ],
    );
    expect(cases(e)).toEqual(["sshTests[0] tag:nas as bob check: ok", "sshTests[1] tag:nas as bob accept: FAIL", "sshTests[2] tag:nas as root check: FAIL"]);
    expect(e.failures[0].reason).toBe("checked by ssh[0]");
  });

  test("the first rule that matches decides", () => {
    const e = nas(
      [
        { action: "check", src: ["group:family"], dst: ["tag:nas"], users: ["root"] },
        { action: "accept", src: ["group:admins"], dst: ["tag:nas"], users: ["root"] },
      ],
      [{ src: alice, dst: ["tag:nas"], check: ["root"] }],
    );
    expect(e.ok).toBe(true);
  });

  test("a group test speaks for every member; another user's own device is never reachable", () => {
    const e = nas(
      [
        { action: "accept", src: ["group:admins"], dst: ["tag:nas"], users: ["root"] },
        { action: "accept", src: ["*"], dst: [bob], users: ["*"] },
      ],
      [
        { src: "group:family", dst: ["tag:nas"], accept: ["root"] },
        { src: "group:admins", dst: ["tag:nas"], accept: ["root"] },
      ],
    );
    expect(cases(e)).toEqual(["sshTests[0] tag:nas as root accept: FAIL", "sshTests[1] tag:nas as root accept: ok"]);
  });

  test("what depends on the live tailnet is named as undecided, never a pass", () => {
    const e = nas(
      [
        { action: "accept", src: ["autogroup:admin"], dst: ["tag:nas"], users: ["root"] },
        { action: "check", src: ["autogroup:member"], dst: ["autogroup:self"], users: ["autogroup:nonroot"] },
      ],
      [
        { src: alice, dst: ["tag:nas"], accept: ["root"] },
        { src: alice, dst: [alice], check: ["alice"] },
      ],
    );
    expect(e.ok).toBe(false);
    expect(e.undecided.map((c) => c.reason)).toEqual([
      "cannot decide offline: ssh rule ssh[0] may match, depending on autogroup:admin (admin console roles)",
      `cannot decide offline: ${alice} is not one device — test a tag or a host`,
    ]);
    expect(formatEvaluation(e)).toContain("2 of 2 test cases cannot be decided offline (never counted as a pass)");
  });

  test("rules Tailscale refuses: * as destination, another user's devices, tags to user devices, a bad checkPeriod", () => {
    const e = nas(
      [
        { action: "accept", src: [alice], dst: ["*"], users: ["root"] },
        { action: "accept", src: ["group:family"], dst: [bob], users: ["bob"] },
        { action: "check", src: ["tag:server"], dst: ["autogroup:self"], users: ["autogroup:nonroot"] },
        { action: "accept", src: [alice], dst: ["tag:nas"], users: ["root"], checkPeriod: "12h" },
        { action: "check", src: [alice], dst: ["tag:nas"], users: ["root"], checkPeriod: "200h" },
        { action: "check", src: [bob], dst: [bob, "tag:nas"], users: ["root"], checkPeriod: "always" },
      ],
      [],
    );
    expect(e.problems.map((p) => `${p.where}: ${p.message}`)).toEqual([
      "ssh[0].dst[0]: * is not an SSH destination — name tags, hosts or autogroup:self",
      "ssh[1].dst[0]: bob@example.com's own devices are reachable over SSH only from bob@example.com: src must be that user alone",
      "ssh[2].dst[0]: tagged sources cannot SSH to user-owned devices (autogroup:self) — list users or groups in src",
      'ssh[3].checkPeriod: checkPeriod goes only with action "check"',
      'ssh[4].checkPeriod: "200h" is not a check period from 1m to 168h (or "always"), e.g. 12h',
    ]);
  });

  test("rules Tailscale refuses: unknown action, no users, a login that is no login", () => {
    const e = nas(
      [
        { action: "deny" as "accept", src: [alice], dst: ["tag:nas"], users: [] },
        { action: "accept", src: [alice], dst: ["tag:nas"], users: ["not a user"] },
      ],
      [],
    );
    expect(e.problems.map((p) => p.where)).toEqual(["ssh[0]", "ssh[0].users", "ssh[1].users[0]"]);
  });
});

describe("grants as well as acls", () => {
  test("a grant routed via a node cannot be decided offline, by name", () => {
    const e = run({
      acls: [],
      tagOwners: { ...base.tagOwners, "tag:router": [alice] },
      grants: [{ src: [alice], dst: ["tag:server"], ip: ["tcp:443"], via: ["tag:router"] }],
      tests: [{ src: alice, proto: "tcp", accept: ["tag:server:443"] }],
    });
    expect(e.undecided.map((c) => c.reason)).toEqual([
      "cannot decide offline: possibly allowed by grants[0], depending on grants[0].via (a grant routed through tag:router applies to routes)",
    ]);
  });

  test("an acl and a grant both count for one test; neither alone passes both cases", () => {
    const policy: Partial<TailnetPolicy> = {
      acls: [{ action: "accept", src: [alice], dst: ["tag:server:443"] }],
      grants: [{ src: [alice], dst: ["tag:nas"], ip: ["445"] }],
      tests: [{ src: alice, accept: ["tag:server:443", "tag:nas:445"] }],
    };
    expect(run(policy).ok).toBe(true);
    expect(run({ ...policy, grants: [] }).failures.map((f) => f.dst)).toEqual(["tag:nas:445"]);
    expect(run({ ...policy, acls: [] }).failures.map((f) => f.dst)).toEqual(["tag:server:443"]);
  });
});
