import { EXIT, failure, loadFromArgs, parse, UsageError, type Command } from "../cli";
import { runRestore } from "../../runtimes/jobs/restore/restore";
import { runDrill } from "../../runtimes/jobs/restore/verify";

const HELP = `usage: shelfstack restore --verify [--sample N] [-c stack.yaml] [--rclone-config file]
       shelfstack restore --to DIR [--path P] [--at DATE] [-c stack.yaml] [--rclone-config file]

--verify: the restore drill. Downloads N random files (default: backup.drill.sample) and every
file changed since the last drill from the encrypted Koofr remote, decrypts them with the
passwords in hand and compares them byte for byte with the library. A damaged or truncated
encrypted file, or a password that cannot read the backup, fails it by name.

--to DIR: restores into DIR, which must be new or empty and never a live folder:
  DIR/<folder>/…                 ebooks, audiobooks, snapshots as of the last backup
  DIR/deleted/<date>/<folder>/…  the files the backup kept when they were deleted or replaced
  --path P    one folder or a path below it: ebooks, audiobooks/Homer, snapshots
  --at DATE   the folder as it was then (YYYY-MM-DD = the end of that day, UTC; or an ISO time):
              files unchanged since, and the kept versions of those changed or deleted later

  --rclone-config  the rendered rclone.conf (default: $RCLONE_CONFIG, else out/rclone/rclone.conf)

For a reader's statistics database: shelfstack snapshot restore --reader <name> --to DIR.
Passwords come from the variables stack.yaml names (backup.koofr.password, backup.crypt.*).
Exit 0: done (every file verified). 1: a file did not come back intact, or bad input. 2: a bug.`;

/** A date alone means the end of that day (UTC), so that night's backup or snapshot is included. */
export function parseAt(text: string): Date {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const date = new Date(day ? `${text}T23:59:59Z` : text);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--at "${text}": write a date (2025-03-01) or an ISO time (2025-03-01T02:00:00Z)`);
  return date;
}

const restore: Command = async (args) => {
  const { values } = parse(
    args,
    {
      config: { type: "string", short: "c" },
      "rclone-config": { type: "string" },
      verify: { type: "boolean" },
      sample: { type: "string" },
      to: { type: "string" },
      path: { type: "string" },
      at: { type: "string" },
    },
    HELP,
  );
  if (!!values.verify === !!values.to) throw new UsageError(`give --verify or --to DIR (one of them)\n\n${HELP}`);
  if (values.verify && (values.path || values.at)) throw new UsageError("--path and --at go with --to");
  if (values.to && values.sample) throw new UsageError("--sample goes with --verify");
  const config = loadFromArgs(values.config);
  const rcloneConfig = values["rclone-config"] ?? process.env.RCLONE_CONFIG ?? "out/rclone/rclone.conf";
  const log = (line: string) => console.error(line);
  try {
    if (values.verify) {
      const sample = values.sample === undefined ? (config.backup?.drill.sample ?? 20) : Number(values.sample);
      if (!Number.isInteger(sample) || sample < 1) throw new UsageError(`--sample takes a whole number ≥ 1, got "${values.sample}"`);
      const result = await runDrill({ config, rcloneConfig, sample, log });
      console.log(
        `restore drill ok: ${result.verified} file(s) downloaded, decrypted and byte-identical to the library (${result.changedSinceLastDrill} changed since the last drill)`,
      );
      return EXIT.ok;
    }
    const result = await runRestore({ config, rcloneConfig, to: values.to!, path: values.path, at: values.at ? parseAt(values.at) : undefined, log });
    for (const f of result.folders) console.log(`${f.folder}: ${f.files} file(s) restored into ${values.to}`);
    if (result.fromDeleted) console.log(`${result.fromDeleted} file(s) from deleted/<date>${values.at ? " (versions current at that date)" : ` under ${values.to}/deleted/`}`);
    return EXIT.ok;
  } catch (error) {
    return failure(error, { prefix: "shelfstack restore" });
  }
};
export default restore;
