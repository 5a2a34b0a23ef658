import { EXIT, failure, type ExitCode } from "../../config/errors";
import { CalibreUnavailable } from "./calibre";
import { IngestBusy } from "./lock";
import type { IngestOptions } from "./options";
import { renderSummary } from "./report";
import { ingestPass, IngestUnavailable, type Deps } from "./run";

/**
 * `--once`: one pass and its summary. Otherwise a pass every pollSeconds until SIGTERM/SIGINT
 * (sooner while files are still arriving). Returns the exit code: 0 when it ran, 1 when it
 * could not (missing folder, Calibre absent) — a book that failed is reported, not an error.
 */
export async function ingestCommand(opts: IngestOptions, deps: Deps = {}): Promise<ExitCode> {
  const log = deps.log ?? ((line: string) => console.error(`ingest: ${line}`));
  if (opts.once) {
    try {
      const report = await ingestPass(opts, { ...deps, log });
      console.log(renderSummary(report));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof IngestBusy) {
        console.error(`shelfstack ingest: ${error.message} — nothing done; that pass files what is waiting`);
        return EXIT.ok;
      }
      if (error instanceof IngestUnavailable || error instanceof CalibreUnavailable) return failure(error, { prefix: "shelfstack ingest: could not run" });
      throw error;
    }
  }

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  log(`watching ${opts.ingestDir} every ${opts.pollSeconds} s`);
  try {
    while (!stop.signal.aborted) {
      let delay = opts.pollSeconds;
      try {
        const report = await ingestPass(opts, { ...deps, log });
        if (report.outcomes.some((o) => o.kind !== "waiting")) log(renderSummary(report));
        // Something is still being copied in: look again as soon as it can have settled.
        if (report.of("waiting").length > 0) delay = Math.min(delay, opts.stableSeconds + 1);
      } catch (error) {
        // A watcher keeps watching: whatever stopped this pass (a folder gone, Calibre locked, a
        // permission) is logged and the next pass tries again. Books stay where they are.
        const message =
          error instanceof IngestUnavailable || error instanceof CalibreUnavailable || error instanceof IngestBusy ? error.message : String((error as Error).stack ?? error);
        log(`pass stopped: ${message}; trying again in ${delay} s`);
      }
      await sleep(delay * 1000, stop.signal);
    }
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
  log("stopped");
  return EXIT.ok;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
