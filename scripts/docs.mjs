// `npm run docs`: regenerates stack.schema.json and the README's stack.yaml reference from the
// zod schema (test/docs.test.ts fails when either is out of step).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const cli = (...args) => execFileSync(process.execPath, ["dist/shelfstack.js", ...args], { encoding: "utf8" });
writeFileSync("stack.schema.json", cli("schema"));
const readme = readFileSync("README.md", "utf8");
const start = "<!-- reference:start -->\n";
const end = "<!-- reference:end -->";
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a < 0 || b < a) throw new Error("README.md lacks the reference markers");
writeFileSync("README.md", readme.slice(0, a + start.length) + cli("schema", "--reference") + readme.slice(b));
console.log("updated stack.schema.json and the README's stack.yaml reference");
