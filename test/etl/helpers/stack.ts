import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { EXAMPLE } from "../../helpers/cli";

/** The bundled example with its data below `dataDir` and an `etl` section: a stack.yaml for CLI runs. */
export function writeStack(dir: string, dataDir: string, etl: Record<string, unknown> = {}): string {
  const doc = parseDocument(readFileSync(EXAMPLE, "utf8"));
  doc.setIn(["server", "dataDir"], dataDir);
  doc.set("etl", etl);
  const path = join(dir, "stack.yaml");
  writeFileSync(path, doc.toString());
  return path;
}
