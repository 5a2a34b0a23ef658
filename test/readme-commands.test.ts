import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, shelfstack, tmp } from "./helpers/cli";

/**
 * The README keeps its promises: every `shelfstack` command line in its shell blocks names a
 * command and flags the CLI has, and the ones that can run on this machine, run.
 */
interface CommandLine {
  readonly line: string;
  /** The words after `shelfstack`, quotes removed. */
  readonly args: string[];
}

function shellLines(readme: string): string[] {
  const blocks = [...readme.matchAll(/```(?:sh|bash|console)\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((b) => b.split("\n")).map((l) => l.trim());
}

/** `shelfstack …`, `node dist/shelfstack.js …` and `docker exec jobs shelfstack …` lines, without comments. */
function commandLines(readme: string): CommandLine[] {
  const found: CommandLine[] = [];
  for (const raw of shellLines(readme)) {
    const line = raw
      .replace(/\s+#\s.*$/, "")
      .replace(/^#.*$/, "")
      .trim();
    const m = /(?:^|\s|&&\s)(?:node dist\/shelfstack\.js|shelfstack)\s+(.*)$/.exec(line);
    if (!m) continue;
    const words = m[1].match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
    found.push({ line, args: words.map((w) => w.replace(/^["']|["']$/g, "")) });
  }
  return found;
}

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const lines = commandLines(readme);
const topHelp = shelfstack(["--help"]).stdout;
const commands = new Set([...topHelp.matchAll(/^ {2}(\S+)\s/gm)].map((m) => m[1]));

describe("the README's commands", () => {
  test("there are some", () => {
    expect(lines.length).toBeGreaterThan(10);
  });

  test.each(lines.map((l) => [l.line, l]))("%s — the command and every flag exist", (_, { args }) => {
    const [command] = args;
    if (command === "--help") return;
    expect(commands).toContain(command);
    const help = shelfstack([command, "--help"]);
    const helpText = help.stdout + help.stderr;
    for (const flag of args.filter((a) => /^--?[a-z]/.test(a)).map((a) => a.replace(/=.*$/, ""))) {
      if (flag === "--help" || flag === "-h") continue;
      expect([flag, helpText.includes(flag)]).toEqual([flag, true]);
    }
  });
});

/**
 * What runs on any machine, without a server: the bundled example, in a fresh directory, after
 * `npm run synth`'s synth. A line with a placeholder (…, <…>, XXXX) is for the reader to fill in.
 */
const RUNS_HERE = /^(validate|schema|policy test|synth|env|jobs --list)\b/;
const runnable = lines.filter((l) => RUNS_HERE.test(l.args.join(" ")) && !/…|<|>|XXXX|\$\(|\|/.test(l.line) && !/-c\s/.test(l.line));

describe("the README's commands that run on any machine", () => {
  const cwd = tmp();
  beforeAll(() => {
    expect(shelfstack(["synth"], { cwd }).status).toBe(0);
  });
  test.each(runnable.map((l) => [l.line, l]))("%s", (_, { args }) => {
    const r = shelfstack(args, { cwd, env: { CI: process.env.CI } });
    // `env --check` is meant to fail while secrets are unset; everything else succeeds.
    const expected = args[0] === "env" && args.includes("--check") ? 1 : 0;
    expect([r.status, r.stderr]).toEqual([expected, expect.anything()]);
  });
});
