import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** What one rclone command did, from its JSON log. */
export interface RcloneOutcome {
  readonly code: number | null;
  /** rclone's final accounting (transfers, bytes, deletes, checks, errors …). */
  readonly stats: Readonly<Record<string, number>>;
  /** How many log lines carried each message ("Copied (new)", "Moved into backup dir", …). */
  readonly counts: Readonly<Record<string, number>>;
  /** Files moved server-side: during a sync with --backup-dir, those deleted or replaced, kept in the backup dir. */
  readonly moved: number;
  /** Error-level messages, for the one-line reason. */
  readonly errors: readonly string[];
}

interface LogLine {
  level?: string;
  msg?: string;
  object?: string;
  stats?: Record<string, number>;
}

/**
 * Runs rclone with `--use-json-log -v`: per-file lines are counted (a first backup of a large
 * library would otherwise flood the log), notices and errors are passed on, and the last stats
 * line gives the totals.
 */
export function runRclone(args: readonly string[], options: { env: NodeJS.ProcessEnv; log: (line: string) => void; rclone?: string }): Promise<RcloneOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.rclone ?? "rclone", [...args, "--use-json-log", "-v"], { env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stats: Record<string, number> = {};
    const counts: Record<string, number> = {};
    const errors: string[] = [];
    const moved = new Set<string>();
    const onLine = (line: string) => {
      let entry: LogLine;
      try {
        entry = JSON.parse(line) as LogLine;
      } catch {
        if (line.trim()) options.log(`rclone: ${line.trim()}`);
        return;
      }
      if (entry.stats) stats = entry.stats;
      const msg = (entry.msg ?? "").trim();
      if (entry.level === "error" || entry.level === "critical") {
        const text = entry.object ? `${entry.object}: ${msg}` : msg;
        errors.push(text);
        options.log(`rclone error: ${text}`);
      } else if (entry.level === "notice" || entry.level === "warning") {
        options.log(`rclone: ${entry.object ? `${entry.object}: ` : ""}${msg}`);
      } else if (entry.object && msg) {
        counts[msg] = (counts[msg] ?? 0) + 1;
        // rclone says "Moved (server-side)" for each, and "Moved into backup dir" only for deletions.
        if (msg.startsWith("Moved")) moved.add(entry.object);
      }
    };
    createInterface({ input: child.stdout }).on("line", onLine);
    createInterface({ input: child.stderr }).on("line", onLine);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stats, counts, moved: moved.size, errors }));
  });
}
