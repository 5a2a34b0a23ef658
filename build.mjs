// Bundles the CLI and the cdktf app so `shelfstack synth` starts without compiling TypeScript.
import { build } from "esbuild";

await build({
  // One bundle per entry: the CLI, the cdktf app, and each sidecar runtime (which must not load cdktf).
  entryPoints: { shelfstack: "bin/shelfstack.ts", main: "main.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "linked",
  minifyWhitespace: true,
  legalComments: "none",
  logLevel: "warning",
  banner: { js: "#!/usr/bin/env node" },
  // Native modules and heavy optional runtimes stay outside the bundle.
  external: ["better-sqlite3", "pg-native", "@electric-sql/pglite", "cpu-features", "ssh2"],
});
