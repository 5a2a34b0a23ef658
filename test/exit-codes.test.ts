import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { EXIT, EXIT_CODES, failure, UsageError, UserError } from "../bin/errors";
import { StackError } from "../config/load";
import { ROOT, shelfstack } from "./helpers/cli";

/**
 * Every command's exit codes come from one table (config/errors.ts, re-exported by bin/errors.ts):
 * `shelfstack --help` prints it, each command's --help documents only codes from it, the README
 * shows the same table, and no command or runtime returns a number of its own.
 */
const codes = EXIT_CODES.map((e) => e.code);

function commandNames(help: string): string[] {
  return [...help.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]);
}

/** The codes an "Exit 0: …. 1: …" / "Exit 0 when …, 1 with …" paragraph names. */
function documentedCodes(help: string): number[] {
  const start = help.search(/\bExit \d/);
  if (start < 0) return [];
  const paragraph = help.slice(start).split(/\n\s*\n/)[0];
  return [...paragraph.matchAll(/(?:^Exit |[.,] |\n\s*)(\d+)(?=:| when| valid| with)/g)].map((m) => Number(m[1]));
}

describe("the exit-code table", () => {
  const top = shelfstack(["--help"]);

  test("is 0 ok, 1 the user can fix it, 2 a bug", () => {
    expect(EXIT).toEqual({ ok: 0, invalid: 1, internal: 2 });
    expect(codes).toEqual([0, 1, 2]);
  });

  test("is printed by shelfstack --help, one line per code with its meaning", () => {
    expect(top.status).toBe(EXIT.ok);
    for (const e of EXIT_CODES) expect(top.stdout).toContain(`  ${e.code}  ${e.meaning}`);
  });

  test("is the README's, code for code", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Exit codes"));
    expect(section.length).toBeGreaterThan(0);
    for (const e of EXIT_CODES) expect(section).toMatch(new RegExp(`^\\| ${e.code} \\| \`${e.name}\` \\|`, "m"));
  });

  const names = commandNames(top.stdout);
  test("covers every command the dispatcher lists", () => {
    expect(names).toEqual(expect.arrayContaining(["synth", "validate", "etl", "doctor", "jobs", "ingest"]));
  });

  test.each(names)("shelfstack %s --help documents only codes from the table", (name) => {
    const r = shelfstack([name, "--help"]);
    expect(r.status).toBe(EXIT.ok);
    for (const code of documentedCodes(r.stdout)) expect(codes).toContain(code);
  });

  test("the reader of a help text finds its codes (the parser sees what is written)", () => {
    expect(documentedCodes("x\n\nExit 0: loaded. 1: a flag is wrong, or\na source failed. 2: a bug.")).toEqual([0, 1, 2]);
    expect(documentedCodes("Exit 0 when every case passes, 1 with a table.")).toEqual([0, 1]);
    expect(documentedCodes("writing nothing. Exit 0 valid, 1 with every problem listed.")).toEqual([0, 1]);
  });

  test("an unknown command and a bad flag are the user's to fix; no command is no command", () => {
    expect(shelfstack(["no-such-command"]).status).toBe(EXIT.invalid);
    const bad = shelfstack(["validate", "--no-such-flag"]);
    expect(bad.status).toBe(EXIT.invalid);
    expect(bad.stderr).toMatch(/^shelfstack: Unknown option '--no-such-flag'/);
    expect(shelfstack([]).status).toBe(EXIT.invalid);
  });
});

describe("no exit code outside the table", () => {
  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith(".ts"))
      .map((e) => relative(ROOT, join(e.parentPath, e.name)));
  const files = [...sources("bin"), ...sources("runtimes")];

  test("no process.exit(n) or exitCode = n with a bare number, in bin/ or runtimes/", () => {
    const bare = files.flatMap((f) =>
      readFileSync(join(ROOT, f), "utf8")
        .split("\n")
        .flatMap((line, i) => (/process\.exit\(\s*\d|exitCode\s*=\s*\d/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(bare).toEqual([]);
  });

  test("no command or entry point returns a bare number as its exit code", () => {
    const entryPoints = files.filter((f) => f.startsWith("bin/") || /^runtimes\/\w+\/(main|command)\.ts$/.test(f));
    const bare = entryPoints.flatMap((f) =>
      readFileSync(join(ROOT, f), "utf8")
        .split("\n")
        .flatMap((line, i) => (/\breturn\s+\d+\s*;|\?\s*\d+\s*:\s*\d+\s*;/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(bare).toEqual([]);
  });
});

describe("failure(): the one failure printer", () => {
  const printed = (error: unknown, prefix?: string) => {
    const lines: string[] = [];
    const code = failure(error, { prefix, print: (text) => lines.push(text) });
    return { code, text: lines.join("\n") };
  };

  test("a user error is one line with the command's name, exit 1, no stack trace", () => {
    const r = printed(new UsageError("--at wants a date"), "shelfstack restore");
    expect(r).toEqual({ code: EXIT.invalid, text: "shelfstack restore: --at wants a date" });
  });

  test("stack.yaml's problems are listed under the file, each with its path and line", () => {
    const r = printed(new StackError("stack.yaml", [{ path: "devices[1].kind", line: 12, message: "must be one of …" }]));
    expect(r.code).toBe(EXIT.invalid);
    expect(r.text).toBe("stack.yaml has 1 problem:\nstack.yaml:12 devices[1].kind: must be one of …");
  });

  test("a user error made by another bundle's copy of the class is still the user's (recognised by its marker)", () => {
    const foreign = Object.assign(new Error("the embedded database is in use"), { userFixable: true, problems: [] });
    expect(printed(foreign).code).toBe(EXIT.invalid);
    expect(new UserError("x")).toMatchObject({ userFixable: true, problems: [] });
  });

  test("a folder the user may not write is theirs to fix, named with its path", () => {
    const denied = Object.assign(new Error("EACCES"), { code: "EACCES", path: "/srv/shelfstack/books" });
    const r = printed(denied);
    expect(r.code).toBe(EXIT.invalid);
    expect(r.text).toMatch(/^shelfstack: \/srv\/shelfstack\/books is not yours to write/);
  });

  test("no credential in a URL is printed: always in a bug's report, in a user error's when the command asks", () => {
    const leaked = "connect to postgres://etl:hunter2@db.local/warehouse failed";
    expect(printed(new Error(leaked)).text).not.toContain("hunter2");
    const lines: string[] = [];
    failure(new UserError(leaked), { redact: true, print: (text) => lines.push(text) });
    expect(lines.join("\n")).toBe("shelfstack: connect to postgres://***@db.local/warehouse failed");
    // A fix that shows the shape of a URL is left as written.
    expect(printed(new UserError("write ssh://user@host")).text).toBe("shelfstack: write ssh://user@host");
  });

  test("anything else is a bug: exit 2 with the stack trace", () => {
    const r = printed(new TypeError("x is undefined"), "shelfstack etl");
    expect(r.code).toBe(EXIT.internal);
    expect(r.text).toMatch(/^shelfstack etl: internal error: TypeError: x is undefined\n\s+at /);
  });
});
