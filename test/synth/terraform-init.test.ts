import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { EXAMPLE, shelfstack, tmp } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { configurationAccepted, TERRAFORM_INSTALL, terraformInit, validateWithBuiltins } from "../helpers/terraform";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function luhn32(block: string): string {
  let factor = 1;
  let sum = 0;
  for (const ch of block) {
    const addend = factor * ALPHABET.indexOf(ch);
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / 32) + (addend % 32);
  }
  return ALPHABET[(32 - (sum % 32)) % 32];
}
/** A valid Syncthing device ID from a seed. */
function deviceId(seed: number): string {
  const bytes = createHash("sha256").update(String(seed)).digest();
  let s = "";
  for (let i = 0; i < 52; i++) s += ALPHABET[bytes[i % 32] % 32];
  return [0, 1, 2, 3].map((k) => s.slice(k * 13, k * 13 + 13)).map((b) => b + luhn32(b)).join("").match(/.{7}/g)!.join("-");
}

/** 50 Android readers, each with its own KOReader settings folder, plus the library: 51 folders. */
export function largeStackYaml(devices = 50): string {
  const list = Array.from({ length: devices }, (_, i) => `  - { name: reader${i}, kind: android-ereader, syncthingId: ${deviceId(i + 1)} }`);
  return (
    readFileSync(EXAMPLE, "utf8").replace(/^devices:\n(?:  .*\n)+/m, `devices:\n${list.join("\n")}\n`) +
    `\nsyncthing:\n  serverId: ${deviceId(999)}\n`
  );
}

function synth(yaml: string, extra: string[] = []): string {
  const dir = tmp();
  writeFileSync(join(dir, "stack.yaml"), yaml);
  const run = shelfstack(["synth", "-c", "stack.yaml", "-o", "out", ...extra], { cwd: dir });
  expect(run.stderr).toMatch(/^wrote out\//m);
  expect(run.status).toBe(0);
  return join(dir, "out", "stacks", "shelfstack");
}

const stacks: [string, () => string][] = [
  ["the example", () => readFileSync(EXAMPLE, "utf8")],
  ["a 50-device stack", () => largeStackYaml(50)],
];

describeWithTool("terraform", TERRAFORM_INSTALL, "terraform accepts the synthesized configuration", () => {
  test("the check tells a configuration error from a failed provider download", () => {
    const dir = tmp();
    const broken = { resource: { terraform_data: { a: { input: "x" }, b: { input: "y", depends_on: ["${terraform_data.a}"] } } } };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(broken));
    const rejected = configurationAccepted(terraformInit(dir));
    expect(rejected.accepted).toBe(false);
    expect(rejected.why).toMatch(/Invalid expression/);

    const fixed = { ...broken, resource: { terraform_data: { ...broken.resource.terraform_data, b: { input: "y", depends_on: ["terraform_data.a"] } } } };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(fixed));
    expect(configurationAccepted(terraformInit(dir))).toEqual({ accepted: true, why: "init succeeded" });

    // A provider that cannot be downloaded is the expected stop, not a configuration error.
    const withProvider = { ...fixed, terraform: { required_providers: { docker: { source: "kreuzwerker/docker", version: "3.6.2" } } } };
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify(withProvider));
    const download = terraformInit(dir);
    const verdict = configurationAccepted(download);
    expect(verdict.accepted).toBe(true);
    if (download.status !== 0) expect(verdict.why).toMatch(/downloading providers/);
  });

  describe.each(stacks)("%s", (_name, yaml) => {
    let stackDir: string;
    beforeAll(() => {
      stackDir = synth(yaml());
    });

    test("the stack is what it says", () => {
      const json = readFileSync(join(stackDir, "cdk.tf.json"), "utf8");
      if (_name.startsWith("a 50")) expect(json).toContain("reader49");
      expect(json).toMatch(/"depends_on"/);
    });

    test("terraform init -backend=false gets past the configuration", () => {
      const verdict = configurationAccepted(terraformInit(stackDir));
      expect(verdict.why).not.toMatch(/configuration error|before or apart/);
      expect(verdict.accepted).toBe(true);
    });

    test("terraform validate passes with the provider resources stood in for by terraform_data", () => {
      const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
      const run = validateWithBuiltins(json);
      expect(run.diagnostics).toEqual([]);
      expect(run.status).toBe(0);
    });
  });
});
