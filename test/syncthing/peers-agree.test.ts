/**
 * "Is this device a Syncthing peer?" has one answer (config/syncthing-peers.ts): for every device
 * kind, either stack.yaml is refused naming the field and its line, or the device gets a Syncthing
 * config, the server lists it, and the tailnet policy lets it reach the sync port — never a config
 * for a device the policy keeps out.
 */
import { Testing } from "cdktf";
import { StackError } from "../../config/load";
import { PORTS } from "../../config/ports";
import type { StackConfig } from "../../config/resolve";
import { deviceKinds } from "../../config/schema/devices";
import { DEVICE_OS } from "../../config/syncthing-peers";
import { RenderedFile } from "../../constructs/rendered-file";
import { evaluatePolicy } from "../../constructs/tailscale/policy/evaluate";
import { generatePolicy, policyPropsFromConfig } from "../../constructs/tailscale/policy/generate";
import type { PolicyTest } from "../../constructs/tailscale/policy/types";
import { ReadingStack } from "../../stacks/reading-stack";
import { exampleWith, load, SEVERAL_READERS } from "../tailscale/fixtures";

const EXTRA_ID = "BOBSBOO-XREADEA-RDEVICE-IDFORSK-HELFSTA-CKTESTS-SABCDEF-GHIJKLO";
const SYNC = `tag:shelfstack:${PORTS.syncthingSync}`;

/** The example plus `extra`, a device of `kind` owned by bob with a Syncthing ID, named in the library folder. */
function withPeer(kind: string): string {
  return exampleWith((doc) => {
    doc.tailnet.members = ["bob@example.com"];
    doc.devices.push({ name: "extra", kind, owner: "bob@example.com", syncthingId: EXTRA_ID });
    doc.syncthing = {
      ...doc.syncthing,
      folders: [
        { id: "library", content: "library", direction: "to-devices", devices: ["palma", "extra"] },
        { id: "koreader", content: "koreader-settings", direction: "from-devices", devices: ["palma"] },
      ],
    };
  });
}

function synth(config: StackConfig) {
  const stack = new ReadingStack(Testing.app(), "shelfstack", config);
  const files = new Map(RenderedFile.all(stack).map((f) => [f.path, f.content]));
  return { stack, files };
}

/** Whether the policy lets bob's device of `kind` (reporting that kind's OS) reach the sync port. */
function reachesSyncPort(text: string, kind: (typeof deviceKinds)[number]): boolean {
  const { policy } = generatePolicy(policyPropsFromConfig(load(text)));
  const os = DEVICE_OS[kind];
  const probe: PolicyTest = { src: "bob@example.com", ...(os ? { srcPostureAttrs: { "node:os": os } } : {}), accept: [SYNC] };
  return evaluatePolicy({ ...policy, tests: [probe] }).ok;
}

describe("Syncthing and the tailnet policy agree on every device kind", () => {
  test.each([...deviceKinds])("%s with a syncthingId in the library folder", (kind) => {
    const text = withPeer(kind);
    let config: StackConfig;
    try {
      config = load(text);
    } catch (error) {
      // Refused: naming the device's syncthingId and the folder entry, each with its line.
      expect(error).toBeInstanceOf(StackError);
      const problems = (error as StackError).problems;
      expect(problems.map((p) => p.path).sort()).toEqual(["devices[2].syncthingId", "syncthing.folders[0].devices[1]"]);
      for (const p of problems) expect(p.line).toEqual(expect.any(Number));
      expect(problems.find((p) => p.path === "devices[2].syncthingId")!.message).toMatch(/— remove syncthingId$/);
      expect(problems.find((p) => p.path === "syncthing.folders[0].devices[1]")!.message).toMatch(/^"extra": .* — remove it from this list$/);
      expect(["ios", "laptop"]).toContain(kind);
      return;
    }
    // Allowed: the device's config, the server's listing, and the policy's accept all exist.
    const { files } = synth(config);
    expect(files.get("syncthing/extra/config.xml")).toContain('<folder id="library"');
    expect(files.get("syncthing/server/config.xml")).toContain(`<device id="${EXTRA_ID}"`);
    expect(reachesSyncPort(text, kind)).toBe(true);
    // The generated tests say so too: the device's own test expects the sync port accepted.
    const policy = JSON.parse(JSON.stringify(generatePolicy(policyPropsFromConfig(config)).policy)) as { tests: PolicyTest[] };
    const os = DEVICE_OS[kind];
    const own = policy.tests.find((t) => t.src === "bob@example.com" && t.srcPostureAttrs?.["node:os"] === os)!;
    expect(own.accept).toContain(SYNC);
    // The choice (README, Syncthing): only Android readers sync.
    expect(["android", "android-ereader"]).toContain(kind);
  });

  test("a device kind that is not a peer gets no config and no sync port, even for an owner whose other devices sync", () => {
    const config = load(SEVERAL_READERS);
    const { files } = synth(config);
    for (const name of ["pixel", "iphone", "bob-ipad", "bob-laptop"]) expect(files.has(`syncthing/${name}/config.xml`)).toBe(false);
    const { policy } = generatePolicy(policyPropsFromConfig(config));
    const bobsIpad = policy.tests!.find((t) => t.src === "bob@example.com" && t.srcPostureAttrs?.["node:os"] === "ios")!;
    expect(bobsIpad.deny).toContain(SYNC);
    const bobsLaptop = policy.tests!.find((t) => t.src === "bob@example.com" && !t.srcPostureAttrs)!;
    expect(bobsLaptop.deny).toContain(SYNC);
  });

  test("synth's policy is the one `shelfstack policy` generates: the Syncthing construct hands the Tailnet the same access", () => {
    for (const text of [SEVERAL_READERS, withPeer("android")]) {
      const config = load(text);
      expect(synth(config).files.get("tailscale/policy.hujson")).toBe(generatePolicy(policyPropsFromConfig(config)).text);
    }
  });

  test("with Syncthing off, no rule opens the sync port", () => {
    const config = load(exampleWith((doc) => (doc.syncthing = { ...doc.syncthing, enabled: false })));
    const text = synth(config).files.get("tailscale/policy.hujson")!;
    expect(text).not.toContain(String(PORTS.syncthingSync) + '"],');
    expect(
      generatePolicy(policyPropsFromConfig(config))
        .policy.acls!.map((a) => a.dst)
        .flat(),
    ).toEqual(["tag:shelfstack:443"]);
  });
});
