import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { loadStack } from "../config/load";
import { EXIT, UsageError, type ExitCode } from "./errors";
import type { StackConfig } from "../config/resolve";

/** A command takes its arguments and returns its exit code, one of EXIT (bin/errors.ts). */
export type Command = (args: string[]) => Promise<ExitCode> | ExitCode;

export { EXIT, UsageError, UserError, failure, isUserError, type ExitCode } from "./errors";

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, help: string) {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(help);
      process.exit(EXIT.ok);
    }
    return parsed;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${help}`);
  }
}

/**
 * The bundled example, found beside the CLI bundle (dist/) or the sources; undefined where the
 * CLI runs without it (the jobs image holds dist/ only).
 */
export function findExample(): string | undefined {
  return [join(__dirname, "..", "examples", "stack.yaml"), join(__dirname, "..", "..", "examples", "stack.yaml")].find((candidate) => existsSync(candidate));
}

export function examplePath(): string {
  const example = findExample();
  if (!example) throw new UsageError("no ./stack.yaml here and no bundled example — pass -c <stack.yaml>");
  return example;
}

/**
 * `-c file`, else ./stack.yaml, else the bundled example. Says which (on stderr unless `say` is
 * given), since an unexpected source is the first thing to rule out when output looks wrong.
 */
export function stackFile(explicit: string | undefined, quiet = false, say: (line: string) => void = console.error): string {
  if (explicit) {
    return explicit;
  }
  if (existsSync("stack.yaml")) {
    if (!quiet) say("using ./stack.yaml");
    return "stack.yaml";
  }
  const example = examplePath();
  if (!quiet) say(`no ./stack.yaml here — using the bundled example (${example})`);
  return example;
}

export function loadFromArgs(explicit: string | undefined, quiet = false, say?: (line: string) => void): StackConfig {
  return loadStack(stackFile(explicit, quiet, say));
}
