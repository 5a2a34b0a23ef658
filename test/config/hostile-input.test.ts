import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { CLI, EXAMPLE, shelfstack, tmp, treeHash } from "../helpers/cli";
import { cronProblem } from "../../config/cron";

/**
 * Hostile or careless stack.yaml files. Each case is the example with one line changed (or a few
 * added below a line), so the line the problem must name is known; every run must exit 1, name
 * the YAML path and line, say what to do, print no stack trace, and leave the output as it was.
 */
const example = readFileSync(EXAMPLE, "utf8");
const lines = example.split("\n");
const lineOf = (text: string) => {
  const i = lines.indexOf(text);
  if (i < 0) throw new Error(`the example has no line ${JSON.stringify(text)}`);
  return i + 1;
};

interface Case {
  readonly name: string;
  /** The example's line, and what it becomes (may be several lines). */
  readonly replace: readonly [string, string];
  /** The YAML path reported, or "(top level)" for a YAML syntax problem. */
  readonly path: string;
  /** Lines below the replaced one where the problem is. @default 0 */
  readonly below?: number;
  readonly says: RegExp;
}

const SERVER = "  timezone: Europe/Berlin";
const atServer = (text: string): readonly [string, string] => [SERVER, `${SERVER}\n${text}`];
const KOOFR = "    user: alice@example.com";
const atKoofr = (text: string): readonly [string, string] => [KOOFR, `${KOOFR}\n${text}`];
const PALMA = "    kind: android-ereader";
const atPalma = (text: string): readonly [string, string] => [PALMA, `${PALMA}\n${text}`];
const folders = (yaml: string): readonly [string, string] => ["backup:", `syncthing:\n  folders:\n${yaml}\nbackup:`];

// A table, one case per line: the formatter leaves it so.
// prettier-ignore
const cases: Case[] = [
  // YAML itself
  { name: "YAML syntax error: line and column", replace: ["  hostname: shelf", "  hostname: [shelf"], path: "(top level)", below: 1, says: /:\d+:\d+ \(top level\): not valid YAML: .*— fix the indentation or quoting/ },
  { name: "duplicate key", replace: ["  hostname: shelf", "  hostname: shelf\n  hostname: books"], path: "(top level)", below: 1, says: /the key "hostname" appears twice in this mapping — keep one/ },
  { name: "tab indent", replace: ["  hostname: shelf", "\thostname: shelf"], path: "(top level)", says: /a tab indents this line — .*replace the tab with spaces/ },
  { name: "unknown YAML tag", replace: ["  hostname: shelf", "  hostname: !vault shelf"], path: "(top level)", says: /unknown YAML tag: !vault — remove it/ },
  { name: "a second YAML document", replace: ["tailnet:", "---\ntailnet:"], path: "(top level)", says: /a second YAML document starts here/ },
  { name: "missing field under an empty mapping is named by its own path", replace: [KOOFR, ""], path: "backup.koofr.user", below: -1, says: /is required — add it/ },
  { name: "key with no value", replace: ["  hostname: shelf", "  hostname:"], path: "server.hostname", says: /has no value — write its value after the colon/ },
  { name: "number in quotes", replace: ["backup:", "ingest:\n  pollSeconds: \"30\"\nbackup:"], path: "ingest.pollSeconds", below: 1, says: /expected a number, got text — write the number without quotes/ },
  { name: "boolean as text", replace: ["backup:", "ingest:\n  enabled: \"yes\"\nbackup:"], path: "ingest.enabled", below: 1, says: /expected a boolean, got text — write true or false, without quotes/ },
  // Paths: what they become
  { name: "dataDir /", replace: atServer("  dataDir: /"), path: "server.dataDir", below: 1, says: /is the root directory — give it a folder of its own/ },
  { name: "dataDir a system directory", replace: atServer("  dataDir: /usr"), path: "server.dataDir", below: 1, says: /is a system directory/ },
  { name: "a path inside /etc", replace: atServer("  paths:\n    ebooks: /etc/books"), path: "server.paths.ebooks", below: 2, says: /is inside \/etc, which belongs to the system/ },
  { name: "a path with .. that resolves to /etc", replace: atServer("  dataDir: /srv/../etc"), path: "server.dataDir", below: 1, says: /is not a plain path \(it has "\.\.", "\." or "\/\/"\).*e\.g\. \/etc/ },
  { name: "a path with //", replace: atServer("  dataDir: /srv//shelfstack"), path: "server.dataDir", below: 1, says: /not a plain path/ },
  { name: "a trailing slash", replace: atServer("  dataDir: /srv/shelfstack/"), path: "server.dataDir", below: 1, says: /ends with \/ — write it without, e\.g\. \/srv\/shelfstack/ },
  { name: "a $ in a path (compose expands it, Terraform does not)", replace: atServer("  dataDir: /srv/$HOME"), path: "server.dataDir", below: 1, says: /contains "\$", which docker compose, Terraform, XML or the shell read specially/ },
  { name: "a : in a path (a volume splits there)", replace: atServer("  dataDir: /srv/a:b"), path: "server.dataDir", below: 1, says: /contains ":"/ },
  { name: "a newline in a path", replace: atServer('  dataDir: "/srv/a\\nb"'), path: "server.dataDir", below: 1, says: /contains a line break/ },
  { name: "a quote in a path", replace: atServer("  dataDir: /srv/it's"), path: "server.dataDir", below: 1, says: /contains "'"/ },
  { name: "a relative path", replace: atServer("  paths:\n    ingest: ingest"), path: "server.paths.ingest", below: 2, says: /must be an absolute path on the server/ },
  { name: "ebooks inside the ingest folder", replace: atServer("  paths:\n    ingest: /srv/in\n    ebooks: /srv/in/library"), path: "server.paths.ebooks", below: 3, says: /\/srv\/in\/library \(the Calibre library\) is inside server\.paths\.ingest \/srv\/in/ },
  { name: "ebooks = audiobooks", replace: atServer("  paths:\n    ebooks: /srv/books\n    audiobooks: /srv/books"), path: "server.paths.audiobooks", below: 3, says: /is the same folder as server\.paths\.ebooks/ },
  { name: "snapshots inside the statistics folder", replace: atServer("  paths:\n    snapshots: /srv/shelfstack/statistics/git"), path: "server.paths.snapshots", below: 2, says: /is inside server\.paths\.statistics/ },
  { name: "a path holding another data folder", replace: atServer("  paths:\n    appdata: /srv/shelfstack/library"), path: "server.paths.appdata", below: 2, says: /\(the applications' state\) holds server\.paths\.ebooks/ },
  { name: "a relative device path", replace: atPalma("    libraryPath: Books"), path: "devices[0].libraryPath", below: 1, says: /"Books" is not an absolute path — write the full path on the device/ },
  { name: "a device path with ..", replace: atPalma("    koreaderSettingsPath: /storage/emulated/0/../../settings"), path: "devices[0].koreaderSettingsPath", below: 1, says: /not a plain path/ },
  { name: "a $ in a device path", replace: atPalma("    libraryPath: /storage/emulated/0/$BOOKS"), path: "devices[0].libraryPath", below: 1, says: /contains "\$"/ },
  { name: "a device path /", replace: atPalma("    libraryPath: /"), path: "devices[0].libraryPath", below: 1, says: /is the root directory/ },
  { name: "a folder serverPath inside /proc", replace: folders("    - { id: notes, direction: from-devices, serverPath: /proc/1, devicePath: /storage/emulated/0/notes }"), path: "syncthing.folders[0].serverPath", below: 2, says: /is inside \/proc, which belongs to the system/ },
  { name: "a folder serverPath with .. resolving to /etc", replace: folders("    - { id: notes, direction: from-devices, serverPath: /srv/../etc, devicePath: /storage/emulated/0/notes }"), path: "syncthing.folders[0].serverPath", below: 2, says: /not a plain path.*e\.g\. \/etc/ },
  { name: "a folder serverPath over the application state", replace: folders("    - { id: notes, direction: from-devices, serverPath: /srv/shelfstack/appdata/notes, devicePath: /storage/emulated/0/notes }"), path: "syncthing.folders[0].serverPath", below: 2, says: /overlaps server\.paths\.appdata/ },
  { name: "a folder serverPath holding the library", replace: folders("    - { id: all, direction: to-devices, serverPath: /srv/shelfstack, devicePath: /storage/emulated/0/all }"), path: "syncthing.folders[0].serverPath", below: 2, says: /holds server\.paths\.ebooks.*sharing it would share that too/ },
  { name: "two folders over the same files", replace: folders("    - { id: a, direction: to-devices, serverPath: /srv/share, devicePath: /storage/emulated/0/a }\n    - { id: b, direction: to-devices, serverPath: /srv/share/b, devicePath: /storage/emulated/0/b }"), path: "syncthing.folders[1].serverPath", below: 3, says: /overlaps syncthing\.folders\[0\]\.serverPath/ },
  { name: "a relative embeddedDir", replace: ["backup:", "etl:\n  embeddedDir: etl-db\nbackup:"], path: "etl.embeddedDir", below: 1, says: /must be an absolute path/ },
  { name: "an embeddedDir no container mounts", replace: ["backup:", "etl:\n  embeddedDir: /srv/etl\nbackup:"], path: "etl.embeddedDir", below: 1, says: /the jobs container keeps only \/srv\/shelfstack\/appdata\/jobs.*lost when the container is recreated/ },
  { name: "remotePath with ..", replace: ["backup:", "backup:\n  remotePath: backup/../../other"], path: "backup.remotePath", below: 1, says: /a plain folder on Koofr: no "\.\."/ },
  // URLs
  { name: "an endpoint that is not a URL", replace: atKoofr("    endpoint: app.koofr.net"), path: "backup.koofr.endpoint", below: 1, says: /not a URL — write it whole, e\.g\. https:\/\/app\.koofr\.net/ },
  { name: "an endpoint that is not http(s)", replace: atKoofr("    endpoint: ftp://app.koofr.net"), path: "backup.koofr.endpoint", below: 1, says: /must start with http:\/\/ or https:\/\// },
  { name: "credentials in a URL", replace: atKoofr("    endpoint: https://alice:hunter2-secret@app.koofr.net"), path: "backup.koofr.endpoint", below: 1, says: /holds a password \(user:password@…\) — remove it/ },
  { name: "a user name in a URL", replace: ["backup:", "etl:\n  hardcoverUrl: https://token@api.hardcover.app/v1/graphql\nbackup:"], path: "etl.hardcoverUrl", below: 1, says: /holds a user name/ },
  { name: "a password in the docker host", replace: ["  dockerHost: ssh://reader@homeserver.local", "  dockerHost: ssh://reader:hunter2-secret@homeserver.local"], path: "server.dockerHost", says: /holds a password/ },
  // Secrets and schedules
  { name: "a secret read from PATH", replace: atKoofr("    password: { env: PATH }"), path: "backup.koofr.password.env", below: 1, says: /PATH is a variable the shell, Docker, Terraform or a container sets for itself .* e\.g\. SHELFSTACK_PATH/ },
  { name: "a secret read from HOME", replace: atKoofr("    password: { env: HOME }"), path: "backup.koofr.password.env", below: 1, says: /HOME is a variable/ },
  { name: "a secret read from a TS_ variable of the Tailscale container", replace: atKoofr("    password: { env: TS_AUTHKEY }"), path: "backup.koofr.password.env", below: 1, says: /TS_AUTHKEY is a variable/ },
  { name: "crypt password and salt from one variable", replace: ["backup:", "backup:\n  crypt:\n    password: { env: CRYPT }\n    salt: { env: CRYPT }"], path: "backup.crypt.salt", below: 3, says: /the same variable as crypt\.password \(CRYPT\)/ },
  { name: "a schedule that never fires (30 February)", replace: ["backup:", 'backup:\n  schedule: "0 3 30 2 *"'], path: "backup.schedule", below: 1, says: /day of month "30" never comes in month "2", so the job would never run/ },
  { name: "a schedule on 31 April, June, September, November", replace: ["backup:", 'backup:\n  schedule: "0 3 31 4,6,9,11 *"'], path: "backup.schedule", below: 1, says: /never comes/ },
];

describe("hostile stack.yaml: exit 1, line, path and fix; the previous output untouched", () => {
  const dir = tmp();
  const out = join(dir, "out");
  let before: string;

  beforeAll(() => {
    expect(shelfstack(["synth", "-c", EXAMPLE, "-o", out]).status).toBe(0);
    before = treeHash(out);
  });

  test.each(cases)("$name", (c) => {
    expect(lines.filter((l) => l === c.replace[0])).toHaveLength(1);
    const file = join(dir, "stack.yaml");
    writeFileSync(file, example.replace(`\n${c.replace[0]}\n`, `\n${c.replace[1]}\n`));
    const run = shelfstack(["synth", "-c", file, "-o", out]);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.status).toBe(1);
    const line = lineOf(c.replace[0]) + (c.below ?? 0);
    const reported = run.stderr.split("\n").find((l) => l.includes(` ${c.path}: `) && c.says.test(l));
    if (!reported) throw new Error(`expected ${c.path} ${c.says} in:\n${run.stderr}`);
    expect(reported.startsWith(`${file}:${line} `) || reported.startsWith(`${file}:${line}:`)).toBe(true);
    expect(run.stderr).not.toContain("hunter2-secret");
    expect(treeHash(out)).toBe(before);
  });

  test("field errors and cross-field rules are reported in one run", () => {
    const file = join(dir, "both.yaml");
    writeFileSync(file, example.replace("  owner: alice@example.com", "  owner: alice").replace("  - name: iphone", "  - name: palma"));
    const run = shelfstack(["validate", "-c", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("has 2 problems");
    expect(run.stderr).toMatch(/tailnet\.owner: not an e-mail address/);
    expect(run.stderr).toMatch(/devices\[1\]\.name: device name "palma" is already used/);
  });

  test("an alias bomb is refused at once, with the line of its first alias", () => {
    const file = join(dir, "bomb.yaml");
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(", ")}]`,
      );
    writeFileSync(file, `${levels.join("\n")}\n`);
    const start = Date.now();
    const run = shelfstack(["validate", "-c", file]);
    expect(Date.now() - start).toBeLessThan(15_000);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`${file}:2 \\(top level\\): the aliases \\(\\*name\\) expand to too much`));
  });

  test("an oversized file is refused by its size, not parsed", () => {
    const file = join(dir, "huge.yaml");
    writeFileSync(file, `${example}\n${"# padding padding padding padding padding padding\n".repeat(100_000)}`);
    const run = shelfstack(["validate", "-c", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/is larger than 4 MiB, far more than any stack\.yaml — is it the right file\?/);
  });

  test("-c a directory, /dev/zero, a named pipe: exit 1 with the reason, no hang", () => {
    const sub = join(dir, "conf");
    mkdirSync(sub);
    const asDir = shelfstack(["validate", "-c", sub]);
    expect(asDir.status).toBe(1);
    expect(asDir.stderr).toMatch(/is a directory — name the file, e\.g\. -c .*conf\/stack\.yaml/);
    const zero = shelfstack(["synth", "-c", "/dev/zero", "-o", out]);
    expect(zero.status).toBe(1);
    expect(zero.stderr).toMatch(/\/dev\/zero is not a regular file/);
    const fifo = join(dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const pipe = shelfstack(["validate", "-c", fifo]);
    expect(pipe.status).toBe(1);
    expect(pipe.stderr).toMatch(/is not a regular file/);
    expect(treeHash(out)).toBe(before);
  });

  // Root reads any file whatever its mode: as root (CI), the CLI runs as an ordinary user.
  test("an unreadable file: exit 1, says how to fix", () => {
    chmodSync(dir, 0o755);
    const file = join(dir, "locked.yaml");
    writeFileSync(file, example);
    chmodSync(file, 0o000);
    const asUser = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--"] : [];
    const cmd = [...asUser, process.execPath, CLI, "validate", "-c", file];
    const run = spawnSync(cmd[0], cmd.slice(1), { cwd: dir, env: { PATH: process.env.PATH }, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cannot read it \(permission denied\)/);
  });
});

describe("cron lines that can never fire", () => {
  test.each([
    ["0 3 30 2 *", true],
    ["0 3 30-31 FEB *", true],
    ["0 3 31 4,6,9,11 *", true],
    ["0 3 29 2 *", false], // leap years
    ["0 3 31 */2 *", false], // January has 31 days
    ["0 3 30 2 1", false], // day of week ORs with day of month
    ["0 3 1-31/30 2 *", false],
    ["30 3 * * *", false],
  ])("%s never fires: %s", (expression, never) => {
    expect(cronProblem(expression as string)?.includes("never") ?? false).toBe(never);
  });
});
