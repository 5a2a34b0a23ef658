import type { Problem } from "../../config/load";
import type { Evaluation } from "./policy/evaluate";
import type { GeneratedPolicy } from "./policy/generate";
import { describeSource } from "./policy/report";

/**
 * Turns a failed evaluation of the generated policy into stack.yaml problems: each names the
 * tailnet.extraAcls[i] / extraTests[i] entry at fault, the failing case, and the fix. A failure
 * no stack.yaml entry explains is the generator's bug, returned as `internal`.
 */
export function policyProblems(evaluation: Evaluation, generated: GeneratedPolicy): { problems: Problem[]; internal: string[] } {
  const problems: Problem[] = [];
  const internal: string[] = [];
  const { acls, tests } = generated.fromStackYaml;
  const yamlPath = (where: string): string | undefined => {
    const m = /^(acls|tests)\[(\d+)\](.*)$/.exec(where);
    const index = m && (m[1] === "acls" ? acls : tests).get(Number(m[2]));
    return m && index !== undefined && index !== null ? `tailnet.${m[1] === "acls" ? "extraAcls" : "extraTests"}[${index}]${m[3]}` : undefined;
  };
  for (const p of evaluation.problems) {
    const path = yamlPath(p.where);
    if (path) problems.push({ path, message: `${p.message} — define it in tailnet.extraGroups, extraTagOwners or extraHosts, or fix the entry` });
    else internal.push(`${p.where}: ${p.message}`);
  }
  for (const f of evaluation.failures) {
    const testPath = yamlPath(`tests[${f.test}]`);
    const what = `${describeSource(f)} → ${f.dst}`;
    if (testPath) {
      problems.push({
        path: testPath,
        message: `expects ${f.expect} for ${what}, but ${f.reason} — fix the test, or ${f.expect === "accept" ? "add the rule it needs to tailnet.extraAcls" : "narrow the rule that opens it"}`,
      });
      continue;
    }
    const culprits = f.rules.filter((r) => r.section === "acls" && acls.has(r.index));
    if (f.expect === "deny" && culprits.length) {
      for (const r of culprits) {
        problems.push({
          path: `tailnet.extraAcls[${acls.get(r.index)}]`,
          message: `opens ${what}, which the stack keeps closed (generated test tests[${f.test}]) — narrow its src or dst, or remove it`,
        });
      }
    } else internal.push(`tests[${f.test}] ${f.expect} ${what}: ${f.reason}`);
  }
  return { problems, internal };
}
