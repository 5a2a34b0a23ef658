import { spawn } from "node:child_process";
import { CLI } from "../helpers/cli";

export interface Session {
  readonly status: number | null;
  /** Everything the terminal showed: prompts, the echoed answers, messages. */
  readonly transcript: string;
  /** How many answers were typed (each only once its prompt was on screen). */
  readonly answered: number;
}

/**
 * Runs `shelfstack <args>` on a pseudo-terminal (util-linux `script`), typing each answer only
 * once the text before it has appeared — as a person at the terminal would.
 */
export function onTerminal(args: string[], answers: readonly (readonly [waitFor: string, answer: string])[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Session> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["pipe", "pipe", "pipe"] });
  let screen = "";
  let next = 0;
  let seen = 0;
  const typeWhatIsAsked = () => {
    while (next < answers.length) {
      const at = screen.indexOf(answers[next][0], seen);
      if (at < 0) return;
      seen = at + answers[next][0].length;
      child.stdin.write(`${answers[next][1]}\n`);
      next++;
    }
    child.stdin.end();
  };
  child.stdout.on("data", (d) => {
    screen += d;
    typeWhatIsAsked();
  });
  child.stderr.on("data", (d) => (screen += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30000);
  return new Promise((resolve) =>
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, transcript: screen.replace(/\r\n/g, "\n"), answered: next });
    }),
  );
}
