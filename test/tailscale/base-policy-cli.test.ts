import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { shelfstack, tmp, treeHash } from "../helpers/cli";
import { exampleWith } from "./fixtures";

const POLICIES = join(__dirname, "policies");

/** A working directory with stack.yaml (the example with `basePolicy`) and the named policy file next to it. */
function stackWith(policy: string | undefined, basePolicy: string | undefined = policy && `./${policy}`, dir = tmp("shelfstack-base-")): string {
  writeFileSync(
    join(dir, "stack.yaml"),
    exampleWith((doc) => basePolicy && (doc.tailnet.basePolicy = basePolicy)),
  );
  if (policy) copyFileSync(join(POLICIES, policy), join(dir, policy));
  return dir;
}

/** Every character of `base`, in order, is in `out`. */
function isInsertionOnly(base: string, out: string): boolean {
  let j = 0;
  for (let i = 0; i < out.length && j < base.length; i++) if (out[i] === base[j]) j++;
  return j === base.length;
}

describe("synth with tailnet.basePolicy", () => {
  test("writes the merged policy — the file's every byte kept — and Terraform applies exactly that", () => {
    const cwd = stackWith("ssh.hujson");
    const r = shelfstack(["synth", "-o", "out"], { cwd });
    expect(r.stderr).toMatch(/^wrote out\//m);
    expect(r.status).toBe(0);
    const written = readFileSync(join(cwd, "out", "tailscale", "policy.hujson"), "utf8");
    expect(isInsertionOnly(readFileSync(join(POLICIES, "ssh.hujson"), "utf8"), written)).toBe(true);
    const terraform = JSON.parse(readFileSync(join(cwd, "out", "stacks", "shelfstack", "cdk.tf.json"), "utf8"));
    const [acl] = Object.values(terraform.resource.tailscale_acl) as { acl: string }[];
    expect(acl.acl.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{")).toBe(written);
    const check = shelfstack(["policy", "test", "out/tailscale/policy.hujson"], { cwd });
    expect(check.stdout).toMatch(/all 23 test cases pass/);
    expect(check.status).toBe(0);
  });

  test("the path is relative to stack.yaml's directory, not the working directory", () => {
    const cwd = tmp("shelfstack-base-");
    mkdirSync(join(cwd, "deploy"));
    stackWith("grants.hujson", "./grants.hujson", join(cwd, "deploy"));
    const r = shelfstack(["synth", "-c", "deploy/stack.yaml", "-o", "out"], { cwd });
    expect(r.status).toBe(0);
    expect(readFileSync(join(cwd, "out", "tailscale", "policy.hujson"), "utf8")).toContain('"attr": ["funnel"]');
  });

  test("a missing file is a stack.yaml problem with its line and the fix; nothing is written", () => {
    const cwd = stackWith(undefined, "./tailnet-policy.hujson");
    const r = shelfstack(["synth", "-o", "out"], { cwd });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^stack\.yaml:\d+ tailnet\.basePolicy: \.\/tailnet-policy\.hujson: no such file next to stack\.yaml — export your tailnet policy/m);
    expect(existsSync(join(cwd, "out"))).toBe(false);
  });

  test("a malformed file: stack.yaml's line, the file's line and column; the old output untouched", () => {
    const cwd = stackWith("ssh.hujson");
    expect(shelfstack(["synth", "-o", "out"], { cwd }).status).toBe(0);
    const before = treeHash(join(cwd, "out"));
    writeFileSync(join(cwd, "ssh.hujson"), '{\n  "acls": [\n    {"action": "accept" "src": ["*"]},\n  ],\n}\n');
    const r = shelfstack(["synth", "-o", "out"], { cwd });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^stack\.yaml:\d+ tailnet\.basePolicy: \.\/ssh\.hujson: line 3, column 25: not valid HuJSON/m);
    expect(treeHash(join(cwd, "out"))).toBe(before);
  });

  test("a base rule that opens the server is refused at stack.yaml's basePolicy line, naming the rule in the file", () => {
    const cwd = stackWith("default.hujson");
    const r = shelfstack(["validate"], { cwd });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^stack\.yaml:\d+ tailnet\.basePolicy: \.\/default\.hujson grants\[0\] opens alice@example\.com \(node:os=ios\) → tag:shelfstack:22000, which the stack keeps closed/m,
    );
  });
});

describe("shelfstack policy import", () => {
  test("an exported policy that merges: what it keeps, what shelfstack adds, and the next step", () => {
    const cwd = stackWith(undefined);
    copyFileSync(join(POLICIES, "routes.hujson"), join(cwd, "tailnet-policy.hujson"));
    const r = shelfstack(["policy", "import", "tailnet-policy.hujson"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Kept byte for byte (shelfstack never touches them):\n  hosts (2), autoApprovers (2), randomizeClientPort\n");
    expect(r.stdout).toContain("Kept, with shelfstack's entries added after the file's own:\n  tagOwners (2), acls (1), tests (1)\n");
    expect(r.stdout).toContain("Added by shelfstack (the file has none):\n  groups, postures\n");
    expect(r.stdout).toContain("Comments: its one comment kept where it was.");
    expect(r.stdout).toMatch(/tagOwners: tag:shelfstack\n/);
    expect(r.stdout).toMatch(/The merged policy passes offline: all \d+ test cases pass\./);
    expect(r.stdout).toContain("    basePolicy: ./tailnet-policy.hujson\n");
  });

  test("the default policy: exit 1, naming the allow-all grant and what to do", () => {
    const cwd = stackWith(undefined);
    copyFileSync(join(POLICIES, "default.hujson"), join(cwd, "exported.hujson"));
    const r = shelfstack(["policy", "import", "exported.hujson"], { cwd });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("Kept byte for byte (shelfstack never touches them):\n  grants (1), ssh (1)");
    expect(r.stderr).toMatch(/The merged policy does not pass offline, so exported\.hujson cannot be used as it is:\n {2}\.\/exported\.hujson grants\[0\] opens /);
  });

  test("a clash and a broken file are refused with the key, or the line and column", () => {
    const cwd = stackWith(undefined);
    writeFileSync(join(cwd, "clash.hujson"), '{"tagOwners": {"tag:shelfstack": ["autogroup:admin"]}}');
    const clash = shelfstack(["policy", "import", "clash.hujson"], { cwd });
    expect(clash.status).toBe(1);
    expect(clash.stderr).toContain('clash.hujson cannot be used as tailnet.basePolicy:\n  ./clash.hujson: tagOwners["tag:shelfstack"] is defined in the file and by shelfstack');
    writeFileSync(join(cwd, "broken.hujson"), '{\n  "ssh": [,\n}');
    const broken = shelfstack(["policy", "import", "broken.hujson"], { cwd });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/^shelfstack: broken\.hujson: line \d+, column \d+: not valid HuJSON \(Unexpected token/);
    // The message names what is wrong, without quoting the file back.
    expect(broken.stderr).not.toContain('"ssh"');
    expect(shelfstack(["policy", "import"], { cwd }).status).toBe(1);
  });
});

describe("shelfstack policy test on SSH tests", () => {
  test("a file whose only tests are sshTests is evaluated, not 'all 0 pass'", () => {
    const cwd = tmp("shelfstack-base-");
    writeFileSync(
      join(cwd, "p.hujson"),
      JSON.stringify({ tagOwners: { "tag:nas": ["alice@example.com"] }, sshTests: [{ src: "alice@example.com", dst: ["tag:nas"], accept: ["root"] }] }),
    );
    const r = shelfstack(["policy", "test", "p.hujson"], { cwd });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("1 of 1 test cases fail");
    expect(r.stderr).toMatch(/sshTests\[0\]\s+alice@example\.com\s+accept\s+tag:nas as root\s+no ssh rule lets it in/);
  });
});
