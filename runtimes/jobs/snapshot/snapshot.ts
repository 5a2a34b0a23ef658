import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { copyStable, hashSource, UnstableSourceError } from "./copy";
import { GitError, SnapshotRepo } from "./git";
import { acquireLock, LockedError } from "../lock";
import { DB_NAME, type StatisticsSource } from "./sources";
import { commitMessage, summarize, summaryJson, type Summary } from "./summary";
import { DamagedDatabaseError, verifyAndVacuum } from "./verify";

export interface SnapshotOptions {
  readonly sources: readonly StatisticsSource[];
  /** The git repository of snapshots (created on first run). */
  readonly repo: string;
  /** The commit's date. @default now */
  readonly now?: Date;
  readonly log: (line: string) => void;
}

export type Outcome = "committed" | "unchanged" | "nothing yet" | "failed";

export interface SourceResult {
  readonly name: string;
  readonly outcome: Outcome;
  /** Why it failed: the last good snapshot is kept. */
  readonly reason?: string;
  readonly summary?: Summary;
}

export interface SnapshotResult {
  /** The new commit, when anything changed. */
  readonly commit?: string;
  readonly sources: readonly SourceResult[];
}

/** Per reader: the hash of the source bytes last snapshotted and the blob they gave (lets an unchanged night skip all work). */
type State = Record<string, { source: string; blob: string }>;

function readState(file: string): State {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as State;
  } catch {
    return {};
  }
}

function writeState(file: string, state: State): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
}

const EXPECTED = [DamagedDatabaseError, UnstableSourceError];

/**
 * The nightly statistics snapshot. For each reader: copy statistics.sqlite3 (+ -wal) out of the
 * synced folder, let SQLite replay the WAL, require a clean integrity_check, VACUUM INTO a single
 * file; then one commit with every reader whose snapshot changed. A damaged or unstable source
 * fails that reader only — its last good snapshot stays — and nothing of it reaches the branch.
 */
export async function runSnapshot(options: SnapshotOptions): Promise<SnapshotResult> {
  const { log } = options;
  // A reader's name is a folder of the repository: one plain path segment.
  const bad = options.sources.find((s) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s.name));
  if (bad) throw new GitError(`"${bad.name}" cannot name a reader's folder — use letters, digits, ., _ and -`);
  const repo = SnapshotRepo.open(options.repo);
  const release = acquireLock(join(repo.privateDir, "lock"), "another snapshot is running");
  const work = join(repo.privateDir, "work");
  const stateFile = join(repo.privateDir, "state.json");
  try {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    // An earlier run may have died after moving the branch: the working tree catches up first.
    repo.syncWorktree(work);
    const state = readState(stateFile);
    const head = repo.head();
    const results: SourceResult[] = [];
    const updates: { path: string; blob: string }[] = [];
    const ready = new Map<string, string>();
    const changes: { reader: string; before?: Summary; after: Summary }[] = [];

    for (const source of options.sources) {
      const dbPath = `${source.name}/${DB_NAME}`;
      const jsonPath = `${source.name}/statistics.json`;
      const headBlob = repo.blobAt(head, dbPath);
      try {
        if (!existsSync(join(source.dir, DB_NAME))) {
          if (headBlob) throw new DamagedDatabaseError(`${DB_NAME} is gone from ${source.dir}`);
          log(`snapshot: ${source.name}: no ${DB_NAME} in ${source.dir} yet (the reader has not synced)`);
          results.push({ name: source.name, outcome: "nothing yet" });
          continue;
        }
        // Fast path: the very bytes snapshotted last time, and that snapshot is the branch's.
        const known = state[source.name];
        if (known && headBlob && known.blob === headBlob && known.source === hashSource(source.dir)) {
          log(`snapshot: ${source.name}: unchanged since the last snapshot`);
          results.push({ name: source.name, outcome: "unchanged" });
          continue;
        }
        const dir = join(work, source.name);
        mkdirSync(dir, { recursive: true });
        const sourceHash = await copyStable(source.dir, dir);
        const snapshot = join(dir, "snapshot.sqlite3");
        verifyAndVacuum(join(dir, DB_NAME), snapshot);
        const blob = repo.hashFile(snapshot);
        state[source.name] = { source: sourceHash, blob };
        if (blob === headBlob) {
          log(`snapshot: ${source.name}: content unchanged since the last snapshot`);
          results.push({ name: source.name, outcome: "unchanged" });
          continue;
        }
        const after = summarize(snapshot);
        const before = head && headBlob && repo.blobAt(head, jsonPath) ? (JSON.parse(repo.catText(head, jsonPath)) as Summary) : undefined;
        const json = join(dir, "statistics.json");
        writeFileSync(json, summaryJson(after));
        updates.push({ path: dbPath, blob }, { path: jsonPath, blob: repo.hashFile(json) });
        ready.set(dbPath, snapshot).set(jsonPath, json);
        changes.push({ reader: source.name, before, after });
        results.push({ name: source.name, outcome: "committed", summary: after });
      } catch (error) {
        if (!EXPECTED.some((E) => error instanceof E)) throw error;
        delete state[source.name];
        const reason = `${source.name}: ${(error as Error).message} — the last good snapshot is kept`;
        log(`snapshot: FAILED ${reason}`);
        results.push({ name: source.name, outcome: "failed", reason });
      }
    }

    let commit: string | undefined;
    if (updates.length) {
      const message = commitMessage(changes);
      commit = repo.commit(head, updates, message, options.now);
      repo.advance(commit, head);
      log(`snapshot: committed ${commit.slice(0, 12)} ${message.split("\n")[0]}`);
      repo.syncWorktree(work, ready);
      if (repo.packWhenLarge()) log("snapshot: packed the repository");
    }
    writeState(stateFile, state);
    return { commit, sources: results };
  } finally {
    rmSync(work, { recursive: true, force: true });
    release();
  }
}

export { GitError, LockedError };
