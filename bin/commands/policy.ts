import { readFileSync } from "node:fs";
import { loadFromArgs, parse, UsageError, type Command } from "../cli";
import { evaluatePolicy, type Evaluation } from "../../constructs/tailscale/policy/evaluate";
import { generatePolicy, policyPropsFromConfig } from "../../constructs/tailscale/policy/generate";
import { HujsonError, parseHujson } from "../../constructs/tailscale/policy/hujson";
import { describeSource, formatEvaluation, table } from "../../constructs/tailscale/policy/report";
import type { TailnetPolicy } from "../../constructs/tailscale/policy/types";

// Loads no cdktf: the policy model is plain TypeScript, so this answers in a blink.
const HELP = `usage: shelfstack policy test [file] [-c stack.yaml] [-v]

Runs the tailnet policy's tests offline, against its acls/grants, groups, tags, hosts, postures
and autogroups — the checks Tailscale runs when the policy is applied, before any apply.
  file   a policy file (HuJSON), e.g. cdktf.out/tailscale/policy.hujson; without it, the policy
         generated from stack.yaml (-c, else ./stack.yaml, else the bundled example)
  -v     list every test case, not only the failing ones
Exit 0 when every test passes, 1 with a table of each failing case.`;

const policy: Command = (args) => {
  const { values, positionals } = parse(args, { config: { type: "string", short: "c" }, verbose: { type: "boolean", short: "v" } }, HELP);
  const [sub, file, ...extra] = positionals;
  if (sub !== "test") throw new UsageError(`${sub ? `unknown subcommand "${sub}"` : "say what to do"}\n\n${HELP}`);
  if (extra.length) throw new UsageError(`one policy file at most, got ${[file, ...extra].join(" ")}`);
  if (file && values.config) throw new UsageError("give a policy file or -c stack.yaml, not both");

  const source = file ? readPolicyFile(file) : policyFromStack(values.config);
  const evaluation = evaluatePolicy(source.policy);
  if (values.verbose) console.log(allCases(evaluation) + "\n");
  const report = formatEvaluation(evaluation);
  if (evaluation.ok) {
    console.log(`${source.name}: ${report}`);
    return 0;
  }
  console.error(`${source.name}: the policy fails its tests\n\n${report}`);
  return 1;
};
export default policy;

function readPolicyFile(file: string): { name: string; policy: TailnetPolicy } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`${file}: no such file`);
  }
  try {
    const value = parseHujson(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new UsageError(`${file}: a policy file is one object ({ … })`);
    return { name: file, policy: value as TailnetPolicy };
  } catch (error) {
    if (error instanceof HujsonError) throw new UsageError(`${file}:${error.line}:${error.column}: not valid HuJSON: ${error.message.replace(/^line \d+, column \d+: /, "")}`);
    throw error;
  }
}

function policyFromStack(config: string | undefined): { name: string; policy: TailnetPolicy } {
  return { name: "the policy generated from stack.yaml", policy: generatePolicy(policyPropsFromConfig(loadFromArgs(config))).policy };
}

function allCases(e: Evaluation): string {
  return table(
    ["TEST", "FROM", "EXPECTED", "TO", "RESULT"],
    e.cases.map((c) => [`tests[${c.test}]`, describeSource(c), c.expect, c.dst, `${c.ok ? "pass" : "FAIL"}: ${c.reason}`]),
  );
}
