import Handlebars from "handlebars";

/**
 * The generated shell scripts are handlebars templates beside this file (*.sh.hbs), bundled
 * precompiled (build/handlebars-templates.cjs). Values reach a script only through the helpers below, each a quoted sh word, so no value
 * from stack.yaml is ever read as shell syntax. Nothing is HTML-escaped.
 */

/**
 * One sh word meaning exactly `literal`: in single quotes, or, when it holds ' $ or `, in double
 * quotes with \ " $ ` escaped (shellcheck reads $ and ` in single quotes, and a '\'' join in an
 * assignment, as mistakes).
 */
export function shellQuote(literal: string): string {
  if (/['`$]/.test(literal)) return `"${literal.replace(/[\\"`$]/g, (c) => `\\${c}`)}"`;
  return `'${literal}'`;
}

/** A piece of an environment value: literal text, or another environment variable of the container. */
export type ShellPart = string | { readonly env: string };

/** Literal parts quoted, variables expanded (an unset one stops the script, naming it). */
export function shellValue(parts: readonly ShellPart[]): string {
  return parts.map((p) => (typeof p === "string" ? shellQuote(p) : `"\${${p.env}?is not set in the container}"`)).join("");
}

const hbs = Handlebars.create();
hbs.registerHelper("sh", (value: string) => shellQuote(value));
hbs.registerHelper("shvalue", (parts: readonly ShellPart[]) => shellValue(parts));
hbs.registerHelper("join", (...args: unknown[]) => args.slice(0, -1).join(""));

/** A script template (precompiled by the build): data in, the script's text out. */
export function shellTemplate<Data>(spec: TemplateSpecification): (data: Data) => string {
  const template = hbs.template<Data>(spec);
  return (data) => template(data);
}
