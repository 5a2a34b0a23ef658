import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT, loadFromArgs, parse, type Command } from "../cli";
import { buildApp } from "../../stacks/synth";
import { RenderedFile } from "../../constructs/rendered-file";

const HELP = `usage: shelfstack validate [-c stack.yaml]

Checks stack.yaml and builds the whole stack in memory (every construct's own rules run too),
writing nothing. Exit 0 valid, 1 with every problem listed.`;

const validate: Command = (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" } }, HELP);
  const config = loadFromArgs(values.config);
  // cdktf's App creates its outdir when constructed: keep that out of the user's directory.
  const scratch = mkdtempSync(join(tmpdir(), "shelfstack-validate-"));
  try {
    const { stack } = buildApp(config, scratch);
    for (const file of RenderedFile.all(stack)) void file.content;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.error("stack.yaml is valid");
  return EXIT.ok;
};
export default validate;
