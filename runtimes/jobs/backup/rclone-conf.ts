import { UserError } from "../../../config/errors";

/** The two remotes the backup uses, read from the rendered rclone.conf. */
export interface BackupRemotes {
  /** The crypt remote the library is synced to. */
  readonly crypt: string;
  /** The remote the crypt remote stores its files on (Koofr). */
  readonly storage: string;
  /** Where on it: the crypt remote's `remote`, e.g. koofr:shelfstack-backup. */
  readonly target: string;
}

export class RcloneConfError extends UserError {}

/** Sections of an INI file, as rclone reads it: `[name]`, `key = value`, `#` and `;` comments. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1].trim(), current);
      continue;
    }
    const eq = line.indexOf("=");
    if (eq > 0 && current) current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

/**
 * Finds the crypt remote and the remote below it by their types, not by name, so the file (and a
 * test's local stand-in for Koofr) decides. Exactly one crypt remote is expected.
 */
export function backupRemotes(text: string, file = "rclone.conf"): BackupRemotes {
  const sections = parseIni(text);
  const crypts = [...sections].filter(([, s]) => s.get("type") === "crypt");
  if (crypts.length !== 1) throw new RcloneConfError(`${file} has ${crypts.length} crypt remotes, the backup expects exactly one`);
  const [crypt, section] = crypts[0];
  const target = section.get("remote") ?? "";
  const storage = /^([^:]+):/.exec(target)?.[1];
  if (!storage || !sections.has(storage)) {
    throw new RcloneConfError(`${file}: the crypt remote [${crypt}] must sit on another remote of the file (remote = <name>:<folder>)`);
  }
  return { crypt, storage, target };
}
