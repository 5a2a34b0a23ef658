import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { planOutput } from "./output-dir";
import { App } from "cdktf";
import type { IConstruct } from "constructs";
import type { StackConfig } from "../config/resolve";
import { locateProblems } from "../config/load";
import { ReadingStack, STACK_NAME } from "./reading-stack";
import { RenderedFile } from "../constructs/rendered-file";
import { repairHclFile, useHclSynthesizer } from "./hcl";

export interface SynthOptions {
  /** Terraform as HCL (stacks/<stack>/cdk.tf) instead of JSON, for review. @default false */
  readonly hcl?: boolean;
}

/** Builds the cdktf app for a config; used by `shelfstack synth` and by main.ts (cdktf synth/deploy). */
export function buildApp(config: StackConfig, outdir?: string, options: SynthOptions = {}): { app: App; stack: ReadingStack } {
  const app = new App({ outdir, stackTraces: false, hclOutput: options.hcl ?? false });
  try {
    const stack = new ReadingStack(app, STACK_NAME, config);
    if (options.hcl) useHclSynthesizer(stack);
    return { app, stack };
  } catch (error) {
    // A construct's own rule names the YAML path; give it the file and line too.
    throw locateProblems(error, config.source);
  }
}

/** The Terraform JSON below the output directory: cdktf's own layout, so `cdktf deploy --skip-synth -o <out>` works. */
export const TERRAFORM_JSON = `stacks/${STACK_NAME}/cdk.tf.json`;
/** The same as HCL, with --hcl. */
export const TERRAFORM_HCL = `stacks/${STACK_NAME}/cdk.tf`;

/**
 * The whole stack, for checks and listings (validate, env, init): synthesized as `synth` would,
 * aspects and validations included, into a scratch directory that is removed at once (cdktf's
 * App makes its outdir as soon as it is constructed — `./cdktf.out` by default, which synth
 * would then refuse as not its own).
 */
export function buildInMemory(config: StackConfig): ReadingStack {
  const scratch = mkdtempSync(join(tmpdir(), "shelfstack-in-memory-"));
  try {
    const { app, stack } = buildApp(config, scratch);
    app.synth();
    return stack;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A file to write below the output directory: its text, or a file to link or copy there. */
export type OutputFile = { readonly path: string; readonly content: string | Buffer } | { readonly path: string; readonly copyOf: string };

/** What synth writes for each rendered file: a copy (a built bundle) is never read into a string. */
export function outputFiles(scope: IConstruct): OutputFile[] {
  return RenderedFile.all(scope).map((f) => (f.copyOf ? { path: f.path, copyOf: f.copyOf } : { path: f.path, content: f.content }));
}

/** Writes each file below dir, making each directory once (thousands of files at a thousand devices). */
export function writeFiles(dir: string, files: readonly OutputFile[]): void {
  const made = new Set<string>();
  for (const f of files) {
    const file = join(dir, f.path);
    const parent = dirname(file);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    if ("copyOf" in f) placeCopy(f.copyOf, file);
    else writeFileSync(file, f.content);
  }
}

/**
 * A hard link: no bytes written. Safe because neither side is changed in place — the build
 * replaces dist/ whole, and synth replaces its output whole. Another file system (or one without
 * links) gets a copy; a file already there (cdktf's own output directory) is replaced.
 */
function placeCopy(source: string, file: string): void {
  rmSync(file, { force: true });
  try {
    linkSync(source, file);
  } catch (error) {
    if (!["EXDEV", "EPERM", "ENOTSUP", "EMLINK"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
    copyFileSync(source, file);
  }
}

/**
 * Writes the Terraform JSON and every rendered file into `outdir`, whole or not at all, and only
 * over an earlier output (stacks/output-dir.ts): a failure or a kill at any point leaves the
 * previous output byte-identical.
 */
export function synthesize(config: StackConfig, outdir: string, options: SynthOptions = {}): string[] {
  const output = planOutput(outdir, config.source ? [config.source.file] : []);
  let written: string[] = [];
  output.write((dir) => {
    const { app, stack } = buildApp(config, dir, options);
    // cdktf first: its aspects complete the tree (constructs/host-directories.ts) before any file
    // is rendered. A failure anywhere leaves only the discarded staging directory.
    app.synth();
    const files = outputFiles(stack);
    if (options.hcl) repairHclFile(dir, TERRAFORM_HCL);
    writeFiles(dir, files);
    written = files.map((f) => f.path);
  });
  return written;
}
