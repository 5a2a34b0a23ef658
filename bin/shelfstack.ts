/**
 * The shelfstack CLI: a small dispatcher. Each command is its own bundle (dist/commands/<name>.js,
 * built from bin/commands/<name>.ts) loaded only when called, so `shelfstack synth` parses no
 * runtime code, a nightly job parses no cdktf, and `--help` parses neither.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { JOB_CATALOGUE } from "../config/jobs";
import { LAPTOP_ONLY_COMMANDS } from "../config/laptop-commands";
import { EXIT, exitCodesHelp, failure, UsageError, type ExitCode } from "./errors";
import { loadBundle } from "./load-bundle";
import type { Command } from "./cli";

// The command bundles sit beside this one at run time (esbuild does not follow these paths).
const requireBeside = createRequire(__filename);
const bundled = (name: string) => async () => requireBeside(`./commands/${name}.js`) as { default: Command };
/** The commands where start-up is most of the time (synth and friends): with V8's code cache. */
const cached = (name: string) => async () => loadBundle(join(__dirname, "commands", `${name}.js`)) as { default: Command };

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  synth: { summary: "write the Terraform JSON and every rendered file", load: cached("synth") },
  validate: { summary: "check stack.yaml without writing anything", load: cached("validate") },
  schema: { summary: "print the JSON Schema of stack.yaml (for editors)", load: cached("schema") },
  init: { summary: "write a new stack.yaml (asks, or takes flags), .env.example, .gitignore and the server's Syncthing identity", load: bundled("init") },
  syncthing: { summary: "make the server's Syncthing identity before the first deploy: shelfstack syncthing identity", load: bundled("syncthing") },
  env: { summary: "list the secret variables this stack needs, what each is for, which are set", load: cached("env") },
  policy: { summary: "run the tailnet policy's tests offline: shelfstack policy test [file]", load: cached("policy") },
  // Every job of the catalogue is the command of its name.
  ...Object.fromEntries(JOB_CATALOGUE.map((job) => [job.name, { summary: job.summary, load: bundled(job.name) }])),
  restore: { summary: "bring back the library or a reader's statistics from the backup (--verify, --to DIR)", load: bundled("restore") },
  doctor: { summary: "check that every part of the deployed stack works: one line per check, exit 1 on a fault", load: bundled("doctor") },
  jobs: { summary: "run the crontab: the nightly jobs' scheduler (what the jobs container runs)", load: bundled("jobs") },
  sql: { summary: "query the ETL's warehouse (embedded or Postgres), read-only", load: bundled("sql") },
  report: { summary: "write the reading report (HTML + SVG charts) from the ETL's warehouse", load: bundled("report") },
  ingest: { summary: "file dropped books into the Calibre and audiobook libraries (watches, or --once)", load: bundled("ingest") },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "usage: shelfstack <command> [options]",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `shelfstack <command> --help` for a command's options.",
    "",
    exitCodesHelp(),
  ].join("\n");
}

async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? EXIT.ok : EXIT.invalid;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`shelfstack: unknown command "${name}"\n\n${usage()}`);
    return EXIT.invalid;
  }
  let command: Command;
  try {
    command = (await entry.load()).default;
  } catch (error) {
    // The jobs image leaves out the commands for the deploying machine (config/laptop-commands.ts).
    const { code, message, path } = error as NodeJS.ErrnoException;
    const bundle = `commands/${name}.js`;
    const missing = (code === "MODULE_NOT_FOUND" && message.includes(`./${bundle}'`)) || (code === "ENOENT" && path?.endsWith(bundle));
    if (!missing || !LAPTOP_ONLY_COMMANDS.has(name)) throw error;
    throw new UsageError(`shelfstack ${name} is not in this installation — it runs on the machine you deploy from (the jobs container leaves it out)`);
  }
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = failure(error);
  },
);
