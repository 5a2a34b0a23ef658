import { EXIT, loadFromArgs, parse, type Command } from "../cli";
import { synthesize, TERRAFORM_HCL, TERRAFORM_JSON } from "../../stacks/synth";

const HELP = `usage: shelfstack synth [-c stack.yaml] [-o dir] [--hcl]

Writes the Terraform JSON (<dir>/${TERRAFORM_JSON}) and every rendered file. Without -c it
reads ./stack.yaml, else the bundled example. The default dir is ./cdktf.out, where
\`cdktf deploy --skip-synth\` looks. The directory is replaced whole, or left as it was if
anything fails.

--hcl writes the Terraform as HCL (<dir>/${TERRAFORM_HCL}) instead, for review; the JSON is
the default and what \`cdktf deploy\` applies.`;

const synth: Command = (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, out: { type: "string", short: "o" }, hcl: { type: "boolean" } }, HELP);
  const config = loadFromArgs(values.config);
  const out = values.out ?? "cdktf.out";
  const hcl = values.hcl === true;
  const files = synthesize(config, out, { hcl });
  console.error(`wrote ${out}/: Terraform ${hcl ? `HCL (${TERRAFORM_HCL})` : `JSON (${TERRAFORM_JSON})`} and ${files.length} rendered files`);
  return EXIT.ok;
};
export default synth;
