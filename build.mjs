// Bundles the CLI and the cdktf app so `shelfstack synth` starts without compiling TypeScript.
import { chmodSync, cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";

const { templateModule } = createRequire(import.meta.url)("./build/handlebars-templates.cjs");

// One bundle per command, loaded by the dispatcher only when called.
const commands = Object.fromEntries(
  readdirSync("bin/commands")
    .filter((f) => f.endsWith(".ts"))
    .map((f) => [`commands/${f.slice(0, -3)}`, `bin/commands/${f}`]),
);

rmSync("dist", { recursive: true, force: true });
await build({
  // One bundle per entry: the CLI dispatcher and its commands, the cdktf app, and each sidecar
  // runtime (which must not load cdktf).
  entryPoints: { shelfstack: "bin/shelfstack.ts", main: "main.ts", jobs: "runtimes/jobs/main.ts", ingest: "runtimes/ingest/main.ts", ...commands },
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
  // The generated shell scripts' templates (templates/*.hbs) are inlined, precompiled: no file to
  // find and no template to parse at run time.
  plugins: [
    {
      name: "handlebars-templates",
      setup(b) {
        b.onLoad({ filter: /\.hbs$/ }, (args) => ({ contents: templateModule(readFileSync(args.path, "utf8")), loader: "js" }));
      },
    },
  ],
  // Native modules and heavy optional runtimes stay outside the bundle.
  external: ["better-sqlite3", "pg-native", "@electric-sql/pglite", "cpu-features", "ssh2"],
  // cdktf loads archiver for zipped TerraformAssets, which this stack never uses: leave it out
  // (a third of a MB parsed on every synth). Using an asset would fail loudly.
  alias: { archiver: "./build/no-archiver.js" },
});

// The ETL's SQL migrations ship beside the bundles (runtimes/jobs/etl/migrate.ts looks there).
rmSync("dist/etl-migrations", { recursive: true, force: true });
cpSync("runtimes/jobs/etl/migrations", "dist/etl-migrations", { recursive: true });

// The package's bin: `npm link` links it once, so every later build must keep it executable.
chmodSync("dist/shelfstack.js", 0o755);
