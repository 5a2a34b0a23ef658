import { loadFromArgs, parse, type Command } from "../cli";
import { synthesize, TERRAFORM_DIR } from "../../stacks/synth";

const HELP = `usage: shelfstack synth [-c stack.yaml] [-o out]

Writes the Terraform JSON (${"<out>"}/${TERRAFORM_DIR}/stacks/shelfstack/cdk.tf.json) and every rendered
file. Without -c: ./stack.yaml, else the bundled example. The output directory is replaced whole,
or left as it was if anything fails.`;

const synth: Command = (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, out: { type: "string", short: "o" } }, HELP);
  const config = loadFromArgs(values.config);
  const out = values.out ?? "out";
  const files = synthesize(config, out);
  console.error(`wrote ${out}/: Terraform JSON in ${TERRAFORM_DIR}/ and ${files.length} rendered files`);
  return 0;
};
export default synth;
