import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, ROOT, readTree, shelfstack, tmp } from "../helpers/cli";
import { loadStack } from "../../config/load";
import type { SecretRef } from "../../config/secret";

/** Every `{ env: NAME }` in a config. */
function secretNames(value: unknown, found = new Set<string>()): Set<string> {
  if (value && typeof value === "object") {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "env") found.add((value as SecretRef).env);
    else for (const v of Object.values(value)) secretNames(v, found);
  }
  return found;
}

describe("shelfstack synth of the example", () => {
  test("uses ./stack.yaml when there is one, else the bundled example, and says which", () => {
    const dir = tmp();
    const bundled = shelfstack(["synth"], { cwd: dir });
    expect(bundled.status).toBe(0);
    expect(bundled.stderr).toMatch(/no \.\/stack\.yaml here — using the bundled example/);
    expect(existsSync(join(dir, "cdktf.out", "docker-compose.yml"))).toBe(true);
    expect(existsSync(join(dir, "cdktf.out", "stacks", "shelfstack", "cdk.tf.json"))).toBe(true);

    writeFileSync(join(dir, "stack.yaml"), readFileSync(EXAMPLE, "utf8").replace("hostname: shelf", "hostname: books"));
    const own = shelfstack(["synth"], { cwd: dir });
    expect(own.stderr).toMatch(/using \.\/stack\.yaml/);
    expect(readFileSync(join(dir, "cdktf.out", "docker-compose.yml"), "utf8")).toContain("TS_HOSTNAME: books");
  });

  test("is byte-identical from run to run and from any working directory", () => {
    const a = tmp();
    const b = tmp();
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", join(a, "out")], { cwd: a }).status).toBe(0);
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", "out"], { cwd: b }).status).toBe(0);
    const first = readTree(join(a, "out"));
    const second = readTree(join(b, "out"));
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [path, content] of first) expect(second.get(path)!.equals(content)).toBe(true);
  });

  test("replaces the previous output whole: a file no longer rendered disappears", () => {
    const dir = tmp();
    const out = join(dir, "out");
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", out]).status).toBe(0);
    writeFileSync(join(out, "stale.txt"), "left from an older stack");
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", out]).status).toBe(0);
    expect(existsSync(join(out, "stale.txt"))).toBe(false);
  });

  test("no secret value reaches any output file, from shelfstack synth or cdktf's app", () => {
    const names = secretNames(loadStack(EXAMPLE));
    expect(names.size).toBeGreaterThanOrEqual(8);
    const env: NodeJS.ProcessEnv = {};
    const canaries: string[] = [];
    for (const name of names) {
      const canary = `CANARY-${name}-7f3a9c`;
      canaries.push(canary);
      env[name] = canary;
      env[`TF_VAR_${name}`] = canary;
    }
    const dir = tmp();
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", join(dir, "out")], { env }).status).toBe(0);
    // The cdktf app (what `cdktf synth`/`cdktf deploy` runs) with the same environment.
    execFileSync(process.execPath, [join(ROOT, "dist", "main.js")], {
      cwd: dir,
      env: { ...process.env, ...env, STACK_FILE: EXAMPLE, CDKTF_OUTDIR: join(dir, "cdktf.out") },
      stdio: "pipe",
    });
    const files = [...readTree(join(dir, "out")), ...readTree(join(dir, "cdktf.out"))];
    expect(files.length).toBeGreaterThan(3);
    for (const [path, content] of files) {
      for (const canary of canaries) {
        if (content.includes(canary)) throw new Error(`${path} contains the value of a secret (${canary})`);
      }
    }
  });

  test("cdktf.json's app writes the same Terraform JSON as shelfstack synth", () => {
    const dir = tmp();
    cpSync(EXAMPLE, join(dir, "stack.yaml"));
    expect(shelfstack(["synth", "-o", "out"], { cwd: dir }).status).toBe(0);
    execFileSync(process.execPath, [join(ROOT, "dist", "main.js")], {
      cwd: dir,
      env: { ...process.env, CDKTF_OUTDIR: join(dir, "from-cdktf") },
      stdio: "pipe",
    });
    const path = join("stacks", "shelfstack", "cdk.tf.json");
    expect(readFileSync(join(dir, "from-cdktf", path), "utf8")).toBe(readFileSync(join(dir, "out", path), "utf8"));
    const app = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")).app as string;
    expect(app).toContain("dist/main.js");
  });
});
