import { EXIT, failure, loadFromArgs, parse, type Command } from "../cli";
import { runBackup } from "../../runtimes/jobs/backup/backup";
import { redactSecrets } from "../../runtimes/redact";

const HELP = `usage: shelfstack backup [-c stack.yaml] [--rclone-config file]

Encrypted backup to Koofr: for each of backup.folders, \`rclone sync\` to the crypt remote, with
files deleted or replaced on the server moved to deleted/<date>_<time>/<folder> on the same
remote; then \`rclone cryptcheck\` of every folder. Passwords come from the environment variables
stack.yaml names and are obscured at start; rclone.conf holds none.

  --rclone-config  the rendered rclone.conf (default: $RCLONE_CONFIG, else cdktf.out/rclone/rclone.conf)

Exit 0: every folder synced and checked. 1: a folder failed (one line why; the others still ran),
or a secret is missing. 2: a bug.`;

const backup: Command = async (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, "rclone-config": { type: "string" } }, HELP);
  const config = loadFromArgs(values.config);
  const rcloneConfig = values["rclone-config"] ?? process.env.RCLONE_CONFIG ?? "cdktf.out/rclone/rclone.conf";
  try {
    const result = await runBackup({ config, rcloneConfig, log: (line) => console.error(redactSecrets(line)) });
    for (const f of result.folders) {
      console.log(`${f.folder}: ${f.skipped ?? `${f.transferred} uploaded, ${f.movedToBackupDir} kept in deleted/${result.stamp}`}`);
    }
    return EXIT.ok;
  } catch (error) {
    return failure(error, { prefix: "shelfstack backup", redact: true });
  }
};
export default backup;
