import source from "../../templates/abs-key-entrypoint.sh.hbs";
import { shellTemplate, type ShellPart } from "../../templates/shell";

export type { ShellPart } from "../../templates/shell";

export interface AbsKeyEntrypointSettings {
  /** What the script starts, for its comments and messages, e.g. "abs-opds". */
  readonly service: string;
  /**
   * Variables to build from the key (available as ABS_API_KEY) and the container's environment,
   * e.g. OPDS_USERS = [{env: "OPDS_USER"}, ":", {env: "ABS_API_KEY"}, ":", {env: "OPDS_PASSWORD"}].
   */
  readonly exports: Readonly<Record<string, readonly ShellPart[]>>;
}

/**
 * The entrypoint that hands a third-party image the Audiobookshelf API key `shelfstack bootstrap`
 * wrote to $ABS_API_KEY_FILE. POSIX sh (the images are Alpine: busybox ash). It waits for the
 * file, exports the key, runs the image's own command (its arguments), forwards TERM/INT, and
 * exits 75 when the file changes so the restart policy starts the service again with the new key.
 */
export function renderAbsKeyEntrypoint(s: AbsKeyEntrypointSettings): string {
  const exports = Object.entries(s.exports)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, parts]) => ({ name, parts }));
  return template({ service: s.service, exports });
}

const template = shellTemplate<{ service: string; exports: { name: string; parts: readonly ShellPart[] }[] }>(source);
