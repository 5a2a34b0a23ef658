/**
 * The cdktf app (cdktf.json "app"): `cdktf synth` and `cdktf deploy` run the same code as
 * `shelfstack synth`. STACK_FILE picks the stack.yaml, as -c does for the CLI.
 */
import { buildApp, outputFiles, writeFiles } from "./stacks/synth";
import { markOutput } from "./stacks/output-dir";
import { loadFromArgs, failure } from "./bin/cli";

try {
  // Which stack.yaml, on stdout: cdktf shows the app's stderr as [ERROR].
  const { app, stack } = buildApp(loadFromArgs(process.env.STACK_FILE, false, console.log));
  // cdktf first: its aspects complete the tree before any file is rendered. Every problem with
  // stack.yaml is refused while the tree is built, before either writes anything.
  app.synth();
  const files = outputFiles(stack);
  // The rendered files go beside the Terraform JSON as with `shelfstack synth`: the deploy builds
  // the images from images/<name>/ there. cdktf owns the directory (its .terraform caches
  // providers), so files are written into it rather than the directory replaced.
  writeFiles(app.outdir, files);
  markOutput(app.outdir);
} catch (error) {
  process.exit(failure(error));
}
