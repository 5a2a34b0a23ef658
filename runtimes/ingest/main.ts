/**
 * The ingest sidecar's entry point (dist/ingest.js in the image). Takes the same flags as
 * `shelfstack ingest` but no stack.yaml: the construct passes everything on the command line,
 * and this bundle stays free of cdktf.
 */
import { parseArgs } from "node:util";
import { ingestCommand } from "./command";
import { INGEST_FLAGS, INGEST_HELP, optionsFrom, OptionsError } from "./options";

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...INGEST_FLAGS, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (error) {
    console.error(`ingest: ${(error as Error).message}\n\n${INGEST_HELP}`);
    return 1;
  }
  if (parsed.values.help) {
    console.log(INGEST_HELP);
    return 0;
  }
  try {
    return await ingestCommand(optionsFrom(parsed.values));
  } catch (error) {
    if (error instanceof OptionsError) {
      console.error(`ingest: ${error.message}\n\n${INGEST_HELP}`);
      return 1;
    }
    console.error(`ingest: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 2;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
