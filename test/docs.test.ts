import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, shelfstack } from "./helpers/cli";

describe("documentation in step with the schema (npm run docs regenerates both)", () => {
  test("stack.schema.json is what `shelfstack schema` prints", () => {
    expect(readFileSync(join(ROOT, "stack.schema.json"), "utf8")).toBe(shelfstack(["schema"]).stdout);
  });

  test("the README's stack.yaml reference lists every field of the schema", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("<!-- reference:start -->\n") + 25, readme.indexOf("<!-- reference:end -->"));
    expect(section).toBe(shelfstack(["schema", "--reference"]).stdout);
  });

  test("the example asks editors to use the schema", () => {
    const example = readFileSync(join(ROOT, "examples", "stack.yaml"), "utf8");
    expect(example.split("\n")[0]).toBe("# yaml-language-server: $schema=../stack.schema.json");
  });
});
