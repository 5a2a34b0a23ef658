import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, shelfstack, tmp } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { largeStackYaml } from "../helpers/large-stack";
import { configurationAccepted, TERRAFORM_INSTALL, terraformInit, validateWithBuiltins } from "../helpers/terraform";

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
const hclStacks: [string, () => string][] = stacks.map(([name, yaml]) => [`${name} as HCL (--hcl)`, yaml]);

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

  describe.each(hclStacks)("%s", (_name, yaml) => {
    let stackDir: string;
    beforeAll(() => {
      stackDir = synth(yaml(), ["--hcl"]);
    });

    test("synth writes HCL in place of the JSON", () => {
      const hcl = readFileSync(join(stackDir, "cdk.tf"), "utf8");
      expect(hcl.trimStart().startsWith("{")).toBe(false);
      expect(hcl).toMatch(/^resource "docker_container" "Tailscale_Container_[0-9A-F]+" \{$/m);
      expect(hcl).toMatch(/^\s*postcondition \{$/m);
      expect(existsSync(join(stackDir, "cdk.tf.json"))).toBe(false);
    });

    test("terraform init -backend=false gets past the configuration, without a warning", () => {
      const run = terraformInit(stackDir);
      const verdict = configurationAccepted(run);
      expect(verdict.why).not.toMatch(/configuration error|before or apart/);
      expect(verdict.accepted).toBe(true);
      expect(run.output).not.toMatch(/Warning:/);
    });
  });

  test("without --hcl the JSON is written, as before", () => {
    const stackDir = synth(readFileSync(EXAMPLE, "utf8"));
    expect(existsSync(join(stackDir, "cdk.tf.json"))).toBe(true);
    expect(existsSync(join(stackDir, "cdk.tf"))).toBe(false);
  });
});
