import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { optionsFrom, type IngestOptions } from "../../runtimes/ingest/options";

export interface Workspace {
  readonly root: string;
  readonly ingest: string;
  readonly library: string;
  readonly audiobooks: string;
  readonly failed: string;
  options(extra?: Partial<IngestOptions>): IngestOptions;
  cleanup(): void;
}

/** Fresh ingest/library/audiobooks/failed folders below one temporary directory. */
export function workspace(prefix = "ingest-"): Workspace {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const ws = {
    root,
    ingest: join(root, "ingest"),
    library: join(root, "library"),
    audiobooks: join(root, "audiobooks"),
    failed: join(root, "failed"),
    options: (extra: Partial<IngestOptions> = {}) =>
      ({
        ...optionsFrom({ from: ws.ingest, library: ws.library, audiobooks: ws.audiobooks, failed: ws.failed, once: true, stable: "0" }, {}, {}),
        ...extra,
      }) as IngestOptions,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  mkdirSync(ws.ingest, { recursive: true });
  return ws;
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Every file below dir (relative path → SHA-256), hidden ones included. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).isFile()) out[relative(dir, p)] = sha256(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** A quiet log for passes under test; the lines are kept for assertions. */
export function captureLog(): { lines: string[]; log: (line: string) => void } {
  const lines: string[] = [];
  return { lines, log: (line) => lines.push(line) };
}

/**
 * calibredb for the tests' own checks and set-ups. calibredb takes one lock per user for the
 * whole machine, and jest runs two suites at once: wait the other one out, as the runtime does.
 */
export function calibredb(args: string[]): string {
  for (let attempt = 0; ; attempt++) {
    const r = spawnSync("calibredb", args, { encoding: "utf8" });
    if (r.status === 0) return r.stdout;
    if (!/Another calibre program/.test(r.stderr) || attempt > 200) throw new Error(`calibredb ${args.join(" ")} failed: ${r.stderr}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  }
}
