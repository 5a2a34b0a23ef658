import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shelfstack, type Run } from "../../helpers/cli";

const dirs: string[] = [];

/** A temporary directory removed when the test file ends. */
export function scratch(prefix = "shelfstack-jobs-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The built CLI, run from a scratch directory (removed with the others). */
export function cli(args: string[], env?: NodeJS.ProcessEnv): Run {
  return shelfstack(args, { cwd: scratch("shelfstack-cwd-"), env });
}
