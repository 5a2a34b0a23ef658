import { z } from "zod";
import { EXIT, parse, type Command } from "../cli";
import { stackObject } from "../../config/schema";
import { referenceMarkdown } from "../../config/reference";

const HELP = `usage: shelfstack schema [--reference]

Prints the JSON Schema of stack.yaml. Save it beside your stack.yaml and point the
yaml-language-server header at it for completion and checks in your editor:
  # yaml-language-server: $schema=./stack.schema.json
With --reference: the Markdown table of every field, as in the README.`;

/** The JSON Schema of stack.yaml as a person writes it (defaults make fields optional). */
export function stackJsonSchema(): object {
  return z.toJSONSchema(stackObject, { io: "input", unrepresentable: "any" });
}

const schema: Command = (args) => {
  const { values } = parse(args, { reference: { type: "boolean" } }, HELP);
  const json = stackJsonSchema();
  process.stdout.write(values.reference ? referenceMarkdown(json) : JSON.stringify(json, null, 2) + "\n");
  return EXIT.ok;
};
export default schema;
