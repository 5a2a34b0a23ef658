import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, shelfstack, tmp, treeHash } from "../helpers/cli";

/**
 * Each bad stack.yaml is made from the bundled example by changing one line, so the expected
 * line number is where the change was made (the example may grow without breaking these).
 */
const example = readFileSync(EXAMPLE, "utf8");
const lines = example.split("\n");

function lineOf(text: string): number {
  const i = lines.findIndex((l) => l === text);
  if (i < 0) throw new Error(`the example has no line ${JSON.stringify(text)}`);
  return i + 1;
}

interface Case {
  readonly name: string;
  /** The example's line to change, and what it becomes. */
  readonly replace: readonly [string, string];
  readonly path: string;
  /** The line the error must name. @default the replaced line */
  readonly line?: number;
  readonly says: RegExp;
}

const cases: Case[] = [
  { name: "unknown top-level key (typo)", replace: ["tailnet:", "tailnett:"], path: "tailnett", says: /unknown key/ },
  { name: "unknown nested key", replace: ["  hostname: shelf", "  hostnmae: shelf"], path: "server.hostnmae", says: /unknown key — remove it or check its spelling/ },
  { name: "wrong type: number for a name", replace: ["  hostname: shelf", "  hostname: 42"], path: "server.hostname", says: /expected a string, got a number — write text/ },
  { name: "wrong type: list for a mapping", replace: ["  hostname: shelf", "  paths: [a, b]"], path: "server.paths", says: /expected a mapping/ },
  {
    name: "missing required field",
    replace: ["  owner: alice@example.com", "  magicDns: true"],
    path: "tailnet.owner",
    line: lineOf("tailnet:"),
    says: /is required — add it/,
  },
  {
    name: "a secret given as a value",
    replace: ["    user: alice@example.com", "    user: alice@example.com\n    password: hunter2-correct-horse"],
    path: "backup.koofr.password",
    line: lineOf("    user: alice@example.com") + 1,
    says: /is a secret and must not be written in stack\.yaml .*\{ env: KOOFR_APP_PASSWORD \}/,
  },
  {
    name: "a secret naming a bad environment variable",
    replace: ["    user: alice@example.com", "    user: alice@example.com\n    password: { env: koofr-pass }"],
    path: "backup.koofr.password.env",
    line: lineOf("    user: alice@example.com") + 1,
    says: /not an environment variable name/,
  },
  {
    name: "bad cron expression (out of range)",
    replace: ["backup:", 'backup:\n  schedule: "61 2 * * *"'],
    path: "backup.schedule",
    line: lineOf("backup:") + 1,
    says: /not a cron schedule: minute "61" is outside 0–59/,
  },
  {
    name: "bad cron expression (not five fields)",
    replace: ["backup:", "backup:\n  schedule: daily"],
    path: "backup.schedule",
    line: lineOf("backup:") + 1,
    says: /has 1 field, a cron schedule has 5/,
  },
  {
    name: "bad Syncthing device ID",
    replace: [
      "    syncthingId: MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD",
      "    syncthingId: MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAE",
    ],
    path: "devices[0].syncthingId",
    says: /not a Syncthing device ID \(8 groups of 7 characters.*copy it from the app's ‘Show device ID’/,
  },
  { name: "duplicate device names", replace: ["  - name: iphone", "  - name: palma"], path: "devices[1].name", says: /already used by devices\[0\]/ },
  {
    name: "unknown device kind",
    replace: ["    kind: ios", "    kind: kindle"],
    path: "devices[1].kind",
    says: /unknown device kind — use one of android-ereader, android, ios, laptop/,
  },
  {
    name: "Syncthing ID on an iOS device",
    replace: ["    kind: ios", "    kind: ios\n    syncthingId: MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD"],
    path: "devices[1].syncthingId",
    line: lineOf("    kind: ios") + 1,
    says: /iOS device never gets Syncthing/,
  },
  { name: "owner is not an e-mail", replace: ["  owner: alice@example.com", "  owner: alice"], path: "tailnet.owner", says: /not an e-mail address/ },
  { name: "tailnet name is not a ts.net name", replace: ["  name: tail1234.ts.net", "  name: my tailnet"], path: "tailnet.name", says: /not a tailnet DNS name/ },
  { name: "unknown time zone", replace: ["  timezone: Europe/Berlin", "  timezone: Mars/Olympus"], path: "server.timezone", says: /unknown time zone "Mars\/Olympus"/ },
  {
    name: "docker host is not ssh://",
    replace: ["  dockerHost: ssh://reader@homeserver.local", "  dockerHost: homeserver.local"],
    path: "server.dockerHost",
    says: /write ssh:\/\/user@host/,
  },
  { name: "relative data directory", replace: ["  timezone: Europe/Berlin", "  dataDir: srv/shelfstack"], path: "server.dataDir", says: /must be an absolute path/ },
  {
    name: "an extra tailnet rule that breaks the generated policy tests (a construct's own rule)",
    replace: ["  owner: alice@example.com", '  owner: alice@example.com\n  extraAcls:\n    - action: accept\n      src: ["*"]\n      dst: ["tag:shelfstack:*"]'],
    path: "tailnet.extraAcls[0]",
    line: lineOf("  owner: alice@example.com") + 2,
    says: /which the stack keeps closed .* narrow its src or dst, or remove it/,
  },
  { name: "broken YAML", replace: ["  hostname: shelf", "   hostname: [shelf"], path: "(top level)", says: /not valid YAML/ },
];

describe("bad stack.yaml: exit 1, YAML path + line + fix, previous output untouched", () => {
  const dir = tmp();
  const out = join(dir, "out");
  let before: string;

  beforeAll(() => {
    const good = shelfstack(["synth", "-c", EXAMPLE, "-o", out]);
    expect(good.status).toBe(0);
    before = treeHash(out);
  });

  test.each(cases)("$name", (c) => {
    expect(lines.filter((l) => l === c.replace[0])).toHaveLength(1);
    const file = join(dir, "stack.yaml");
    writeFileSync(file, example.replace(`\n${c.replace[0]}\n`, `\n${c.replace[1]}\n`));
    const run = shelfstack(["synth", "-c", file, "-o", out]);
    expect(run.status).toBe(1);
    const line = c.line ?? lineOf(c.replace[0]);
    const reported = run.stderr.split("\n").find((l) => l.includes(` ${c.path}: `));
    expect(reported).toBeDefined();
    if (c.path !== "(top level)") expect(reported).toContain(`${file}:${line} ${c.path}: `);
    expect(reported).toMatch(c.says);
    expect(treeHash(out)).toBe(before);
  });

  test("every problem is reported in one run, in file order", () => {
    const file = join(dir, "many.yaml");
    writeFileSync(
      file,
      example.replace("  hostname: shelf", "  hostnmae: shelf").replace("  owner: alice@example.com", "  owner: alice").replace("    kind: ios", "    kind: kindle"),
    );
    const run = shelfstack(["synth", "-c", file, "-o", out]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("has 3 problems");
    const order = ["server.hostnmae", "tailnet.owner", "devices[1].kind"].map((p) => run.stderr.indexOf(` ${p}: `));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(treeHash(out)).toBe(before);
  });

  test("validate reports the same problems and writes nothing", () => {
    const file = join(dir, "validate.yaml");
    writeFileSync(file, example.replace("  owner: alice@example.com", "  owner: alice"));
    const run = shelfstack(["validate", "-c", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/tailnet\.owner: not an e-mail address/);
    expect(shelfstack(["validate", "-c", EXAMPLE]).status).toBe(0);
  });

  test("an empty stack.yaml names the sections to write", () => {
    const file = join(dir, "empty.yaml");
    writeFileSync(file, "# nothing yet\n");
    const run = shelfstack(["synth", "-c", file, "-o", out]);
    expect(run.status).toBe(1);
    for (const section of ["server", "tailnet", "devices"]) expect(run.stderr).toContain(` ${section}: is required`);
    expect(treeHash(out)).toBe(before);
  });

  test("a missing -c file and an unknown flag are usage errors (exit 1)", () => {
    expect(shelfstack(["synth", "-c", join(dir, "nope.yaml"), "-o", out]).stderr).toContain("no such file");
    const flag = shelfstack(["synth", "--outdir", out]);
    expect(flag.status).toBe(1);
    expect(flag.stderr).toContain("--outdir");
    expect(treeHash(out)).toBe(before);
  });
});
