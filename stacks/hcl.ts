import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TerraformStack } from "cdktf";
import { StackSynthesizer } from "cdktf/lib/synthesize/synthesizer";

/**
 * `synth --hcl`: cdktf 0.21 can render a stack as HCL, with three defects that make Terraform
 * refuse or warn, worked around here (test/synth/terraform-init.test.ts runs terraform init on the
 * result):
 * - App({ hclOutput }) names the file cdk.tf, but the stack's synthesizer reads only the
 *   SYNTH_HCL_OUTPUT environment variable and writes JSON into it: give it an HCL synthesizer.
 * - lifecycle pre/postconditions come out as a list attribute (`postcondition = [{…}]`), which
 *   Terraform rejects: they are blocks.
 * - depends_on entries come out quoted, which Terraform accepts with a deprecation warning.
 */
export function useHclSynthesizer(stack: TerraformStack): void {
  stack.synthesizer = new StackSynthesizer(stack, false, true);
}

/** Rewrites the synthesized HCL file in place (see useHclSynthesizer). */
export function repairHclFile(outdir: string, stackFile: string): void {
  const file = join(outdir, stackFile);
  writeFileSync(file, repairHcl(readFileSync(file, "utf8")));
}

export function repairHcl(hcl: string): string {
  const lines = hcl.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const condition = /^(\s*)(precondition|postcondition) = \[$/.exec(lines[i]);
    if (condition) {
      const [, indent, kind] = condition;
      i++;
      for (; i < lines.length && lines[i].trim() !== "]"; i++) {
        if (lines[i].trim() === "{") out.push(`${indent}${kind} {`);
        else if (lines[i].trim() === "},") out.push(`${indent}}`);
        else out.push(lines[i]);
      }
      continue;
    }
    if (/^\s*depends_on = \[$/.test(lines[i])) {
      out.push(lines[i]);
      for (i++; i < lines.length && lines[i].trim() !== "]"; i++) out.push(lines[i].replace(/^(\s*)"([a-z0-9_]+\.[A-Za-z0-9_-]+)",$/, "$1$2,"));
      out.push(lines[i]);
      continue;
    }
    out.push(lines[i]);
  }
  return out.join("\n");
}
