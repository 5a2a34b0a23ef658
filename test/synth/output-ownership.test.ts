import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CLI, EXAMPLE, shelfstack, tmp, treeHash } from "../helpers/cli";

/** Every entry below dir, symlinks and dot-files included, with bytes: what "nothing touched" means. */
function snapshot(dir: string): string {
  const entries: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const s = lstatSync(p);
      if (s.isSymbolicLink()) entries.push(`${p} -> ${readlinkSync(p)}`);
      else if (s.isDirectory()) {
        entries.push(`${p}/`);
        walk(p);
      } else entries.push(`${p} ${readFileSync(p).toString("base64")}`);
    }
  };
  walk(dir);
  return entries.join("\n");
}

/** A checkout: the kind of directory `synth -o .` used to wipe. */
function checkout(): string {
  const dir = tmp();
  cpSync(EXAMPLE, join(dir, "stack.yaml"));
  mkdirSync(join(dir, ".git", "objects"), { recursive: true });
  writeFileSync(join(dir, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(join(dir, "package.json"), "{}\n");
  writeFileSync(join(dir, "notes.txt"), "my notes\n");
  return dir;
}

function refused(args: string[], cwd: string, says: RegExp, env?: NodeJS.ProcessEnv): void {
  const root = dirname(cwd);
  const before = snapshot(cwd);
  const run = shelfstack(args, { cwd, env });
  expect(run.stderr).toMatch(says);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(run.stderr).toMatch(/nothing was changed|previous output is unchanged/);
  expect(run.status).toBe(1);
  expect(snapshot(cwd)).toBe(before);
  expect(existsSync(root)).toBe(true);
}

describe("synth writes only over its own earlier output", () => {
  test("-o . in a checkout: refused, stack.yaml, .git and the rest untouched", () => {
    const dir = checkout();
    refused(["synth", "-o", "."], dir, /it is the current directory/);
    refused(["synth", "-c", "../stack.yaml", "-o", dir], join(dir, ".git"), /holds the current directory|project directory/);
  });

  test("a project directory elsewhere is refused by what it holds", () => {
    const dir = checkout();
    const cwd = tmp();
    const before = snapshot(dir);
    const run = shelfstack(["synth", "-c", EXAMPLE, "-o", dir], { cwd });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/it is a project directory \(it holds \.git\)|it holds .*stack\.yaml/);
    expect(snapshot(dir)).toBe(before);
  });

  test("-o the config file itself, or a directory holding it: refused", () => {
    const dir = checkout();
    refused(["synth", "-c", "stack.yaml", "-o", "stack.yaml"], dir, /will not write the output to .*stack\.yaml/);
    const out = join(dir, "out");
    expect(shelfstack(["synth", "-c", "stack.yaml", "-o", "out"], { cwd: dir }).status).toBe(0);
    cpSync(EXAMPLE, join(out, "mine.yaml"));
    refused(["synth", "-c", "out/mine.yaml", "-o", "out"], dir, /it holds out\/mine\.yaml, which the output would replace/);
  });

  test("-o a file: refused, the file keeps its bytes", () => {
    const dir = checkout();
    refused(["synth", "-c", "stack.yaml", "-o", "notes.txt"], dir, /notes\.txt: it is a file, not a directory/);
  });

  test("-o /, a system directory or a home directory: refused before anything is touched", () => {
    const dir = checkout();
    refused(["synth", "-c", "stack.yaml", "-o", "/"], dir, /will not write the output to \/: it is the root directory/);
    for (const system of ["/usr", "/etc", "/var/lib", "/home", "/tmp"]) {
      refused(["synth", "-c", "stack.yaml", "-o", system], dir, new RegExp(`${system} is a system directory`));
    }
    const home = tmp("shelfstack-home-");
    writeFileSync(join(home, ".bashrc"), "# mine\n");
    refused(["synth", "-c", join(dir, "stack.yaml"), "-o", home], dir, /it is a home directory/, { HOME: home });
    expect(readFileSync(join(home, ".bashrc"), "utf8")).toBe("# mine\n");
  });

  test("a foreign directory with files, or the output of an older shelfstack (no marker): refused", () => {
    const dir = checkout();
    mkdirSync(join(dir, "photos"));
    writeFileSync(join(dir, "photos", "cat.jpg"), "meow");
    refused(["synth", "-c", "stack.yaml", "-o", "photos"], dir, /photos: it holds files shelfstack did not write \(no \.shelfstack-output marker\)/);
    mkdirSync(join(dir, "cdktf.out", "stacks", "shelfstack"), { recursive: true });
    writeFileSync(join(dir, "cdktf.out", "stacks", "shelfstack", "cdk.tf.json"), "{}");
    refused(["synth", "-c", "stack.yaml"], dir, /delete it yourself once/);
  });

  test("a dangling symlink, or a symlink to somewhere else: refused, the link stays", () => {
    const dir = checkout();
    symlinkSync("nowhere", join(dir, "dangling"));
    refused(["synth", "-c", "stack.yaml", "-o", "dangling"], dir, /dangling: it is a symlink to nowhere, which shelfstack did not make/);
    mkdirSync(join(dir, "elsewhere"));
    symlinkSync("elsewhere", join(dir, "link"));
    refused(["synth", "-c", "stack.yaml", "-o", "link"], dir, /it is a symlink to elsewhere/);
  });

  test("an output path that cannot be written: exit 1 with the reason, no stack trace", () => {
    const dir = checkout();
    refused(["synth", "-c", "stack.yaml", "-o", "notes.txt/out"], dir, /cannot write the output to .*notes\.txt\/out/);
    refused(["synth", "-c", "stack.yaml", "-o", "/proc/shelfstack-out"], dir, /\/proc\/shelfstack-out/);
  });

  test("a new or empty directory is written, and an earlier output replaced, marker inside", () => {
    const dir = checkout();
    mkdirSync(join(dir, "empty"));
    expect(shelfstack(["synth", "-c", "stack.yaml", "-o", "empty"], { cwd: dir }).status).toBe(0);
    expect(existsSync(join(dir, "empty", ".shelfstack-output"))).toBe(true);
    expect(shelfstack(["synth", "-c", "stack.yaml", "-o", "empty"], { cwd: dir }).status).toBe(0);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("my notes\n");
  });

  test("cdktf's own output (marked) is replaced whole; a project with a marker copied in is not", () => {
    const dir = tmp();
    const out = join(dir, "cdktf.out");
    spawnSync(process.execPath, [join(dirname(CLI), "main.js")], { cwd: dir, env: { ...process.env, STACK_FILE: EXAMPLE, CDKTF_OUTDIR: out } });
    expect(existsSync(join(out, ".shelfstack-output"))).toBe(true);
    expect(lstatSync(out).isSymbolicLink()).toBe(false);
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", out], { cwd: dir }).status).toBe(0);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    // cdktf's directory stays aside until the next synth removes it.
    const aside = `${readlinkSync(out)}-previous`;
    expect(readdirSync(dir).sort()).toEqual([readlinkSync(out), aside, "cdktf.out"].sort());
    expect(existsSync(join(dir, aside, ".shelfstack-output"))).toBe(true);
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", out], { cwd: dir }).status).toBe(0);
    expect(readdirSync(dir).filter((e) => e !== "cdktf.out" && !e.startsWith(readlinkSync(out)))).toEqual([aside.replace(/-previous$/, "")]);

    const project = checkout();
    writeFileSync(join(project, ".shelfstack-output"), "copied by hand\n");
    refused(["synth", "-c", EXAMPLE, "-o", project], tmp(), /it is a project directory/);
    expect(readFileSync(join(project, "notes.txt"), "utf8")).toBe("my notes\n");
  });

  test("Terraform's state lands beside the output directory, not inside a version of it", () => {
    const dir = tmp();
    const out = join(dir, "out");
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", out]).status).toBe(0);
    const tf = JSON.parse(readFileSync(join(out, "stacks", "shelfstack", "cdk.tf.json"), "utf8"));
    const statePath = tf.terraform.backend.local.path as string;
    // Terraform runs in the stack directory: its relative paths resolve physically from there.
    const resolved = spawnSync(process.execPath, ["-e", `process.stdout.write(require("fs").realpathSync.native(${JSON.stringify(dirname(statePath))}))`], {
      cwd: join(out, "stacks", "shelfstack"),
      encoding: "utf8",
    }).stdout;
    expect(resolved).toBe(realpathSync(dir));
    expect(basename(statePath)).toBe("terraform.shelfstack.tfstate");
  });
});

describe("synth is atomic: killed at any instant, the previous output stays byte-identical", () => {
  const KILLS = 16;

  test(`${KILLS} kills at random instants`, async () => {
    const dir = tmp();
    const out = join(dir, "out");
    const other = join(dir, "other.yaml");
    writeFileSync(other, readFileSync(EXAMPLE, "utf8").replace("hostname: shelf", "hostname: books"));
    const synth = (config: string) => spawnSync(process.execPath, [CLI, "synth", "-c", config, "-o", out], { encoding: "utf8" });
    expect(synth(other).status).toBe(0);
    const next = treeHash(out);
    expect(synth(EXAMPLE).status).toBe(0);
    const previous = treeHash(out);
    // How long a whole run takes here, so the kills spread over all of it.
    const start = Date.now();
    expect(synth(EXAMPLE).status).toBe(0);
    const span = Math.max(50, Date.now() - start);

    let seed = Number(process.env.KILL_SEED ?? Date.now() % 100000);
    const initialSeed = seed;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const outcomes = { previous: 0, next: 0 };
    for (let i = 0; i < KILLS; i++) {
      const delay = Math.floor(random() * span * 1.1);
      const child = spawn(process.execPath, [CLI, "synth", "-c", other, "-o", out], { stdio: "ignore" });
      const exited = new Promise((r) => child.once("exit", r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill("SIGKILL");
      await exited;
      const now = treeHash(out);
      if (now !== previous && now !== next) throw new Error(`killed after ${delay} ms (KILL_SEED=${initialSeed}): the output is neither the previous nor the new one`);
      if (now === next) {
        outcomes.next++;
        expect(synth(EXAMPLE).status).toBe(0);
      } else outcomes.previous++;
    }
    expect(outcomes.previous).toBeGreaterThan(0);
    // The next run cleans up what the killed ones left: only the output's version and the one it
    // replaced (removed by the run after) remain.
    const before = lstatSync(out).isSymbolicLink() ? readlinkSync(out) : undefined;
    expect(synth(EXAMPLE).status).toBe(0);
    expect(treeHash(out)).toBe(previous);
    const left = readdirSync(dir).filter((e) => e.startsWith(".out."));
    expect(left.sort()).toEqual([readlinkSync(out), before].sort());
  }, 120_000);
});
