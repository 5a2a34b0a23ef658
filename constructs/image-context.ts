import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Construct } from "constructs";
import { RenderedFile } from "./rendered-file";
import { LAPTOP_ONLY_COMMANDS } from "../config/laptop-commands";

/** The images this repository builds itself: one runtime bundle each (build.mjs). */
export type ProjectImageName = "jobs" | "ingest";

/**
 * The packages the bundles leave outside (build.mjs `external`) and the jobs runtime loads:
 * better-sqlite3 (statistics snapshots, KOReader's database), PGlite (the ETL's embedded
 * database). pg-native is optional to pg and never installed.
 */
export const JOBS_RUNTIME_PACKAGES = ["@electric-sql/pglite", "better-sqlite3"] as const;

/** Where the built bundles are: dist/ beside this code when bundled, or the repository's dist/. */
function locateDist(): string {
  const candidates = [__dirname, join(__dirname, ".."), join(__dirname, "..", "dist")];
  const found = candidates.find((d) => ["shelfstack.js", "jobs.js", "ingest.js"].every((f) => existsSync(join(d, f))));
  if (!found) {
    throw new Error(`the runtime bundles are not built (looked in ${candidates.join(", ")}) — run npm run build, then synth again`);
  }
  return found;
}

/** One file of a build context: generated text, or a file of this checkout (its bytes). */
type ContextFile = { readonly path: string; readonly content: string } | { readonly path: string; readonly content: Buffer; readonly source: string };

const cache = new Map<ProjectImageName, readonly ContextFile[]>();

/** The files of one image's build context, relative to the context; read once per process. */
export function contextFiles(name: ProjectImageName): readonly ContextFile[] {
  const cached = cache.get(name);
  if (cached) return cached;
  const dist = locateDist();
  const root = dirname(dist);
  const copy = (path: string, source: string): ContextFile => ({ path, content: readFileSync(source), source });
  const dockerfile = copy("Dockerfile", join(root, "runtimes", name, "Dockerfile"));
  let files: ContextFile[];
  if (name === "ingest") {
    files = [dockerfile, copy("ingest.js", join(dist, "ingest.js"))];
  } else {
    const { packageJson, packageLock } = runtimePackages(root, JOBS_RUNTIME_PACKAGES);
    const commands = readdirSync(join(dist, "commands")).filter((f) => f.endsWith(".js") && !LAPTOP_ONLY_COMMANDS.has(f.slice(0, -3)));
    const migrations = readdirSync(join(dist, "etl-migrations")).filter((f) => f.endsWith(".sql"));
    files = [
      dockerfile,
      { path: "package.json", content: packageJson },
      { path: "package-lock.json", content: packageLock },
      copy("dist/shelfstack.js", join(dist, "shelfstack.js")),
      copy("dist/jobs.js", join(dist, "jobs.js")),
      ...commands.map((f) => copy(`dist/commands/${f}`, join(dist, "commands", f))),
      ...migrations.map((f) => copy(`dist/etl-migrations/${f}`, join(dist, "etl-migrations", f))),
    ];
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  cache.set(name, files);
  return files;
}

interface Lock {
  name: string;
  version: string;
  lockfileVersion: number;
  packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; [k: string]: unknown }>;
}

/**
 * A package.json naming only the runtime's packages, at the repository's pinned versions, and the
 * part of the repository's package-lock.json they need (their dependency closure, the same
 * versions and integrity hashes), so `npm ci` in the image installs exactly what was tested and
 * nothing from this machine's node_modules is copied.
 */
export function runtimePackages(root: string, names: readonly string[]): { packageJson: string; packageLock: string } {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as Lock;
  const dependencies: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const version = pkg.dependencies[name];
    if (!version) throw new Error(`package.json has no dependency ${name}, which the jobs image needs`);
    dependencies[name] = version;
  }
  const resolveFrom = (from: string, name: string): string | undefined => {
    let base = from;
    for (;;) {
      const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
      if (lock.packages[candidate]) return candidate;
      if (!base) return undefined;
      const i = base.lastIndexOf("/node_modules/");
      base = i < 0 ? "" : base.slice(0, i);
    }
  };
  const closure = new Set<string>();
  const queue = Object.keys(dependencies).map((name) => `node_modules/${name}`);
  while (queue.length) {
    const path = queue.shift()!;
    if (closure.has(path)) continue;
    const entry = lock.packages[path];
    if (!entry) throw new Error(`package-lock.json has no ${path}: run npm install`);
    closure.add(path);
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      const found = resolveFrom(path, dep);
      if (found) queue.push(found);
      else if (!entry.optionalDependencies?.[dep]) throw new Error(`package-lock.json cannot resolve ${dep} for ${path}: run npm install`);
    }
  }
  const name = `${pkg.name}-jobs-runtime`;
  const packageJson = { name, version: pkg.version, private: true, dependencies };
  const packages: Lock["packages"] = { "": { name, version: pkg.version, dependencies } };
  for (const path of [...closure].sort()) packages[path] = lock.packages[path];
  const packageLock = { name, version: pkg.version, lockfileVersion: lock.lockfileVersion, requires: true, packages };
  return { packageJson: `${JSON.stringify(packageJson, null, 2)}\n`, packageLock: `${JSON.stringify(packageLock, null, 2)}\n` };
}

export interface ImageBuildContextProps {
  /** Which of this repository's images the context builds: its Dockerfile is runtimes/<image>/Dockerfile. */
  readonly image: ProjectImageName;
}

/**
 * The directory `<out>/images/<name>/` that synth writes: the Dockerfile and exactly what it
 * copies, nothing else, so it builds the same with BuildKit and the legacy builder and needs no
 * .dockerignore. Terraform's docker_image and compose's `build:` point at it.
 */
export class ImageBuildContext extends Construct {
  /** Below the output directory, e.g. images/jobs. */
  readonly dir: string;
  private readonly image: ProjectImageName;

  constructor(scope: Construct, id: string, props: ImageBuildContextProps) {
    super(scope, id);
    this.image = props.image;
    this.dir = `images/${props.image}`;
    for (const file of contextFiles(props.image)) {
      const path = `${this.dir}/${file.path}`;
      // The bundles (12 MB) are linked or copied into the output, not written out again.
      new RenderedFile(this, file.path, "source" in file ? { path, copyOf: file.source } : { path, content: file.content });
    }
  }

  /** sha256 over every file's path and bytes: a new hash rebuilds the image. */
  get sha256(): string {
    const hash = createHash("sha256");
    for (const f of contextFiles(this.image)) hash.update(f.path).update("\0").update(f.content).update("\0");
    return hash.digest("hex");
  }
}
