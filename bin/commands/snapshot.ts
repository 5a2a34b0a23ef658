import { basename, resolve } from "node:path";
import { EXIT, failure, loadFromArgs, parse, UsageError, type Command, type ExitCode } from "../cli";
import { runSnapshot } from "../../runtimes/jobs/snapshot/snapshot";
import { statisticsSources } from "../../runtimes/jobs/snapshot/sources";
import { books, readTime } from "../../runtimes/jobs/snapshot/summary";
import { restoreStatistics } from "../../runtimes/jobs/restore/statistics";
import { parseAt } from "./restore";

const HELP = `usage: shelfstack snapshot [-c stack.yaml] [--from <settings dir> [--name <reader>]] [--repo <git dir>]

Copies each reader's KOReader statistics.sqlite3 (and its -wal) out of the folder Syncthing
receives it in — never writing there — checks it (PRAGMA integrity_check), and commits a
single-file copy to the snapshot git repository when its content changed. A damaged or half-synced
database fails that reader and keeps its last good snapshot.

  --from   one KOReader settings folder (default: every reader's, from stack.yaml)
  --name   the reader's folder in the repository (default: the --from folder's name)
  --repo   the snapshot repository, created on first use (default: server.paths.snapshots)

Exit 0: every reader snapshotted or unchanged. 1: a reader's database was damaged or unstable
(one line each), or the repository could not be used. 2: a bug.

       shelfstack snapshot restore --reader <name> [--at DATE] --to DIR [-c stack.yaml] [--repo <git dir>]

Writes DIR/statistics.sqlite3 from the reader's snapshot history (the last one at or before DATE:
YYYY-MM-DD = the end of that day, UTC; or an ISO time), checked with PRAGMA integrity_check. DIR must be new or empty and
outside every Syncthing folder; SETUP.md says how to put the file back on the reader.`;

const RESTORE_HELP = HELP.slice(HELP.indexOf("       shelfstack snapshot restore")).replace(/^ +/, "usage: ");

async function restoreCommand(args: string[]): Promise<ExitCode> {
  const { values } = parse(
    args,
    { config: { type: "string", short: "c" }, reader: { type: "string" }, at: { type: "string" }, to: { type: "string" }, repo: { type: "string" } },
    RESTORE_HELP,
  );
  if (!values.reader || !values.to) throw new UsageError(`snapshot restore needs --reader <name> and --to DIR\n\n${RESTORE_HELP}`);
  const config = loadFromArgs(values.config);
  try {
    const result = restoreStatistics({ config, repo: values.repo, reader: values.reader, at: values.at ? parseAt(values.at) : undefined, to: values.to });
    console.log(`${result.file}: ${values.reader}'s statistics as of ${result.date} (snapshot ${result.commit.slice(0, 12)}), integrity_check ok`);
    console.log('To put it back on the reader, follow "Putting statistics back" in that reader\'s SETUP.md.');
    return EXIT.ok;
  } catch (error) {
    return failure(error, { prefix: "shelfstack snapshot restore" });
  }
}

const snapshot: Command = async (args) => {
  if (args[0] === "restore") return restoreCommand(args.slice(1));
  const { values } = parse(args, { config: { type: "string", short: "c" }, from: { type: "string" }, name: { type: "string" }, repo: { type: "string" } }, HELP);
  if (values.name && !values.from) {
    return failure(new UsageError("--name goes with --from"), { prefix: "shelfstack snapshot" });
  }
  // With both folders given, stack.yaml is not needed.
  const config = values.from && values.repo ? undefined : loadFromArgs(values.config);
  const sources = values.from ? [{ name: values.name ?? basename(resolve(values.from)), dir: values.from }] : statisticsSources(config!);
  const repo = values.repo ?? config!.server.paths.snapshots;
  const log = (line: string) => console.error(line);
  try {
    const result = await runSnapshot({ sources, repo, log });
    for (const s of result.sources) {
      const totals = s.summary ? ` (${books(s.summary.books)}, ${readTime(s.summary.readSeconds)} read)` : "";
      console.log(`${s.name}: ${s.outcome}${totals}`);
    }
    const failed = result.sources.filter((s) => s.outcome === "failed");
    for (const f of failed) console.error(`shelfstack snapshot: ${f.reason}`);
    return failed.length ? EXIT.invalid : EXIT.ok;
  } catch (error) {
    return failure(error, { prefix: "shelfstack snapshot" });
  }
};
export default snapshot;
