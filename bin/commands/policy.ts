import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { EXIT, findExample, loadFromArgs, parse, stackFile, UsageError, type Command, type ExitCode } from "../cli";
import { locateProblems, StackError } from "../../config/load";
import { evaluatePolicy, type Evaluation } from "../../constructs/tailscale/policy/evaluate";
import { commentNote, generatePolicy, policyPropsFromConfig, type GeneratedPolicy } from "../../constructs/tailscale/policy/generate";
import { HujsonError, parseHujson } from "../../constructs/tailscale/policy/hujson";
import { BasePolicyError, readBasePolicy } from "../../constructs/tailscale/policy/merge";
import { describeSource, formatEvaluation, table } from "../../constructs/tailscale/policy/report";
import type { TailnetPolicy } from "../../constructs/tailscale/policy/types";
import { policyProblems } from "../../constructs/tailscale/policy-errors";

// Loads no cdktf: the policy model is plain TypeScript, so this answers in a blink.
const HELP = `usage: shelfstack policy test [file] [-c stack.yaml] [-v]
       shelfstack policy import <exported policy file> [-c stack.yaml]

test    Runs the tailnet policy's tests and sshTests offline, against its acls/grants and ssh
        rules, groups, tags, hosts, postures and autogroups — what Tailscale checks when the
        policy is applied, before any apply.
          file  a policy file (HuJSON), e.g. cdktf.out/tailscale/policy.hujson; without it, the
                policy generated from stack.yaml (-c, else ./stack.yaml, else the bundled example)
          -v    list every test case, not only the failing ones
        Exit 0 when every case passes, 1 with a table of each failing or undecidable case.
import  Checks a policy file exported from the admin console (Access controls, Edit file) as
        tailnet.basePolicy: what it keeps, what shelfstack adds, and whether the merged policy
        passes. Exit 0 when it can be used as it is, 1 with what to change.`;

const policy: Command = (args) => {
  const { values, positionals } = parse(args, { config: { type: "string", short: "c" }, verbose: { type: "boolean", short: "v" } }, HELP);
  const [sub, file, ...extra] = positionals;
  if (sub === "import") return importPolicy(file, extra, values.config);
  if (sub !== "test") throw new UsageError(`${sub ? `unknown subcommand "${sub}"` : "say what to do"}\n\n${HELP}`);
  if (extra.length) throw new UsageError(`one policy file at most, got ${[file, ...extra].join(" ")}`);
  if (file && values.config) throw new UsageError("give a policy file or -c stack.yaml, not both");

  const source = file ? readPolicyFile(file) : policyFromStack(values.config);
  const evaluation = evaluatePolicy(source.policy, { offlineTests: source.offlineTests });
  if (values.verbose) console.log(allCases(evaluation) + "\n");
  const report = formatEvaluation(evaluation);
  if (evaluation.ok) {
    console.log(`${source.name}: ${report}`);
    return EXIT.ok;
  }
  console.error(`${source.name}: the policy fails its tests\n\n${report}`);
  return EXIT.invalid;
};
export default policy;

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`${file}: no such file`);
  }
}

function readPolicyFile(file: string): { name: string; policy: TailnetPolicy; offlineTests?: never } {
  const text = readText(file);
  try {
    const value = parseHujson(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new UsageError(`${file}: a policy file is one object ({ … })`);
    return { name: file, policy: value as TailnetPolicy };
  } catch (error) {
    if (error instanceof HujsonError) throw new UsageError(`${file}:${error.line}:${error.column}: not valid HuJSON: ${error.message.replace(/^line \d+, column \d+: /, "")}`);
    throw error;
  }
}

function policyFromStack(config: string | undefined): { name: string; policy: TailnetPolicy; offlineTests: GeneratedPolicy["offlineTests"] } {
  const loaded = loadFromArgs(config);
  try {
    const generated = generatePolicy(policyPropsFromConfig(loaded));
    return { name: "the policy generated from stack.yaml", policy: generated.policy, offlineTests: generated.offlineTests };
  } catch (error) {
    throw locateProblems(error, loaded.source);
  }
}

/** `policy import`: what tailnet.basePolicy would keep and add, and whether the merge passes. */
function importPolicy(file: string | undefined, extra: string[], config: string | undefined): ExitCode {
  if (!file) throw new UsageError(`name the exported policy file, e.g. shelfstack policy import tailnet-policy.hujson\n\n${HELP}`);
  if (extra.length) throw new UsageError(`one policy file, got ${[file, ...extra].join(" ")}`);
  const text = readText(file);
  const stack = stackFile(config, true);
  const example = findExample();
  const bundled = example !== undefined && resolve(stack) === resolve(example);
  // Without a stack.yaml of its own the user's will sit in the working directory.
  const relativeName = relative(bundled ? process.cwd() : dirname(resolve(stack)), resolve(file)) || file;
  const name = relativeName.startsWith(".") || relativeName.startsWith("/") ? relativeName : `./${relativeName}`;
  let base: TailnetPolicy;
  try {
    base = readBasePolicy({ file, text }).policy;
  } catch (error) {
    if (error instanceof BasePolicyError) throw new UsageError(error.message);
    throw error;
  }
  const loaded = loadFromArgs(config, true);
  const out: string[] = [];
  const counted = (key: string) => {
    const v = base[key];
    const n = Array.isArray(v) ? v.length : v && typeof v === "object" ? Object.keys(v).length : undefined;
    return n === undefined ? key : `${key} (${n})`;
  };
  let generated: GeneratedPolicy;
  try {
    generated = generatePolicy({ ...policyPropsFromConfig({ ...loaded, tailnet: { ...loaded.tailnet, basePolicy: undefined } }), basePolicy: { file: name, text } });
  } catch (error) {
    if (error instanceof StackError) {
      console.error(`${file} cannot be used as tailnet.basePolicy:\n${error.problems.map((p) => `  ${p.message}`).join("\n")}`);
      return EXIT.invalid;
    }
    throw error;
  }
  const summary = generated.base!;
  out.push(`${file}: ${Object.keys(base).length} sections, ${summary.comments} comment${summary.comments === 1 ? "" : "s"}.`);
  out.push(`\nKept byte for byte (shelfstack never touches them):\n  ${summary.kept.map(counted).join(", ") || "(none)"}`);
  out.push(`Kept, with shelfstack's entries added after the file's own:\n  ${summary.extended.map(counted).join(", ") || "(none)"}`);
  if (summary.added.length) out.push(`Added by shelfstack (the file has none):\n  ${summary.added.join(", ")}`);
  out.push(`Comments: ${commentNote(summary.comments)}.`);
  const ours = generatePolicy(policyPropsFromConfig({ ...loaded, tailnet: { ...loaded.tailnet, basePolicy: undefined } })).policy;
  out.push(
    `\nshelfstack adds (from ${bundled ? "the bundled example stack.yaml" : stack}):\n` +
      ["groups", "tagOwners", "postures", "hosts"]
        .filter((k) => ours[k] && Object.keys(ours[k] as object).length)
        .map((k) => `  ${k}: ${Object.keys(ours[k] as object).join(", ")}`)
        .join("\n") +
      `\n  acls: ${ours.acls?.length ?? 0} rules, after the file's ${summary.acls}\n  tests: ${ours.tests?.length ?? 0}, after the file's ${summary.tests}`,
  );
  const evaluation = evaluatePolicy(generated.policy, { offlineTests: generated.offlineTests });
  if (!evaluation.ok) {
    const { problems, internal } = policyProblems(evaluation, generated);
    console.log(out.join("\n"));
    console.error(
      `\nThe merged policy does not pass offline, so ${file} cannot be used as it is:\n` +
        [...problems.map((p) => `  ${p.message}`), ...internal.map((m) => `  ${m}`)].join("\n") +
        `\n\n${formatEvaluation(evaluation)}`,
    );
    return EXIT.invalid;
  }
  out.push(`\nThe merged policy passes offline: ${formatEvaluation(evaluation)}.`);
  out.push(
    `\nNext: in ${bundled ? "your stack.yaml" : stack} set\n  tailnet:\n    basePolicy: ${name}\n    overwriteExistingPolicy: true   # for the first apply: the merged policy keeps all of ${file}\n` +
      `and keep ${file} in the same repository; edit it there from now on, not in the admin console.`,
  );
  console.log(out.join("\n"));
  return EXIT.ok;
}

function allCases(e: Evaluation): string {
  return table(
    ["TEST", "FROM", "EXPECTED", "TO", "RESULT"],
    e.cases.map((c) => [`${c.section}[${c.test}]`, describeSource(c), c.expect, c.dst, `${c.ok ? "pass" : c.undecided ? "UNDECIDED" : "FAIL"}: ${c.reason}`]),
  );
}
