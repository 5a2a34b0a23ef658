import { mkdir, stat, utimes, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { requestScans, type LibraryKind } from "./abs";
import { ingestAudiobook } from "./audiobooks";
import { Calibre, CALIBRE, type CalibreTools } from "./calibre";
import { fail, type Context } from "./context";
import { ingestEbooks } from "./ebooks";
import { recoverBatch } from "./recover";
import { SUPPORTED_TEXT } from "./formats";
import type { IngestOptions } from "./options";
import { Report } from "./report";
import { scanIngest } from "./scan";
import { PENDING_SCANS, StateDir } from "./state";
import { lockIngest } from "./lock";
import { UserError } from "../../config/errors";

/** The ingest run cannot start: a folder is missing, Calibre is absent or locked. */
export class IngestUnavailable extends UserError {}

/** What a pass needs from its surroundings; tests swap the clock and the tools. */
export interface Deps {
  readonly tools?: CalibreTools;
  readonly now?: () => number;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

/** One pass over the ingest folder: recover, list, file ebooks and audiobooks, fail the rest, ask for scans. */
export async function ingestPass(opts: IngestOptions, deps: Deps = {}): Promise<Report> {
  const log = deps.log ?? ((line: string) => console.error(`ingest: ${line}`));
  const isDir = await stat(opts.ingestDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new IngestUnavailable(`the ingest folder ${opts.ingestDir} does not exist — create it, or pass --from`);
  const state = new StateDir(opts.ingestDir);
  const unlock = await lockIngest(state.dir);
  try {
    return await lockedPass(opts, deps, state, log);
  } finally {
    await unlock();
  }
}

async function lockedPass(opts: IngestOptions, deps: Deps, state: StateDir, log: (line: string) => void): Promise<Report> {
  for (const dir of [opts.libraryDir, opts.audiobooksDir, opts.failedDir]) await mkdir(dir, { recursive: true });
  const beat = heartbeat(opts.heartbeat);
  await beat();

  const report = new Report();
  const ctx: Context = {
    ingestDir: opts.ingestDir,
    audiobooksDir: opts.audiobooksDir,
    failedDir: opts.failedDir,
    calibre: new Calibre(opts.libraryDir, deps.tools ?? CALIBRE),
    state,
    report,
    log: (line) => {
      log(line);
      void beat();
    },
    fetchMetadata: opts.fetchMetadata,
    batchSize: opts.batchSize,
    changed: new Set(),
  };

  await recoverBatch(ctx);
  const own = [opts.libraryDir, opts.audiobooksDir, opts.failedDir].map((d) => resolve(d));
  const { ready, waiting } = await scanIngest(resolve(opts.ingestDir), (deps.now ?? Date.now)(), opts.stableSeconds * 1000, own);
  for (const name of waiting) report.add("waiting", name, `changed in the last ${opts.stableSeconds} s, or still being copied in; left for a later pass`);
  for (const unit of ready.filter((u) => u.kind === "other")) {
    await fail(ctx, unit.path, unit.name, `not a book shelfstack can file — it takes ${SUPPORTED_TEXT}`);
  }
  await ingestEbooks(
    ctx,
    ready.filter((u) => u.kind === "ebook"),
  );
  for (const unit of ready.filter((u) => u.kind === "audiobook")) await ingestAudiobook(ctx, unit);

  await askForScans(opts, ctx, deps.env ?? process.env);
  return report;
}

/** Scans owed from this pass and earlier ones (kept on disk, so a restart still asks). */
async function askForScans(opts: IngestOptions, ctx: Context, env: NodeJS.ProcessEnv): Promise<void> {
  const owed = new Set<LibraryKind>([...((await ctx.state.read<LibraryKind[]>(PENDING_SCANS)) ?? []), ...ctx.changed]);
  if (owed.size === 0) return;
  if (!opts.absUrl) {
    if (ctx.changed.size > 0) ctx.report.notes.push("Audiobookshelf was not asked to scan (no --abs-url); it finds the books on its own next scan");
    return;
  }
  const pending = await requestScans({ url: opts.absUrl, folders: opts.absFolders, env }, [...owed].sort(), ctx.log);
  if (pending.length > 0) {
    ctx.report.notes.push(`Audiobookshelf scan of ${pending.join(" and ")} postponed (see the log); asked again on the next pass`);
    await ctx.state.write(PENDING_SCANS, pending);
  } else await ctx.state.remove(PENDING_SCANS);
}

/** Touches the heartbeat file (created if missing); a no-op without one. */
function heartbeat(file: string | undefined): () => Promise<void> {
  return async () => {
    if (!file) return;
    const now = new Date();
    await utimes(file, now, now).catch(() => writeFile(file, "").catch(() => undefined));
  };
}
