import { basename, resolve } from "node:path";
import { EXIT, loadFromArgs, parse, type Command } from "../cli";
import { GitError, LockedError, runSnapshot } from "../../runtimes/jobs/snapshot/snapshot";
import { statisticsSources } from "../../runtimes/jobs/snapshot/sources";
import { books, readTime } from "../../runtimes/jobs/snapshot/summary";

const HELP = `usage: shelfstack snapshot [-c stack.yaml] [--from <settings dir> [--name <reader>]] [--repo <git dir>]

Copies each reader's KOReader statistics.sqlite3 (and its -wal) out of the folder Syncthing
receives it in — never writing there — checks it (PRAGMA integrity_check), and commits a
single-file copy to the snapshot git repository when its content changed. A damaged or half-synced
database fails that reader and keeps its last good snapshot.

  --from   one KOReader settings folder (default: every reader's, from stack.yaml)
  --name   the reader's folder in the repository (default: the --from folder's name)
  --repo   the snapshot repository, created on first use (default: server.paths.snapshots)

Exit 0: every reader snapshotted or unchanged. 1: a reader's database was damaged or unstable
(one line each), or the repository could not be used. 2: a bug.`;

const snapshot: Command = async (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, from: { type: "string" }, name: { type: "string" }, repo: { type: "string" } }, HELP);
  if (values.name && !values.from) {
    console.error("shelfstack snapshot: --name goes with --from");
    return EXIT.invalid;
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
    if (!(error instanceof GitError || error instanceof LockedError)) throw error;
    console.error(`shelfstack snapshot: ${error.message}`);
    return EXIT.invalid;
  }
};
export default snapshot;
