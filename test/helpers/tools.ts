import { execFileSync } from "node:child_process";

/**
 * Real-tool tests need the tool. In CI (CI=true) a missing tool is a failure, never a skip;
 * on a laptop the suite is skipped with a clear message saying what to install.
 */
export function hasTool(command: string, args: string[] = ["--version"]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** @param versionArgs how to ask the tool whether it runs (busybox and dash have no --version) */
export function describeWithTool(tool: string, install: string, name: string, body: () => void, versionArgs: string[] = ["--version"]): void {
  describeWhen(hasTool(tool, versionArgs) ? undefined : `${tool} is not installed (${install})`, name, body);
}

/**
 * A suite that needs something of the machine — a tool, root, a private mount namespace. `problem`
 * says what is missing: on a laptop the suite is skipped with that one line; in CI (CI=true) the
 * suite fails with it instead, since CI must have everything.
 */
export function describeWhen(problem: string | undefined, name: string, body: () => void): void {
  if (problem && process.env.CI !== "true") {
    // One line on stderr (console.warn would add a code frame to every skip).
    process.stderr.write(`SKIPPED "${name}": ${problem}\n`);
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    if (problem) {
      test("has what it needs", () => {
        throw new Error(`${problem} — CI must provide it`);
      });
      return;
    }
    body();
  });
}
