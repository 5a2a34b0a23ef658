import type { Problem } from "../../config/load";
import type { CaseResult, Evaluation } from "./policy/evaluate";
import type { GeneratedPolicy } from "./policy/generate";
import { describeSource } from "./policy/report";

/**
 * Turns a failed evaluation of the generated policy into stack.yaml problems: each names the
 * tailnet.extraAcls[i] / extraTests[i] entry at fault — or the entry of the tailnet.basePolicy
 * file — the failing case, and the fix. A failure neither explains is the generator's bug,
 * returned as `internal`.
 */
export function policyProblems(evaluation: Evaluation, generated: GeneratedPolicy): { problems: Problem[]; internal: string[] } {
  const problems: Problem[] = [];
  const internal: string[] = [];
  const { acls, tests } = generated.fromStackYaml;
  const base = generated.base;
  const testCount = generated.policy.tests?.length ?? 0;
  /** Where an entry of the merged policy came from: a stack.yaml path, the base file, or the generator. */
  const origin = (where: string): { path: string; inBase?: string } | undefined => {
    const m = /^(acls|tests)\[(\d+)\](.*)$/.exec(where);
    if (m) {
      const index = Number(m[2]);
      const yamlIndex = (m[1] === "acls" ? acls : tests).get(index);
      if (yamlIndex !== undefined) return { path: `tailnet.${m[1] === "acls" ? "extraAcls" : "extraTests"}[${yamlIndex}]${m[3]}` };
      if (base && index < (m[1] === "acls" ? base.acls : base.tests)) return { path: "tailnet.basePolicy", inBase: `${base.file} ${where}` };
      return undefined;
    }
    const named = /^(?:groups|tagOwners|postures|hosts)\["([^"]+)"\]/.exec(where);
    if (base && named && base.names.has(named[1])) return { path: "tailnet.basePolicy", inBase: `${base.file} ${where}` };
    // Everything else of the merged policy (grants, ssh, sshTests, nodeAttrs, …) is the base file's own.
    if (base && !/^(groups|tagOwners|postures|hosts|offline check)/.test(where)) return { path: "tailnet.basePolicy", inBase: `${base.file} ${where}` };
    return undefined;
  };
  for (const p of evaluation.problems) {
    const from = origin(p.where);
    if (from?.inBase) problems.push({ path: from.path, message: `${from.inBase}: ${p.message} — fix it in the file (Tailscale would refuse the policy)` });
    else if (from) problems.push({ path: from.path, message: `${p.message} — define it in tailnet.extraGroups, extraTagOwners or extraHosts, or fix the entry` });
    else internal.push(`${p.where}: ${p.message}`);
  }
  for (const f of evaluation.failures) {
    const what = `${describeSource(f)} → ${f.dst}`;
    const testWhere = `${f.section}[${f.test}]`;
    const promise = f.section === "tests" && f.test >= testCount ? "the stack's offline check that the server opens no connection to a reader" : `generated test ${testWhere}`;
    const test = f.section === "tests" && f.test >= testCount ? undefined : origin(testWhere);
    if (test) {
      const fix = f.expect === "accept" ? "add the rule it needs" : f.expect === "check" ? "make the ssh rule a check rule" : "narrow the rule that opens it";
      problems.push({ path: test.path, message: `${test.inBase ? `${test.inBase}: ` : ""}expects ${f.expect} for ${what}, but ${f.reason} — fix the test, or ${fix}` });
      continue;
    }
    const culprits = culpritsOf(f, origin);
    if (f.expect === "deny" && culprits.length) {
      for (const c of culprits) {
        problems.push({
          path: c.path,
          message: `${c.inBase ? `${c.inBase} ` : ""}opens ${what}, which the stack keeps closed (${promise})${f.undecided ? ` — ${f.reason}` : ""} — narrow its src or dst${c.inBase ? " in the file (e.g. leave out the server's tag)" : ", or remove it"}`,
        });
      }
    } else internal.push(`${testWhere} ${f.expect} ${what}: ${f.reason}`);
  }
  return { problems, internal };
}

function culpritsOf(f: CaseResult, origin: (where: string) => { path: string; inBase?: string } | undefined) {
  return f.rules.flatMap((r) => {
    const from = origin(`${r.section}[${r.index}]`);
    return from ? [from] : [];
  });
}
