/**
 * The shelfstack CLI. Each command lives in its own module and is loaded only when called, so
 * `shelfstack synth` doesn't pay for the runtimes and the runtimes never load cdktf.
 */
import { failure, type Command } from "./cli";

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  synth: { summary: "write the Terraform JSON and every rendered file", load: () => import("./commands/synth") },
  validate: { summary: "check stack.yaml without writing anything", load: () => import("./commands/validate") },
  schema: { summary: "print the JSON Schema of stack.yaml (for editors)", load: () => import("./commands/schema") },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "usage: shelfstack <command> [options]",
    "",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `shelfstack <command> --help` for a command's options.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 1;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`shelfstack: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  const command = (await entry.load()).default;
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
