import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { App } from "cdktf";
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
 * Writes the Terraform JSON and every rendered file into `outdir`, whole or not at all: all is
 * written into a sibling temporary directory first, then swapped into place. A failure at any
 * point leaves the previous output byte-identical.
 */
export function synthesize(config: StackConfig, outdir: string, options: SynthOptions = {}): string[] {
  const target = resolve(outdir);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = mkdtempSync(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    const { app, stack } = buildApp(config, tmp, options);
    // Rendered files first: a construct that cannot render fails before anything is written.
    const files = RenderedFile.all(stack).map((f) => ({ path: f.path, content: f.content }));
    app.synth();
    if (options.hcl) repairHclFile(tmp, TERRAFORM_HCL);
    for (const f of files) {
      const file = join(tmp, f.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, f.content);
    }
    swapInto(tmp, target);
    return files.map((f) => f.path);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

function swapInto(fresh: string, target: string): void {
  if (!existsSync(target)) {
    renameSync(fresh, target);
    return;
  }
  const old = `${fresh}.old`;
  renameSync(target, old);
  try {
    renameSync(fresh, target);
  } catch (error) {
    renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}
