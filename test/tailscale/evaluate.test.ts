import { evaluatePolicy, type Evaluation } from "../../constructs/tailscale/policy/evaluate";
import { formatEvaluation } from "../../constructs/tailscale/policy/report";
import type { TailnetPolicy } from "../../constructs/tailscale/policy/types";

const alice = "alice@example.com";
const bob = "bob@example.com";

/** A small tailnet: two users, a group, two tagged servers, a host alias. */
const base: TailnetPolicy = {
  groups: { "group:family": [alice, bob], "group:kids": [bob], "group:empty": [] },
  tagOwners: { "tag:server": [alice], "tag:nas": [alice] },
  hosts: { printer: "100.100.1.5", lan: "192.168.1.0/24" },
};

function run(policy: Partial<TailnetPolicy>, offlineTests?: TailnetPolicy["tests"]): Evaluation {
  return evaluatePolicy({ ...base, ...policy }, { offlineTests });
}

/** Each case's outcome, as "src→dst expect: ok|FAIL". */
function outcomes(e: Evaluation): string[] {
  return e.cases.map((c) => `${c.src}→${c.dst} ${c.expect}: ${c.ok ? "ok" : "FAIL"}`);
}

describe("the policy-test evaluator", () => {
  test("a single port: accepted there, denied on the next one", () => {
    const e = run({
      acls: [{ action: "accept", src: [alice], dst: ["tag:server:443"] }],
      tests: [{ src: alice, accept: ["tag:server:443"], deny: ["tag:server:444", "tag:nas:443"] }],
    });
    expect(e.problems).toEqual([]);
    expect(e.ok).toBe(true);
    expect(e.cases).toHaveLength(3);
  });

  test("reports a failing accept and a failing deny, with the rule that let it through", () => {
    const e = run({
      acls: [{ action: "accept", src: [alice], dst: ["tag:server:22"] }],
      tests: [{ src: alice, accept: ["tag:server:443"], deny: ["tag:server:22"] }],
    });
    expect(e.ok).toBe(false);
    expect(e.failures.map((f) => [f.expect, f.dst, f.reason])).toEqual([
      ["accept", "tag:server:443", "no rule allows it"],
      ["deny", "tag:server:22", "allowed by acls[0]"],
    ]);
    const report = formatEvaluation(e);
    expect(report).toContain("2 of 2 test cases fail");
    expect(report).toMatch(/tests\[0\]\s+alice@example\.com\s+deny\s+tag:server:22\s+allowed by acls\[0\]/);
  });

  test("port lists and ranges", () => {
    const e = run({
      acls: [{ action: "accept", src: [alice], dst: ["tag:server:80,443,8000-8100"] }],
      tests: [{ src: alice, accept: ["tag:server:80", "tag:server:443", "tag:server:8000", "tag:server:8100"], deny: ["tag:server:81", "tag:server:7999", "tag:server:8101"] }],
    });
    expect(outcomes(e).filter((o) => o.endsWith("FAIL"))).toEqual([]);
    expect(e.cases).toHaveLength(7);
  });

  test("* as source and as destination host and port", () => {
    const e = run({
      acls: [
        { action: "accept", src: ["*"], dst: ["tag:nas:*"] },
        { action: "accept", src: ["tag:server"], dst: ["*:53"] },
      ],
      tests: [
        { src: bob, accept: ["tag:nas:1", "tag:nas:65535"], deny: ["tag:server:1"] },
        { src: "tag:server", accept: ["tag:nas:53", "printer:53"], deny: ["printer:54"] },
      ],
    });
    expect(e.problems).toEqual([]);
    expect(outcomes(e).filter((o) => o.endsWith("FAIL"))).toEqual([]);
    expect(e.cases).toHaveLength(6);
  });

  test("groups: members are in, others out; a group test speaks for every member", () => {
    const e = run({
      acls: [{ action: "accept", src: ["group:kids"], dst: ["tag:nas:445"] }],
      tests: [
        { src: bob, accept: ["tag:nas:445"] },
        { src: alice, deny: ["tag:nas:445"] },
        { src: "group:kids", accept: ["tag:nas:445"] },
        // alice is in family but not in kids: the family is not accepted as a whole…
        { src: "group:family", accept: ["tag:nas:445"] },
        // …and not denied as a whole either (bob gets in).
        { src: "group:family", deny: ["tag:nas:445"] },
      ],
    });
    expect(outcomes(e)).toEqual([
      `${bob}→tag:nas:445 accept: ok`,
      `${alice}→tag:nas:445 deny: ok`,
      "group:kids→tag:nas:445 accept: ok",
      "group:family→tag:nas:445 accept: FAIL",
      "group:family→tag:nas:445 deny: FAIL",
    ]);
  });

  test("in an offline-only check, a group as destination stands for its members' devices", () => {
    const e = run({ acls: [{ action: "accept", src: ["tag:server"], dst: [`${bob}:22`] }] }, [
      { src: "tag:server", accept: ["group:kids:22"], deny: ["group:family:22", `${alice}:22`] },
    ]);
    expect(outcomes(e)).toEqual(["tag:server→group:kids:22 accept: ok", "tag:server→group:family:22 deny: FAIL", `tag:server→${alice}:22 deny: ok`]);
  });

  test("tags: a tagged device is not its owner's, and a user's device is not tagged", () => {
    const e = run(
      {
        acls: [
          { action: "accept", src: ["tag:server"], dst: ["tag:nas:2049"] },
          { action: "accept", src: [alice], dst: [`${alice}:22`] },
        ],
        tests: [
          { src: "tag:server", accept: ["tag:nas:2049"] },
          { src: alice, deny: ["tag:nas:2049"] },
        ],
      },
      [
        { src: "tag:server", deny: [`${alice}:22`] },
        { src: alice, accept: [`${alice}:22`] },
      ],
    );
    expect(e.problems).toEqual([]);
    expect(e.cases).toHaveLength(4);
    expect(e.ok).toBe(true);
  });

  test("autogroup:member covers users, not tagged devices; autogroup:tagged the reverse", () => {
    const e = run({
      acls: [
        { action: "accept", src: ["autogroup:member"], dst: ["tag:server:443"] },
        { action: "accept", src: ["autogroup:tagged"], dst: ["tag:nas:9100"] },
      ],
      tests: [
        { src: bob, accept: ["tag:server:443"], deny: ["tag:nas:9100"] },
        { src: "tag:server", accept: ["tag:nas:9100"], deny: ["tag:server:443"] },
        { src: "group:empty", accept: ["tag:server:443"] },
      ],
    });
    expect(outcomes(e).filter((o) => o.endsWith("FAIL"))).toEqual([]);
    expect(e.cases).toHaveLength(5);
  });

  test("autogroup:self: a user's own devices, nobody else's", () => {
    const e = run(
      {
        acls: [{ action: "accept", src: ["autogroup:member"], dst: ["autogroup:self:*"] }],
        tests: [{ src: alice, deny: ["tag:server:22"] }],
      },
      [{ src: alice, accept: [`${alice}:22`], deny: [`${bob}:22`] }],
    );
    expect(e.cases).toHaveLength(3);
    expect(e.ok).toBe(true);
  });

  test("hosts and addresses: a host alias, an IP, a CIDR", () => {
    const e = run({
      hosts: { ...base.hosts, nas4: "100.100.1.9" },
      acls: [
        { action: "accept", src: ["printer"], dst: ["nas4:873"] },
        { action: "accept", src: [alice], dst: ["100.100.1.0/24:631"] },
      ],
      tests: [
        { src: "printer", accept: ["nas4:873", "100.100.1.9:873"], deny: ["nas4:874"] },
        { src: "100.100.1.5", accept: ["nas4:873"] },
        { src: "100.100.1.6", deny: ["nas4:873"] },
        { src: alice, accept: ["printer:631", "100.100.1.200:631"], deny: ["100.100.2.1:631"] },
      ],
    });
    expect(outcomes(e).filter((o) => o.endsWith("FAIL"))).toEqual([]);
    expect(e.cases).toHaveLength(8);
  });

  test("an address range that may or may not hold a user's device is never certain: both its accept and deny fail", () => {
    const e = run({
      acls: [{ action: "accept", src: ["100.64.0.0/24"], dst: ["tag:server:22"] }],
      tests: [
        { src: alice, accept: ["tag:server:22"] },
        { src: bob, deny: ["tag:server:22"] },
      ],
    });
    expect(e.failures).toHaveLength(2);
    expect(e.undecided).toHaveLength(2);
    expect(e.failures[1].reason).toBe("cannot decide offline: possibly allowed by acls[0], depending on which devices hold addresses in a range that covers part of the tailnet");
  });

  test("the whole tailnet range covers every device", () => {
    const e = run({
      acls: [{ action: "accept", src: ["100.64.0.0/10", "fd7a:115c:a1e0::/48"], dst: ["tag:server:22"] }],
      tests: [
        { src: alice, accept: ["tag:server:22"] },
        { src: "tag:nas", accept: ["tag:server:22"] },
      ],
    });
    expect(e.ok).toBe(true);
  });

  test("proto: a UDP-only rule passes an accept without proto (TCP or UDP) but fails the deny and a TCP test", () => {
    const e = run({
      acls: [{ action: "accept", src: [alice], proto: "udp", dst: ["tag:server:53"] }],
      tests: [
        { src: alice, accept: ["tag:server:53"] },
        { src: alice, proto: "udp", accept: ["tag:server:53"] },
        { src: alice, proto: "tcp", accept: ["tag:server:53"] },
        { src: alice, proto: "tcp", deny: ["tag:server:53"] },
        { src: alice, deny: ["tag:server:53"] },
      ],
    });
    expect(outcomes(e).map((o) => o.split(": ")[1])).toEqual(["ok", "ok", "FAIL", "ok", "FAIL"]);
  });

  test("device posture: only devices meeting it get in, tested with srcPostureAttrs", () => {
    const e = run({
      postures: { "posture:android": ["node:os == 'android'"], "posture:recent": ["node:os IN ['macos', 'linux']", "node:tsVersion >= '1.60'"] },
      acls: [
        { action: "accept", src: [alice], srcPosture: ["posture:android"], dst: ["tag:server:22000"] },
        { action: "accept", src: [alice], srcPosture: ["posture:recent"], dst: ["tag:server:22"] },
      ],
      tests: [
        { src: alice, srcPostureAttrs: { "node:os": "android" }, accept: ["tag:server:22000"], deny: ["tag:server:22"] },
        { src: alice, srcPostureAttrs: { "node:os": "ios" }, deny: ["tag:server:22000"] },
        { src: alice, deny: ["tag:server:22000", "tag:server:22"] },
        { src: alice, srcPostureAttrs: { "node:os": "linux", "node:tsVersion": "1.62.1" }, accept: ["tag:server:22"] },
        { src: alice, srcPostureAttrs: { "node:os": "linux", "node:tsVersion": "1.58.0" }, deny: ["tag:server:22"] },
      ],
    });
    expect(outcomes(e).filter((o) => o.endsWith("FAIL"))).toEqual([]);
    expect(e.cases).toHaveLength(7);
  });

  test("defaultSrcPosture applies to rules without their own", () => {
    const e = run({
      postures: { "posture:linux": ["node:os == 'linux'"] },
      defaultSrcPosture: ["posture:linux"],
      acls: [{ action: "accept", src: [alice], dst: ["tag:server:22"] }],
      tests: [
        { src: alice, srcPostureAttrs: { "node:os": "linux" }, accept: ["tag:server:22"] },
        { src: alice, srcPostureAttrs: { "node:os": "windows" }, deny: ["tag:server:22"] },
      ],
    });
    expect(e.ok).toBe(true);
  });

  test("grants: the ip list decides protocol and port; a grant without ip opens nothing", () => {
    const e = run({
      grants: [
        { src: ["group:family"], dst: ["tag:server"], ip: ["tcp:443", "8000-8001"] },
        { src: [alice], dst: ["tag:nas"], app: { "example.com/cap/x": [{}] } },
      ],
      tests: [
        { src: bob, proto: "tcp", accept: ["tag:server:443", "tag:server:8001"] },
        { src: bob, proto: "udp", deny: ["tag:server:443"], accept: ["tag:server:8000"] },
        { src: alice, deny: ["tag:nas:443"] },
      ],
    });
    expect(outcomes(e).filter((o) => o.endsWith("FAIL"))).toEqual([]);
    expect(e.cases).toHaveLength(5);
  });

  test("legacy users/ports and user/allow still count", () => {
    const legacy = { action: "accept", users: [alice], ports: ["tag:server:22"] } as unknown as TailnetPolicy["acls"] extends readonly (infer R)[] | undefined ? R : never;
    const test = { user: alice, allow: ["tag:server:22"] } as unknown as { src: string };
    const e = run({ acls: [legacy], tests: [test] });
    expect(e.ok).toBe(true);
    expect(e.cases).toHaveLength(1);
  });

  test("problems Tailscale would refuse the policy for are reported where they are", () => {
    const e = run({
      postures: { android: ["node:os = 'android'"] },
      acls: [
        { action: "accept", src: ["group:nobody"], dst: ["tag:ghost:22", "printer", "nohost:80"] },
        { action: "accept", src: [alice], srcPosture: ["posture:missing"], proto: "gre", dst: ["tag:server:22"] },
      ],
      groups: { ...base.groups, "group:nested": ["group:kids"] },
      tests: [{ src: "*", accept: ["tag:server:22"] }, { src: alice, accept: ["tag:server:22-23", "tag:server"] }, { src: alice }],
    });
    expect(e.ok).toBe(false);
    expect(e.problems.map((p) => p.where)).toEqual(
      expect.arrayContaining([
        "acls[0].src[0]",
        "acls[0].dst[0]",
        "acls[0].dst[1]",
        "acls[0].dst[2]",
        "acls[1].dst[0]",
        "acls[1]",
        'groups["group:nested"][0]',
        'postures["android"]',
        'postures["android"][0]',
        "tests[0].src",
        "tests[1].accept[0]",
        "tests[1].accept[1]",
        "tests[2]",
      ]),
    );
    expect(formatEvaluation(e)).toContain("acls[0].src[0]: group group:nobody is not defined in groups");
  });

  test("roles and ipsets are unknowable offline: never a pass", () => {
    const e = run({
      acls: [{ action: "accept", src: ["autogroup:admin", "ipset:office"], dst: ["tag:server:22"] }],
      tests: [
        { src: alice, accept: ["tag:server:22"] },
        { src: bob, deny: ["tag:server:22"] },
        { src: "tag:nas", deny: ["tag:server:22"] },
      ],
    });
    expect(outcomes(e)).toEqual([`${alice}→tag:server:22 accept: FAIL`, `${bob}→tag:server:22 deny: FAIL`, "tag:nas→tag:server:22 deny: FAIL"]);
  });
});
