import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderAbsKeyEntrypoint } from "../../constructs/setup/abs-key-entrypoint";
import { renderStartScript } from "../../constructs/syncthing/start-script";
import { EXAMPLE, readTree, shelfstack, tmp } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";

/** Every rendered file that is a shell script (it starts with a shebang). */
function scripts(out: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [path, content] of readTree(out)) {
    const text = content.toString("utf8");
    if (/^#!\/bin\/(ba)?sh\b/.test(text)) found.set(path, text);
  }
  return found;
}

function shellcheck(script: string, name: string): { status: number | null; output: string } {
  const file = join(tmp(), name.replace(/\//g, "_"));
  writeFileSync(file, script);
  // Every severity, style included: an info finding is a script someone will misread.
  const r = spawnSync("shellcheck", ["--shell=sh", "--severity=style", "--format=gcc", file], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

function expectClean(found: Map<string, string>): void {
  for (const [path, text] of found) {
    const result = shellcheck(text, path);
    expect({ path, ...result }).toEqual({ path, status: 0, output: "" });
    // And the shell itself parses it.
    expect(spawnSync("sh", ["-n"], { input: text }).status).toBe(0);
  }
}

const AWKWARD = ['/srv/it\'s a "shelf"', "/srv/with  two spaces/and\ttab", "/srv/книги — 本/über", "/srv/back\\slash/`tick`/!bang/*star?/[set]"];

describeWithTool("shellcheck", "apt-get install shellcheck", "every rendered shell script passes shellcheck", () => {
  test("the example: start.sh and every entrypoint", () => {
    const out = join(tmp(), "out");
    const run = shelfstack(["synth", "-c", EXAMPLE, "-o", out]);
    expect(run.status).toBe(0);
    const found = scripts(out);
    expect([...found.keys()].sort()).toEqual(["abs-opds/entrypoint.sh", "shelfbridge/entrypoint.sh", "syncthing/server/start.sh"]);
    expectClean(found);
  });

  test("a stack with spaces and unicode in its paths", () => {
    const dir = tmp();
    const config = join(dir, "stack.yaml");
    const example = readFileSync(EXAMPLE, "utf8");
    writeFileSync(config, example.replace("  timezone: Europe/Berlin\n", '  timezone: Europe/Berlin\n  dataDir: "/srv/my shelf — книги 本"\n'));
    const out = join(dir, "out");
    const run = shelfstack(["synth", "-c", config, "-o", out]);
    expect(run.status).toBe(0);
    const found = scripts(out);
    expect(found.get("syncthing/server/start.sh")).toContain("'/srv/my shelf — книги 本/library/ebooks'");
    expectClean(found);
  });

  test.each(AWKWARD)("start.sh for a folder at %j", (path) => {
    const script = renderStartScript({ folders: [{ path, stignore: "/shelfstack/ignores/x.stignore" }, { path: `${path}/second` }] });
    expectClean(new Map([["start.sh", script]]));
  });

  test("an entrypoint whose exports mix awkward literals and environment variables", () => {
    // (Literals come from the constructs, e.g. ":" between parts; a quote inside one is what
    // shellcheck rightly calls a mistake in a variable, so there is none here.)
    const script = renderAbsKeyEntrypoint({
      service: "abs-opds",
      exports: { OPDS_USERS: [{ env: "OPDS_USER" }, ": $HOME `x` — ü ${x}:", { env: "ABS_API_KEY" }], EMPTY_ONE: [""], ALSO: ["it's"] },
    });
    expect(script).toContain(`OPDS_USERS="\${OPDS_USER?is not set in the container}"": \\$HOME \\\`x\\\` — ü \\\${x}:"`);
    expectClean(new Map([["entrypoint.sh", script]]));
  });
});

describe("what the quoting means to sh", () => {
  test.each(AWKWARD)("start.sh creates exactly %j", (path) => {
    const root = tmp();
    const script = renderStartScript({ folders: [{ path: `${root}${path}` }] })
      // Run the folder part only, as the user running the test (no chown to $PUID, no Syncthing).
      .replace(/^home=.*$/m, `home='${root}/home'`)
      .replace(/^cp '\/shelfstack\/config\.xml'.*$/m, ': > "$home/config.xml"')
      .replace(/^exec .*$/m, "")
      .replace(/chown "\$PUID:\$PGID"/g, "ls -d >/dev/null");
    execFileSync("sh", ["-c", script], { env: { PATH: process.env.PATH } });
    const made = [...readTree(root).keys()];
    expect(made).toContain("home/config.xml");
    expect(spawnSync("test", ["-d", `${root}${path}`]).status).toBe(0);
  });
});
