/**
 * Errors and exit codes, importing nothing but the import-free config/errors.ts: the dispatcher
 * (bin/shelfstack.ts) uses them without loading any command. Errors are recognised by name, not instanceof, because each command is
 * its own bundle with its own copy of the classes.
 */
export const EXIT = { ok: 0, invalid: 1, internal: 2 } as const;

export { UsageError } from "../config/errors";

interface StackErrorLike {
  name: "StackError";
  file: string;
  problems: readonly unknown[];
  message: string;
}

function isStackError(error: unknown): error is StackErrorLike {
  return error instanceof Error && error.name === "StackError" && Array.isArray((error as Partial<StackErrorLike>).problems);
}

/** Reports an error and returns its exit code. */
export function failure(error: unknown): number {
  if (isStackError(error)) {
    console.error(`${error.file} has ${error.problems.length} problem${error.problems.length === 1 ? "" : "s"}:`);
    console.error(error.message);
    return EXIT.invalid;
  }
  if (error instanceof Error && error.name === "UsageError") {
    console.error(`shelfstack: ${error.message}`);
    return EXIT.invalid;
  }
  const denied = fileDenied(error);
  if (denied) {
    console.error(`shelfstack: ${denied}`);
    return EXIT.invalid;
  }
  console.error(`shelfstack: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
