/**
 * An error the user can fix (bad flag, missing or unreadable file, an output path synth must not
 * touch): printed as one line, exit 1. Here in config/ so the loader and synth can raise it without
 * importing bin/; bin/errors.ts re-exports it and recognises it by name.
 */
export class UsageError extends Error {
  override name = "UsageError";
}
