import { z } from "zod";
import { parse, type Command } from "../cli";
import { stackObject } from "../../config/schema";

const HELP = `usage: shelfstack schema

Prints the JSON Schema of stack.yaml. Save it beside your stack.yaml and point the
yaml-language-server header at it for completion and checks in your editor:
  # yaml-language-server: $schema=./stack.schema.json`;

/** The JSON Schema of stack.yaml as a person writes it (defaults make fields optional). */
export function stackJsonSchema(): object {
  return z.toJSONSchema(stackObject, { io: "input", unrepresentable: "any" });
}

const schema: Command = (args) => {
  parse(args, {}, HELP);
  process.stdout.write(JSON.stringify(stackJsonSchema(), null, 2) + "\n");
  return 0;
};
export default schema;
