import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StackConfig } from "../../../config/resolve";
import type { DatabaseTarget } from "./db/database";
import { redactUrl } from "../../redact";
import type { KoreaderInput } from "./koreader/statistics";
import type { EtlOptions } from "./run";
import { UserError } from "../../../config/errors";

/** A problem with what the user asked for: one line, exit 1. */
export class EtlUsageError extends UserError {}

export interface EtlFlags {
  /** `--stats [device=]file`, repeatable. */
  readonly stats?: readonly string[];
  /** `--database <postgres url | directory>`. */
  readonly database?: string;
  readonly full?: boolean;
  /** With full: delete the sessions kept though their source no longer has them. */
  readonly prune?: boolean;
  /** stack.yaml is the bundled example (no stack of one's own): keep the embedded database here. */
  readonly exampleConfig?: boolean;
}

export interface ResolvedEtl {
  readonly options: EtlOptions;
  /** Sources left out, and why: printed, so an empty report explains itself. */
  readonly notes: readonly string[];
}

/** The statistics file the snapshot job keeps: `<repo>/statistics.sqlite3` or `<repo>/<device>/statistics.sqlite3`. */
export const STATISTICS_FILE = "statistics.sqlite3";
/** The device name of a statistics file that does not say whose it is. */
export const DEFAULT_DEVICE = "koreader";

/** Flags, stack.yaml and the environment → one run's options. Secrets come only from the environment. */
export function resolveEtl(config: StackConfig, flags: EtlFlags, env: NodeJS.ProcessEnv = process.env): ResolvedEtl {
  if (flags.prune && !flags.full) {
    throw new EtlUsageError("--prune removes what a full read no longer finds, so it needs --full: shelfstack etl --full --prune");
  }
  const notes: string[] = [];
  const etl = config.etl;

  const koreader = flags.stats?.length ? flags.stats.map(parseStats) : discoverSnapshots(config.server.paths.snapshots);
  if (koreader.length === 0) notes.push(`koreader: no ${STATISTICS_FILE} in ${config.server.paths.snapshots} yet (the snapshot job puts it there; or pass --stats)`);
  const devices = new Set<string>();
  for (const k of koreader) {
    if (devices.has(k.device)) throw new EtlUsageError(`two statistics files for device "${k.device}" — name them: --stats palma=a.sqlite3 --stats boox=b.sqlite3`);
    devices.add(k.device);
  }

  let audiobookshelf: EtlOptions["audiobookshelf"];
  if (etl.audiobookshelf) {
    const apiKey = absApiKey(env);
    if (apiKey) audiobookshelf = { url: etl.audiobookshelfUrl, apiKey };
    else notes.push("audiobookshelf: skipped — no API key (set ABS_API_KEY, or ABS_API_KEY_FILE to a file holding it)");
  } else notes.push("audiobookshelf: off in stack.yaml (etl.audiobookshelf)");

  let hardcover: EtlOptions["hardcover"];
  if (etl.hardcover) {
    const tokenEnv = config.shelfbridge.hardcoverToken.env;
    const token = env[tokenEnv]?.trim();
    if (token) hardcover = { url: etl.hardcoverUrl, token };
    else notes.push(`hardcover: skipped — ${tokenEnv} is not set`);
  } else notes.push("hardcover: off in stack.yaml (etl.hardcover)");

  return {
    options: {
      database: databaseTarget(config, flags, env),
      koreader,
      gapSeconds: etl.sessionGapSeconds,
      timeZone: config.server.timezone,
      full: flags.full ?? false,
      prune: flags.prune ?? false,
      audiobookshelf,
      hardcover,
    },
    notes,
  };
}

/** `--database`, else the connection string in etl.database's variable, else the embedded database. */
export function databaseTarget(config: StackConfig, flags: EtlFlags, env: NodeJS.ProcessEnv): DatabaseTarget {
  const source = flags.database !== undefined ? "--database" : config.etl.database.env;
  const value = flags.database ?? env[config.etl.database.env]?.trim();
  if (value) return classifyDatabase(value, source);
  // On the server: below <appdata>/jobs, the jobs container's writable state (mounted at the same path).
  const dir = config.etl.embeddedDir ?? (flags.exampleConfig ? "shelfstack-etl" : `${config.server.paths.appdata}/jobs/etl`);
  return { kind: "pglite", dir };
}

/**
 * Only postgres:// and postgresql:// are connection strings. Anything else with a scheme in front
 * (mysql://, a typo like postgress://, one slash) is refused rather than taken for a folder: that
 * folder would be named after the password and the run would report success.
 */
function classifyDatabase(value: string, source: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new EtlUsageError(
        `${source} ${redactUrl(value)} is not a valid postgres:// connection string — write postgres://user:password@host:5432/database (a password with @ : / ? # in it is percent-encoded)`,
      );
    }
    return { kind: "postgres", url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    throw new EtlUsageError(
      `${source} ${redactUrl(value)} is not a Postgres connection string — only postgres://… or postgresql://… is one; for a folder of the embedded database whose name holds a colon, start it with ./`,
    );
  }
  return { kind: "pglite", dir: value };
}

/** ABS_API_KEY, or the file ABS_API_KEY_FILE names (how `shelfstack bootstrap` hands keys over). */
export function absApiKey(env: NodeJS.ProcessEnv): string | undefined {
  const direct = env.ABS_API_KEY?.trim();
  if (direct) return direct;
  const file = env.ABS_API_KEY_FILE?.trim();
  if (!file) return undefined;
  if (!existsSync(file)) throw new EtlUsageError(`ABS_API_KEY_FILE names ${file}, which does not exist — has \`shelfstack bootstrap\` run?`);
  return readFileSync(file, "utf8").trim() || undefined;
}

function parseStats(arg: string): KoreaderInput {
  const m = /^([a-z0-9][a-z0-9-]*)=(.+)$/.exec(arg);
  const input = m ? { device: m[1], path: m[2] } : { device: DEFAULT_DEVICE, path: arg };
  if (!existsSync(input.path)) throw new EtlUsageError(`--stats ${arg}: no such file`);
  return input;
}

/** The snapshot repository's statistics files: at its top (one reader) or one directory per device. */
export function discoverSnapshots(repo: string): KoreaderInput[] {
  if (!existsSync(repo)) return [];
  const found: KoreaderInput[] = [];
  if (existsSync(join(repo, STATISTICS_FILE))) found.push({ device: DEFAULT_DEVICE, path: join(repo, STATISTICS_FILE) });
  for (const name of readdirSync(repo).sort()) {
    if (name.startsWith(".")) continue;
    const file = join(repo, name, STATISTICS_FILE);
    if (statSync(join(repo, name)).isDirectory() && existsSync(file)) found.push({ device: name, path: file });
  }
  return found;
}
