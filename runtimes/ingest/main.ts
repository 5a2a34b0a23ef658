/**
 * The ingest sidecar's entry point (dist/ingest.js in the image). Takes the same flags as
 * `shelfstack ingest` but no stack.yaml: the construct passes everything on the command line,
 * and this bundle stays free of cdktf.
 */
import { parseArgs } from "node:util";
import { EXIT, failure, UsageError, type ExitCode } from "../../config/errors";
import { ingestCommand } from "./command";
import { INGEST_FLAGS, INGEST_HELP, optionsFrom, OptionsError } from "./options";

async function main(argv: string[]): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...INGEST_FLAGS, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (error) {
    return failure(new UsageError(`${(error as Error).message}\n\n${INGEST_HELP}`), { prefix: "ingest" });
  }
  if (parsed.values.help) {
    console.log(INGEST_HELP);
    return EXIT.ok;
  }
  try {
    return await ingestCommand(optionsFrom(parsed.values));
  } catch (error) {
    return failure(error instanceof OptionsError ? new UsageError(`${error.message}\n\n${INGEST_HELP}`) : error, { prefix: "ingest" });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = failure(error, { prefix: "ingest" });
  },
);
