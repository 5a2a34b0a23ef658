import { loadFromArgs, parse, UsageError, type Command } from "../cli";
import { ingestCommand } from "../../runtimes/ingest/command";
import { INGEST_FLAGS, INGEST_HELP, optionsFrom, OptionsError, type IngestOptions } from "../../runtimes/ingest/options";
import type { StackConfig } from "../../config/resolve";

const HELP = `${INGEST_HELP.replace("[options]", "[-c stack.yaml] [options]")}

Folder defaults come from stack.yaml (server.paths.ingest, .failed, .ebooks, .audiobooks; the
ingest section's pollSeconds, stableSeconds, fetchMetadata): on the server, \`shelfstack ingest --once\`
files what is waiting, the same way the ingest container does.`;

/** The defaults stack.yaml gives `shelfstack ingest`. */
export function ingestDefaults(config: StackConfig): Partial<IngestOptions> {
  const { paths } = config.server;
  return {
    ingestDir: paths.ingest,
    failedDir: paths.failed,
    libraryDir: paths.ebooks,
    audiobooksDir: paths.audiobooks,
    pollSeconds: config.ingest.pollSeconds,
    stableSeconds: config.ingest.stableSeconds,
    fetchMetadata: config.ingest.fetchMetadata,
  };
}

const ingest: Command = async (args) => {
  const { values } = parse(args, { ...INGEST_FLAGS, config: { type: "string", short: "c" } }, HELP);
  const config = loadFromArgs(values.config);
  let options: IngestOptions;
  try {
    options = optionsFrom(values, ingestDefaults(config));
  } catch (error) {
    if (error instanceof OptionsError) throw new UsageError(`${error.message}\n\n${HELP}`);
    throw error;
  }
  return ingestCommand(options);
};
export default ingest;
