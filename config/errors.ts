/**
 * The one error model of the CLI and its runtimes, importing only the import-free redaction:
 * the dispatcher (bin/shelfstack.ts) and the sidecar runtimes use it without loading anything
 * else. It lives beside the loader because a sidecar image builds from config/ and its own
 * runtime only.
 * Errors are recognised by a marker field, not instanceof, because each command is its own
 * bundle with its own copy of the classes.
 */
import { redactSecrets } from "./redact";

/** Every exit code any shelfstack command or runtime returns, by what it means to the user. */
export const EXIT = { ok: 0, invalid: 1, internal: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const MEANING: Record<keyof typeof EXIT, string> = {
  ok: "done: what the command does or checks succeeded",
  invalid: "yours to fix: bad input (stack.yaml, a flag, a file), a service it cannot reach, or a check that failed; the message says what to change",
  internal: "a bug in shelfstack: the message carries the stack trace to report",
};

/** The table `shelfstack --help` prints and the README documents. */
export const EXIT_CODES: readonly { readonly name: keyof typeof EXIT; readonly code: ExitCode; readonly meaning: string }[] = (Object.keys(EXIT) as (keyof typeof EXIT)[]).map(
  (name) => ({ name, code: EXIT[name], meaning: MEANING[name] }),
);

/** The table as `--help` and the README show it. */
export function exitCodesHelp(): string {
  return ["Exit codes (every command):", ...EXIT_CODES.map((e) => `  ${e.code}  ${e.meaning}`)].join("\n");
}

/** One thing wrong with an input file: where (YAML path and line) and what to do about it. */
export interface Problem {
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/**
 * An error the user can fix (bad input, a missing file, an unreachable service, a lock held by
 * another run): printed without a stack trace, exit 1. Raised where the cause is known, so no
 * caller has to guess from the message. A file with several problems carries them one by one.
 */
export class UserError extends Error {
  /** The marker `isUserError` checks: each bundle has its own copy of this class. */
  readonly userFixable = true;
  override name = "UserError";
  /** The file the problems are in, when the error is about one. */
  readonly file?: string;
  readonly problems: readonly Problem[];

  constructor(message: string, options: { file?: string; problems?: readonly Problem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = options.file;
    this.problems = options.problems ?? [];
  }
}

/** A bad flag or argument. */
export class UsageError extends UserError {
  override name = "UsageError";
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && (error as Partial<UserError>).userFixable === true;
}

export interface FailureOptions {
  /** Put before each message: the command's name (default "shelfstack"). */
  readonly prefix?: string;
  /** Where the report goes (default stderr), one call per message. */
  readonly print?: (text: string) => void;
  /** Take the credentials out of every URL in a user error's message too (a bug's always are). */
  readonly redact?: boolean;
}

/** The one failure printer: reports an error and returns its exit code from the table. */
export function failure(error: unknown, options: FailureOptions = {}): ExitCode {
  const prefix = options.prefix ?? "shelfstack";
  const out = options.print ?? ((text: string) => console.error(text));
  // A bug's report can hold anything (a connection string, a URL with a token): never a
  // credential. A user error's text is written where it is raised; a command whose errors quote
  // what a tool or server said asks for the same redaction.
  const print = (text: string, always = false) => out(always || options.redact ? redactSecrets(text) : text);
  if (isUserError(error)) {
    if (error.file && error.problems.length > 0) {
      print(`${error.file} has ${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}:`);
      print(error.message);
    } else print(`${prefix}: ${error.message}`);
    return EXIT.invalid;
  }
  const denied = fileDenied(error);
  if (denied) {
    print(`${prefix}: ${denied}`);
    return EXIT.invalid;
  }
  print(`${prefix}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, true);
  return EXIT.internal;
}

/**
 * A folder this user may not write is the user's to fix, not a bug: typically the bundled example's
 * server paths (/srv/shelfstack/…) tried on a laptop as a normal user.
 */
function fileDenied(error: unknown): string | undefined {
  const e = error as { code?: unknown; path?: unknown; syscall?: unknown };
  if ((e?.code !== "EACCES" && e?.code !== "EPERM" && e?.code !== "EROFS") || typeof e.path !== "string") return undefined;
  const what = e.code === "EROFS" ? "is on a read-only file system" : "is not yours to write (permission denied)";
  return `${e.path} ${what} — stack.yaml's server paths (e.g. /srv/shelfstack) are the server's: on this machine run as a user who may write there, or point the command at a folder of yours (its --help names the flag)`;
}
