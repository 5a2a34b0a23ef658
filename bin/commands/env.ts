import { EXIT, failure, loadFromArgs, parse, UsageError, type Command } from "../cli";
import { secretVariables } from "../../stacks/secret-variables";
import { stackJsonSchema } from "./schema";

const HELP = `usage: shelfstack env [-c stack.yaml] [--for terraform|compose] [--check] [--json]

Lists every secret variable this stack.yaml needs, what each is for, and whether it is set in
this shell — never its value. \`cdktf deploy\` reads each as TF_VAR_<NAME>; \`docker compose up\`
as <NAME>.

  --for     only one deploy path (default: both)
  --check   exit 1 when a required variable of that path is unset
  --json    the list as JSON, for scripts`;

/** Secrets no stack.yaml field names: they come from the deploy path itself. */
const WITHOUT_FIELD: Record<string, string> = {
  TAILSCALE_AUTH_KEY: "compose only: a tagged auth key for the server, made in the admin console (Terraform makes its own)",
};

const env: Command = (args) => {
  const { values } = parse(args, { config: { type: "string", short: "c" }, for: { type: "string" }, check: { type: "boolean" }, json: { type: "boolean" } }, HELP);
  const paths = values.for ? [values.for] : ["terraform", "compose"];
  if (!paths.every((p) => p === "terraform" || p === "compose")) {
    return failure(new UsageError(`--for takes terraform or compose, not "${values.for}"`), { prefix: "shelfstack env" });
  }
  type Path = "terraform" | "compose";
  const variableOf = (path: Path, name: string) => (path === "terraform" ? `TF_VAR_${name}` : name);
  const rows = secretVariables(loadFromArgs(values.config), stackJsonSchema())
    .map((v) => ({
      name: v.name,
      for: v.usedBy.length ? v.usedBy.map((u) => `${u.field}${u.description ? ` — ${u.description}` : ""}`).join("; ") : (WITHOUT_FIELD[v.name] ?? ""),
      // Never the value: only whether this shell has one.
      variables: (paths as Path[])
        .filter((path) => v[path])
        .map((path) => ({ path, variable: variableOf(path, v.name), need: v[path]!, set: Boolean(process.env[variableOf(path, v.name)]) })),
    }))
    .filter((r) => r.variables.length > 0);
  const missing = rows.flatMap((r) => r.variables).filter((v) => v.need === "required" && !v.set);
  if (values.json) console.log(JSON.stringify(rows, null, 2));
  else {
    for (const r of rows) {
      const state = r.variables.map((v) => `${v.variable} ${v.set ? "set" : v.need === "optional" ? "unset (optional)" : "NOT SET"}`).join(", ");
      console.log(`${r.name}\n  for: ${r.for}\n  ${state}`);
    }
    console.log(missing.length ? `\n${missing.length} required variable${missing.length === 1 ? " is" : "s are"} not set in this shell.` : "\nEvery required variable is set.");
  }
  return values.check && missing.length ? EXIT.invalid : EXIT.ok;
};
export default env;
