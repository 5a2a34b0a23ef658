import { parse, type Command } from "../cli";
import restore from "./restore";

const HELP = `usage: shelfstack restore-drill [-c stack.yaml] [--rclone-config file]

The scheduled restore drill (backup.drill in stack.yaml): shelfstack restore --verify with the
configured sample size. Its status file is what \`shelfstack doctor\` reports as "job restore-drill".`;

const drill: Command = async (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, "rclone-config": { type: "string" } }, HELP);
  return restore(["--verify", ...(values.config ? ["-c", values.config] : []), ...(values["rclone-config"] ? ["--rclone-config", values["rclone-config"]] : [])]);
};
export default drill;
