import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { parseStack } from "../../config/load";
import type { StackConfig } from "../../config/resolve";
import { RenderedFile } from "../../constructs/rendered-file";
import { buildInMemory } from "../../stacks/synth";

export const EXAMPLE = join(__dirname, "..", "..", "examples", "stack.yaml");

/** The bundled example, changed by `edit` (on the parsed YAML) before it is loaded. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed YAML, edited freely by the test
export function example(edit: (doc: Record<string, any>) => void = () => undefined): StackConfig {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed YAML, edited freely by the test
  const doc = parse(readFileSync(EXAMPLE, "utf8")) as Record<string, any>;
  edit(doc);
  return parseStack(stringify(doc), "stack.yaml");
}

/** Every rendered file of a synth of `config`, path → content (nothing written to disk). */
export function renderedFiles(config: StackConfig): Map<string, string> {
  const stack = buildInMemory(config);
  return new Map(RenderedFile.all(stack).map((f) => [f.path, f.content]));
}

/** The numbered "## n. Title" headings of a SETUP.md. */
export function headings(markdown: string): string[] {
  return [...markdown.matchAll(/^## \d+\. (.+)$/gm)].map((m) => m[1]);
}
