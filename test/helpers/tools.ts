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
  const present = hasTool(tool, versionArgs);
  if (!present && process.env.CI !== "true") {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED "${name}": ${tool} is not installed (${install})`);
    describe.skip(name, body);
    return;
  }
  describe(name, () => {
    if (!present) {
      test(`${tool} is installed`, () => {
        throw new Error(`${tool} is missing — CI must install it (${install})`);
      });
      return;
    }
    body();
  });
}
