/**
 * The cdktf app (cdktf.json "app"): `cdktf synth` and `cdktf deploy` run the same code as
 * `shelfstack synth`. STACK_FILE picks the stack.yaml, as -c does for the CLI.
 */
import { buildApp } from "./stacks/synth";
import { loadFromArgs, failure } from "./bin/cli";

try {
  // Which stack.yaml, on stdout: cdktf shows the app's stderr as [ERROR].
  buildApp(loadFromArgs(process.env.STACK_FILE, false, console.log)).app.synth();
} catch (error) {
  process.exit(failure(error));
}
