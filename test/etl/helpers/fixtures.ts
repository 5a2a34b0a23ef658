import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** test/etl/fixtures, from the sources or from a bundle of these helpers run in the repository (the benchmark). */
export function fixture(name: string): string {
  const dirs = [join(__dirname, "..", "fixtures"), join(process.cwd(), "test", "etl", "fixtures")];
  const dir = dirs.find((d) => existsSync(join(d, name)));
  if (!dir) throw new Error(`fixture ${name} not found in ${dirs.join(", ")}`);
  return readFileSync(join(dir, name), "utf8");
}
