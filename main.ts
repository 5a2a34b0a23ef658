/**
 * The cdktf app (cdktf.json "app"): `cdktf synth` and `cdktf deploy` run the same code as
 * `shelfstack synth`. STACK_FILE picks the stack.yaml, as -c does for the CLI.
 */
import { buildApp } from "./stacks/synth";
import { markOutput } from "./stacks/output-dir";
import { loadFromArgs, failure } from "./bin/cli";

try {
  const { app } = buildApp(loadFromArgs(process.env.STACK_FILE));
  app.synth();
  markOutput(app.outdir);
} catch (error) {
  process.exit(failure(error));
}
