// `npm run bench`: runs every bench/*.bench.mjs in turn; each prints its own figures.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const only = process.argv.slice(2);
const dir = new URL(".", import.meta.url).pathname;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .sort()) {
  if (only.length && !only.some((o) => file.includes(o))) continue;
  console.log(`\n== ${file.replace(".bench.mjs", "")}`);
  await (await import(pathToFileURL(join(dir, file)).href)).default();
}
