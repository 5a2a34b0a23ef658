import { EXIT, loadFromArgs, parse, type Command } from "../cli";
import { synthesize, TERRAFORM_JSON } from "../../stacks/synth";

const HELP = `usage: shelfstack synth [-c stack.yaml] [-o dir]

Writes the Terraform JSON (<dir>/${TERRAFORM_JSON}) and every rendered file. Without -c it
reads ./stack.yaml, else the bundled example. The default dir is ./cdktf.out, where
\`cdktf deploy --skip-synth\` looks. The directory is replaced whole, or left as it was if
anything fails.`;

const synth: Command = (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, out: { type: "string", short: "o" } }, HELP);
  const config = loadFromArgs(values.config);
  const out = values.out ?? "cdktf.out";
  const files = synthesize(config, out);
  console.error(`wrote ${out}/: Terraform JSON (${TERRAFORM_JSON}) and ${files.length} rendered files`);
  return EXIT.ok;
};
export default synth;
