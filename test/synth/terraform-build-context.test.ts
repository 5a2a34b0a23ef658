import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { EXAMPLE, ROOT, readTree, shelfstack, tmp, treeHash } from "../helpers/cli";
import { version } from "../../package.json";
import { JOB_CATALOGUE } from "../../config/jobs";
import { LAPTOP_ONLY_COMMANDS } from "../../config/laptop-commands";

type Block = Record<string, unknown>;

function synth(yaml = readFileSync(EXAMPLE, "utf8")) {
  const dir = tmp();
  writeFileSync(join(dir, "stack.yaml"), yaml);
  const run = shelfstack(["synth", "-c", "stack.yaml", "-o", "out"], { cwd: dir });
  expect(run.stderr).toMatch(/^wrote out\//m);
  expect(run.status).toBe(0);
  const out = join(dir, "out");
  const stackDir = join(out, "stacks", "shelfstack");
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Block>> };
  const compose = parse(readFileSync(join(out, "docker-compose.yml"), "utf8")) as { services: Record<string, Block> };
  return { out, stackDir, json, compose };
}

/** What a Dockerfile copies from the build context (COPY without --from), relative to the context. */
function copiedFromContext(dockerfile: string): string[] {
  return [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
}

/** Non-builtin modules a bundle loads at run time. */
function externalModules(code: string): string[] {
  const names = [...code.matchAll(/\brequire\("([^"./][^"]*)"\)|\bimport\("([^"./][^"]*)"\)/g)].map((m) => m[1] ?? m[2]);
  const builtin = new Set(builtinModules.flatMap((b) => [b, `node:${b}`]));
  return [...new Set(names.filter((n) => !builtin.has(n) && !builtin.has(n.split("/")[0])))].sort();
}

describe("synth writes the build contexts of the images the deploy builds", () => {
  const first = synth();
  const images = (name: string) => join(first.out, "images", name);

  test.each(["jobs", "ingest"])("images/%s holds exactly what its Dockerfile copies, and nothing else", (name) => {
    const files = [...readTree(images(name)).keys()];
    const dockerfile = readFileSync(join(images(name), "Dockerfile"), "utf8");
    const copied = copiedFromContext(dockerfile);
    expect(copied.length).toBeGreaterThan(0);
    for (const c of copied) expect([c, existsSync(join(images(name), c))]).toEqual([c, true]);
    const uncopied = files.filter((f) => f !== "Dockerfile" && !copied.some((c) => f === c || f.startsWith(`${c}/`)));
    expect(uncopied).toEqual([]);
    // Both builders send the whole directory: nothing to ignore, so no .dockerignore either needs.
    expect(files.filter((f) => f.endsWith(".dockerignore"))).toEqual([]);
    // Nothing from this machine's node_modules, no platform binaries, no links out of the context.
    expect(files.filter((f) => f.includes("node_modules") || f.endsWith(".node") || f.endsWith(".map"))).toEqual([]);
    for (const f of files) expect([f, lstatSync(join(images(name), f)).isFile()]).toEqual([f, true]);
  });

  test("the bundles are this build's dist/ files, byte for byte; the laptop-only commands stay out", () => {
    const dist = join(ROOT, "dist");
    const jobs = readTree(images("jobs"));
    for (const [path, bytes] of jobs) if (path.startsWith("dist/")) expect([path, bytes.equals(readFileSync(join(dist, path.slice(5))))]).toEqual([path, true]);
    expect(jobs.has("dist/jobs.js") && jobs.has("dist/shelfstack.js")).toBe(true);
    // Every job, and every command a person runs in the container (README), is there.
    for (const name of [...JOB_CATALOGUE.map((j) => j.name), "doctor", "jobs", "restore", "sql", "report", "ingest"])
      expect([name, jobs.has(`dist/commands/${name}.js`)]).toEqual([name, true]);
    for (const name of LAPTOP_ONLY_COMMANDS) expect([name, jobs.has(`dist/commands/${name}.js`)]).toEqual([name, false]);
    const bytes = [...jobs.values()].reduce((sum, b) => sum + b.length, 0);
    expect(bytes).toBeLessThan(14e6);
    expect(readFileSync(join(images("ingest"), "ingest.js")).equals(readFileSync(join(dist, "ingest.js")))).toBe(true);
  });

  test("the bundles are linked from dist/, not written again; on another file system they are copied", () => {
    const dist = join(ROOT, "dist", "jobs.js");
    const placed = join(images("jobs"), "dist", "jobs.js");
    const sameDevice = statSync(dist).dev === statSync(placed).dev;
    expect(statSync(placed).ino === statSync(dist).ino).toBe(sameDevice);
    // /dev/shm is a tmpfs: a link cannot cross to it.
    if (!existsSync("/dev/shm")) return;
    const elsewhere = mkdtempSync("/dev/shm/shelfstack-copy-");
    try {
      const run = shelfstack(["synth", "-c", EXAMPLE, "-o", join(elsewhere, "out")]);
      expect(run.status).toBe(0);
      const copied = join(elsewhere, "out", "images", "jobs", "dist", "jobs.js");
      expect(statSync(copied).ino === statSync(dist).ino && statSync(copied).dev === statSync(dist).dev).toBe(false);
      expect(readFileSync(copied).equals(readFileSync(dist))).toBe(true);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("every package the jobs bundles load is in the image's package.json; the ingest bundle loads none", () => {
    const pkg = JSON.parse(readFileSync(join(images("jobs"), "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const loaded = new Set<string>();
    for (const [path, bytes] of readTree(images("jobs"))) if (path.endsWith(".js")) for (const m of externalModules(bytes.toString("utf8"))) loaded.add(m);
    // pg loads pg-native only when asked for pg.native, which the ETL never does.
    loaded.delete("pg-native");
    expect([...loaded].sort()).toEqual(Object.keys(pkg.dependencies).sort());
    for (const [name, pinned] of Object.entries(pkg.dependencies)) expect(pinned).toBe(root.dependencies[name]);
    expect(externalModules(readFileSync(join(images("ingest"), "ingest.js"), "utf8"))).toEqual([]);
  });

  test("the image's package-lock.json is the repository's, cut to what the runtime packages need", () => {
    const lock = JSON.parse(readFileSync(join(images("jobs"), "package-lock.json"), "utf8")) as { packages: Record<string, Block> };
    const rootLock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, Block> };
    const entries = Object.entries(lock.packages).filter(([path]) => path !== "");
    expect(entries.length).toBeGreaterThan(2);
    for (const [path, entry] of entries) expect([path, entry]).toEqual([path, rootLock.packages[path]]);
    // npm ci installs from the lock alone: every dependency of every entry must resolve inside it.
    const resolves = (from: string, dep: string) => {
      for (let base = from; ; base = base.includes("/node_modules/") ? base.slice(0, base.lastIndexOf("/node_modules/")) : "") {
        if (lock.packages[`${base ? `${base}/` : ""}node_modules/${dep}`]) return true;
        if (!base) return false;
      }
    };
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys((entry.dependencies ?? {}) as Block)) expect([path, dep, resolves(path, dep)]).toEqual([path, dep, true]);
    }
    expect(Object.values(lock.packages).some((e) => e.dev)).toBe(false);
  });

  test("Terraform builds each image from its context, relative to the stack directory, and rebuilds when it changes", () => {
    for (const name of ["jobs", "ingest"]) {
      const image = Object.values(first.json.resource.docker_image).find((i) => i.name === `localhost/shelfstack-${name}:${version}`);
      expect(image).toBeDefined();
      const context = (image!.build as { context: string }).context;
      expect(context).toBe(`\${path.module}/../../images/${name}`);
      // path.module is "." in the root module, which Terraform runs in the stack directory.
      expect(resolve(first.stackDir, context.replace("${path.module}", "."))).toBe(images(name));
      const hash = createHash("sha256");
      for (const [path, bytes] of readTree(images(name))) hash.update(path).update("\0").update(bytes).update("\0");
      expect(image!.triggers).toEqual({ context_sha256: hash.digest("hex") });
      expect(image!.keep_locally).toBe(true);
    }
    // The pinned upstream images are pulled, never built.
    const built = Object.values(first.json.resource.docker_image).filter((i) => i.build);
    expect(built.length).toBe(2);
  });

  test("compose builds the same contexts and tags them localhost/shelfstack-<name>:<version>", () => {
    for (const name of ["jobs", "ingest"]) {
      const service = first.compose.services[name];
      expect(service.build).toEqual({ context: `./images/${name}` });
      expect(service.image).toBe(`localhost/shelfstack-${name}:${version}`);
      expect(existsSync(join(first.out, (service.build as { context: string }).context, "Dockerfile"))).toBe(true);
    }
    expect(
      Object.entries(first.compose.services)
        .filter(([, s]) => s.build)
        .map(([n]) => n)
        .sort(),
    ).toEqual(["ingest", "jobs"]);
  });

  test("the contexts are byte-identical from one synth to the next", () => {
    const second = synth();
    for (const name of ["jobs", "ingest"]) expect(treeHash(join(second.out, "images", name))).toBe(treeHash(images(name)));
  });

  test("an images: override for jobs or ingest uses that image: nothing is built, no context is written", () => {
    const yaml = `${readFileSync(EXAMPLE, "utf8")}\nimages:\n  jobs: registry.example.com/jobs:1.0.0\n  ingest: registry.example.com/ingest:1.0.0\n`;
    const { out, json, compose } = synth(yaml);
    expect(existsSync(join(out, "images"))).toBe(false);
    expect(Object.values(json.resource.docker_image).filter((i) => i.build || i.triggers)).toEqual([]);
    expect(compose.services.jobs).toMatchObject({ image: "registry.example.com/jobs:1.0.0" });
    expect(compose.services.jobs.build).toBeUndefined();
    expect(compose.services.ingest.build).toBeUndefined();
  });
});

test("the cdktf app (what `cdktf deploy` runs) writes the same build contexts beside its Terraform JSON", () => {
  const dir = tmp();
  const { out } = synth();
  execFileSync(process.execPath, [join(ROOT, "dist", "main.js")], {
    cwd: dir,
    env: { ...process.env, STACK_FILE: EXAMPLE, CDKTF_OUTDIR: join(dir, "cdktf.out") },
    stdio: "pipe",
  });
  const stackDir = join(dir, "cdktf.out", "stacks", "shelfstack");
  const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, Block>> };
  for (const name of ["jobs", "ingest"]) {
    expect(treeHash(join(dir, "cdktf.out", "images", name))).toBe(treeHash(join(out, "images", name)));
    const image = Object.values(json.resource.docker_image).find((i) => i.name === `localhost/shelfstack-${name}:${version}`)!;
    const context = (image.build as { context: string }).context.replace("${path.module}", ".");
    expect(existsSync(join(resolve(stackDir, context), "Dockerfile"))).toBe(true);
  }
});

test("in the jobs image, a command for the deploying machine says where it runs (exit 1), not a stack trace", () => {
  const image = tmp();
  execFileSync("cp", [join(ROOT, "dist", "shelfstack.js"), image]);
  execFileSync("mkdir", [join(image, "commands")]);
  for (const name of LAPTOP_ONLY_COMMANDS) {
    const run = spawnSync(process.execPath, [join(image, "shelfstack.js"), name], { encoding: "utf8" });
    expect([name, run.status, run.stderr.trim()]).toEqual([
      name,
      1,
      `shelfstack: shelfstack ${name} is not in this installation — it runs on the machine you deploy from (the jobs container leaves it out)`,
    ]);
  }
});
