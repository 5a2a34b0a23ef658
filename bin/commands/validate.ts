import { EXIT, loadFromArgs, parse, type Command } from "../cli";
import { buildInMemory } from "../../stacks/synth";
import { RenderedFile } from "../../constructs/rendered-file";

const HELP = `usage: shelfstack validate [-c stack.yaml]

Checks stack.yaml and builds the whole stack in memory (every construct's own rules run too),
writing nothing. Exit 0 valid, 1 with every problem listed.`;

const validate: Command = (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" } }, HELP);
  const config = loadFromArgs(values.config);
  for (const file of RenderedFile.all(buildInMemory(config))) void file.content;
  console.error("stack.yaml is valid");
  return EXIT.ok;
};
export default validate;
