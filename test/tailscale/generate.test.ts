import { evaluatePolicy } from "../../constructs/tailscale/policy/evaluate";
import { generatePolicy, policyPropsFromConfig } from "../../constructs/tailscale/policy/generate";
import { parseHujson } from "../../constructs/tailscale/policy/hujson";
import type { AclRule, TailnetPolicy } from "../../constructs/tailscale/policy/types";
import { EXAMPLE_YAML, load, SEVERAL_READERS } from "./fixtures";

const example = generatePolicy(policyPropsFromConfig(load(EXAMPLE_YAML)));
const several = generatePolicy(policyPropsFromConfig(load(SEVERAL_READERS)));

function testFor(policy: TailnetPolicy, src: string, os?: string) {
  return policy.tests!.find((t) => t.src === src && t.srcPostureAttrs?.["node:os"] === os)!;
}

function withAcl(policy: TailnetPolicy, index: number, change: (rule: AclRule) => AclRule): TailnetPolicy {
  return { ...policy, acls: policy.acls!.map((r, i) => (i === index ? change(r) : r)) };
}

describe("the generated policy", () => {
  test.each([
    ["the example", example],
    ["a stack with several readers", several],
  ])("%s passes its own tests, and the rendered HuJSON is the same policy", (_, generated) => {
    const e = evaluatePolicy(generated.policy, { offlineTests: generated.offlineTests });
    expect(e.problems).toEqual([]);
    expect(e.failures).toEqual([]);
    expect(e.cases.length).toBeGreaterThan(10);
    expect(parseHujson(generated.text)).toEqual(JSON.parse(JSON.stringify(generated.policy)));
  });

  test.each([
    ["the example", example],
    ["a stack with several readers", several],
  ])("%s: every generated test is of a form Tailscale accepts (one tag and one port per destination)", (_, generated) => {
    const tests = generated.policy.tests!;
    expect(tests.length).toBeGreaterThan(2);
    for (const t of tests) {
      for (const dst of [...(t.accept ?? []), ...(t.deny ?? [])]) expect(dst).toMatch(/^tag:[a-z0-9-]+:\d{1,5}$/);
      expect(t.src).toMatch(/^[^@\s]+@[^@\s]+$/);
    }
    expect(evaluatePolicy(generated.policy).problems).toEqual([]);
  });

  test("the example: HTTPS for the reader's devices, Syncthing for the Android reader only, nothing else", () => {
    const { policy } = example;
    expect(policy.groups).toEqual({ "group:shelfstack-readers": ["alice@example.com"], "group:shelfstack-syncthing": ["alice@example.com"] });
    expect(policy.tagOwners).toEqual({ "tag:shelfstack": ["alice@example.com"] });
    expect(policy.acls).toEqual([
      { action: "accept", src: ["group:shelfstack-readers"], dst: ["tag:shelfstack:443"] },
      { action: "accept", src: ["group:shelfstack-syncthing"], srcPosture: ["posture:shelfstack-android"], dst: ["tag:shelfstack:22000"] },
    ]);
    // The iPhone: HTTPS yes, the Syncthing port no; nothing reaches the GUI or the apps' own ports.
    expect(testFor(policy, "alice@example.com", "ios")).toEqual({
      src: "alice@example.com",
      srcPostureAttrs: { "node:os": "ios" },
      accept: ["tag:shelfstack:443"],
      deny: ["tag:shelfstack:22000", "tag:shelfstack:8384", "tag:shelfstack:80", "tag:shelfstack:3010"],
    });
    expect(testFor(policy, "alice@example.com", "android").accept).toEqual(["tag:shelfstack:443", "tag:shelfstack:22000"]);
    // The server cannot reach the readers: checked offline only, since Tailscale takes no user as a test destination.
    expect(policy.tests!.some((t) => t.src === "tag:shelfstack")).toBe(false);
    expect(example.offlineTests[0].deny).toEqual(expect.arrayContaining(["alice@example.com:22000", "alice@example.com:22"]));
  });

  test("several readers: every member is a reader, every Syncthing device's owner may sync from Android", () => {
    const { policy } = several;
    expect(policy.groups!["group:shelfstack-readers"]).toEqual(["alice@example.com", "bob@example.com", "carol@example.com"]);
    expect(policy.groups!["group:shelfstack-syncthing"]).toEqual(["alice@example.com", "bob@example.com"]);
    expect(testFor(policy, "bob@example.com", "ios").deny).toContain("tag:shelfstack:22000");
    expect(testFor(policy, "carol@example.com").accept).toEqual(["tag:shelfstack:443"]);
    expect(several.offlineTests[0]).toMatchObject({ src: "tag:shelfstack", deny: expect.arrayContaining(["carol@example.com:22000", "bob@example.com:22000"]) });
  });

  test("without a Syncthing device (or with Syncthing off) no one reaches the sync port", () => {
    const props = { ...policyPropsFromConfig(load(EXAMPLE_YAML)), access: [] };
    const { policy } = generatePolicy(props);
    expect(policy.acls).toHaveLength(1);
    expect(policy.postures).toBeUndefined();
    expect(testFor(policy, "alice@example.com", "android").deny).toContain("tag:shelfstack:22000");
    expect(evaluatePolicy(policy).ok).toBe(true);
  });

  describe("mutating one rule makes the tests fail", () => {
    test("opening the Syncthing port to iOS (dropping the Android posture)", () => {
      const broken = withAcl(example.policy, 1, ({ srcPosture: _, ...rule }) => rule);
      const e = evaluatePolicy(broken);
      expect(e.ok).toBe(false);
      expect(e.failures.map((f) => [f.srcPostureAttrs?.["node:os"] ?? "-", f.dst])).toEqual([
        ["ios", "tag:shelfstack:22000"],
        ["-", "tag:shelfstack:22000"],
      ]);
    });

    test("opening Syncthing's GUI port to the readers", () => {
      const broken = withAcl(example.policy, 0, (rule) => ({ ...rule, dst: ["tag:shelfstack:443,8384"] }));
      expect(evaluatePolicy(broken).failures.map((f) => f.dst)).toEqual(["tag:shelfstack:8384", "tag:shelfstack:8384", "tag:shelfstack:8384"]);
    });

    test("letting the server reach the readers", () => {
      const broken = { ...example.policy, acls: [...example.policy.acls!, { action: "accept" as const, src: ["tag:shelfstack"], dst: ["group:shelfstack-readers:*"] }] };
      expect(evaluatePolicy(broken, { offlineTests: example.offlineTests }).failures).toHaveLength(4);
    });

    test("taking HTTPS away from the readers", () => {
      const broken = withAcl(example.policy, 0, (rule) => ({ ...rule, dst: ["tag:shelfstack:444"] }));
      const failures = evaluatePolicy(broken).failures;
      expect(failures.length).toBe(example.policy.tests!.length);
      expect(failures.every((f) => f.expect === "accept" && f.dst === "tag:shelfstack:443")).toBe(true);
    });
  });

  test("extras from stack.yaml come after the generated entries and are traced back to their index", () => {
    const props = policyPropsFromConfig(load(EXAMPLE_YAML));
    const generated = generatePolicy({
      ...props,
      extraGroups: { "group:family": ["bob@example.com"] },
      extraTagOwners: { "tag:nas": ["alice@example.com"] },
      extraHosts: { printer: "100.100.1.5" },
      extraAcls: [{ action: "accept", src: ["group:family"], dst: ["tag:nas:445"] }],
      extraTests: [{ src: "bob@example.com", accept: ["tag:nas:445"], deny: ["tag:shelfstack:443"] }],
    });
    expect(generated.policy.acls![2]).toEqual({ action: "accept", src: ["group:family"], dst: ["tag:nas:445"] });
    expect([...generated.fromStackYaml.acls]).toEqual([[2, 0]]);
    expect([...generated.fromStackYaml.tests]).toEqual([[generated.policy.tests!.length - 1, 0]]);
    expect(generated.text).toContain("// From stack.yaml: tailnet.extraAcls[0]");
    expect(generated.policy.hosts).toEqual({ printer: "100.100.1.5" });
    expect(evaluatePolicy(generated.policy).ok).toBe(true);
  });

  test("the rendered file is deterministic and explains itself", () => {
    const again = generatePolicy(policyPropsFromConfig(load(EXAMPLE_YAML)));
    expect(again.text).toBe(example.text);
    expect(example.text).toMatch(/^\/\/ Generated by shelfstack from stack\.yaml/);
    expect(example.text).toContain("// iphone (ios, alice@example.com)");
    expect(example.text).toContain("// Android readers (palma) sync with the server's Syncthing");
  });
});
