import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseStack } from "../../config/load";
import { deviceIdFromDigest } from "../../config/device-id";
import { deviceIdOfCertificate } from "../../config/syncthing-identity";
import { readTree, shelfstack, tmp, treeHash } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { onTerminal } from "./terminal";

// A real reader's ID (Syncthing's docs) and the same ID with its last check character wrong.
const READER_ID = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";
const MISTYPED_ID = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAA";
const FLAGS = [
  "--tailnet",
  "tail9abc.ts.net",
  "--owner",
  "me@example.com",
  "--docker-host",
  "ssh://me@nas",
  "--device",
  `palma:android-ereader:${READER_ID}`,
  "--device",
  "iphone:ios",
];

/** A directory for the stack (the user's repository) and a home outside it, where the key goes. */
function workspace() {
  const root = tmp("shelfstack-init-");
  const home = join(root, "home");
  mkdirSync(home);
  return { root, home, repo: join(root, "repo"), env: { HOME: home } };
}

const printedId = (stdout: string) => /server Syncthing device ID: ([A-Z2-7-]{63})/.exec(stdout)?.[1];

describe("shelfstack init with flags", () => {
  const w = workspace();
  let run: ReturnType<typeof shelfstack>;
  beforeAll(() => {
    run = shelfstack(["init", "repo", ...FLAGS, "--timezone", "Europe/Berlin", "--yes"], { cwd: w.root, env: w.env });
  });

  test("writes a short stack.yaml in the example's shape: schema header, answers, no defaults", () => {
    expect(run.status).toBe(0);
    const id = printedId(run.stdout)!;
    expect(readFileSync(join(w.repo, "stack.yaml"), "utf8")).toBe(`# yaml-language-server: $schema=./stack.schema.json
# Written by \`shelfstack init\`. Secrets never appear here: each is read from an environment
# variable at deploy time (.env.example lists them).

server:
  dockerHost: ssh://me@nas
  timezone: Europe/Berlin

tailnet:
  name: tail9abc.ts.net
  owner: me@example.com

devices:
  - name: palma
    kind: android-ereader
    syncthingId: ${READER_ID}
  - name: iphone
    kind: ios

backup:
  koofr:
    user: me@example.com

syncthing:
  serverId: ${id}
  identity:
    certificate: syncthing-server-cert.pem
    keyFile: ~/.config/shelfstack/shelf-syncthing-key.pem
`);
    expect(() => parseStack(readFileSync(join(w.repo, "stack.yaml"), "utf8"))).not.toThrow();
    // Nothing else anywhere: not even cdktf's output directory where init was run.
    expect(readdirSync(w.root).sort()).toEqual(["home", "repo"]);
    expect(JSON.parse(readFileSync(join(w.repo, "stack.schema.json"), "utf8")).properties.syncthing).toBeDefined();
  });

  test("the printed server ID is the certificate's; the private key is outside the repository, mode 0600", () => {
    const id = printedId(run.stdout)!;
    expect(deviceIdOfCertificate(readFileSync(join(w.repo, "syncthing-server-cert.pem"), "utf8"))).toBe(id);
    const key = join(w.home, ".config/shelfstack/shelf-syncthing-key.pem");
    expect(readFileSync(key, "utf8")).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    for (const [path, content] of readTree(w.repo)) expect({ path, key: content.toString().includes("PRIVATE KEY") }).toEqual({ path, key: false });
  });

  test(".env.example lists exactly the secrets synth asks for, each with what it is for", () => {
    const out = join(w.root, "out");
    const synth = shelfstack(["synth", "-c", join(w.repo, "stack.yaml"), "-o", out], { cwd: w.root, env: w.env });
    expect(synth.stderr).toContain("wrote");
    const terraform = JSON.parse(readFileSync(join(out, "stacks/shelfstack/cdk.tf.json"), "utf8"));
    const env = readFileSync(join(w.repo, ".env.example"), "utf8");
    const names = [...env.matchAll(/^([A-Z_][A-Z0-9_]*)=$/gm)].map((m) => m[1]);
    expect(names).toEqual(Object.keys(terraform.variable).sort());
    expect(env).toMatch(/# a Koofr app password .*\(stack\.yaml: backup\.koofr\.password\)\nKOOFR_APP_PASSWORD=\n/);
    expect(env).toContain("~/.config/shelfstack/shelf-syncthing-key.pem");
  });

  test("the first synth is complete: the reader's config lists the server; its SETUP.md shows the server's ID and address", () => {
    const out = join(w.root, "out");
    const id = printedId(run.stdout)!;
    const reader = readFileSync(join(out, "syncthing/palma/config.xml"), "utf8");
    expect(reader).toContain(`<device id="${id}" name="shelf"`);
    expect(reader).toContain("<address>tcp://shelf.tail9abc.ts.net:22000</address>");
    expect(reader).not.toContain("server is not listed yet");
    const setup = readFileSync(join(out, "setup/palma/SETUP.md"), "utf8");
    expect(setup).toContain(`\`${id}\``);
    expect(setup).not.toContain("docker logs");
  });

  test("the deploy places the identity: the key by path (never in the output or the state), the certificate as a file", () => {
    const out = join(w.root, "out");
    const key = readFileSync(join(w.home, ".config/shelfstack/shelf-syncthing-key.pem"), "utf8");
    const keyBody = key.split("\n")[1];
    for (const [path, content] of readTree(out)) expect({ path, key: content.toString().includes(keyBody) }).toEqual({ path, key: false });
    const terraform = readFileSync(join(out, "stacks/shelfstack/cdk.tf.json"), "utf8");
    expect(terraform).toContain(`"source": "\${pathexpand(\\"~/.config/shelfstack/shelf-syncthing-key.pem\\")}"`);
    expect(readFileSync(join(out, "docker-compose.yml"), "utf8")).toContain("- ~/.config/shelfstack/shelf-syncthing-key.pem:/shelfstack/identity/key.pem:ro");
    expect(readFileSync(join(out, "syncthing/server/cert.pem"), "utf8")).toBe(readFileSync(join(w.repo, "syncthing-server-cert.pem"), "utf8"));
    const start = readFileSync(join(out, "syncthing/server/start.sh"), "utf8");
    expect(start).toContain(`cp '/shelfstack/identity/key.pem' "$home/key.pem"`);
    expect(start.indexOf("key.pem")).toBeLessThan(start.indexOf("exec "));
  });

  test("refuses to replace an existing stack.yaml, and touches nothing", () => {
    const before = treeHash(w.root);
    const again = shelfstack(["init", "repo", ...FLAGS, "--yes"], { cwd: w.root, env: w.env });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${join(w.repo, "stack.yaml")} already exists — init never replaces it`);
    expect(treeHash(w.root)).toBe(before);
  });
});

describe("shelfstack init refuses bad input before writing anything", () => {
  test.each([
    ["a missing answer without a terminal", ["--tailnet", "tail9abc.ts.net", "--yes"], "--owner is needed"],
    ["a default without --yes and without a terminal", FLAGS, "--hostname is needed: the server's name on the tailnet (or --yes for the default, shelf)"],
    [
      "a mistyped Syncthing ID",
      ["--tailnet", "tail9abc.ts.net", "--owner", "me@example.com", "--docker-host", "ssh://me@nas", "--device", `palma:android-ereader:${MISTYPED_ID}`, "--yes"],
      `--device palma:android-ereader:${MISTYPED_ID}: not a Syncthing device ID`,
    ],
    ["a bad tailnet name", ["--tailnet", "example.com", ...FLAGS.slice(2), "--yes"], "--tailnet example.com: not a tailnet DNS name"],
    ["a relative key file", [...FLAGS, "--key-file", "keys/server.pem", "--yes"], "--key-file keys/server.pem: write an absolute path or one starting with ~/"],
    [
      "a key file inside the repository",
      [...FLAGS, "--key-file", "<repo>/server-key.pem", "--yes"],
      "<repo>/server-key.pem is inside the stack's directory, where it would be committed",
    ],
  ])("%s", (_name, args, message) => {
    const w = workspace();
    mkdirSync(w.repo);
    const run = shelfstack(["init", "repo", ...args.map((a) => a.replace("<repo>", w.repo))], { cwd: w.root, env: w.env });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(message.replace("<repo>", w.repo));
    expect(readdirSync(w.repo)).toEqual([]);
    expect(existsSync(join(w.home, ".config"))).toBe(false);
    expect(readdirSync(w.root).sort()).toEqual(["home", "repo"]);
  });
});

describeWithTool("script", "apt-get install util-linux (script)", "shelfstack init on a terminal", () => {
  test("asks each question, re-asks a mistyped Syncthing ID, and writes what was answered", async () => {
    const w = workspace();
    const session = await onTerminal(
      ["init", "repo"],
      [
        ["Tailnet name", "tail9abc.ts.net"],
        ["Your tailnet login", "me@example"],
        ["not an e-mail address", "me@example.com"],
        ["The server's Docker", "ssh://me@nas"],
        ["name on the tailnet [shelf]", ""],
        ["time zone", ""],
        ["Device name", "palma"],
        ["Kind of palma", ""],
        ["Syncthing ID of palma", MISTYPED_ID],
        ["not a Syncthing device ID", READER_ID.toLowerCase()],
        ["Another device's name", "iphone"],
        ["Kind of iphone", "ios"],
        ["Another device's name", ""],
        ["Back up the library to Koofr", "n"],
        ["Make the server's Syncthing identity now", ""],
        ["Where to keep its private key", ""],
      ],
      { cwd: w.root, env: w.env },
    );
    expect({ status: session.status, answered: session.answered }).toEqual({ status: 0, answered: 16 });
    // The mistyped ID was refused once, then the corrected one taken (in Syncthing's canonical form).
    expect(session.transcript.match(/Syncthing ID of palma/g)).toHaveLength(2);
    const config = parseStack(readFileSync(join(w.repo, "stack.yaml"), "utf8"));
    expect(config.devices.map((d) => [d.name, d.kind, d.syncthingId])).toEqual([
      ["palma", "android-ereader", READER_ID],
      ["iphone", "ios", undefined],
    ]);
    expect(config.backup).toBeUndefined();
    expect(config.server.timezone).toBe("UTC");
    expect(config.syncthing.serverId).toBe(printedId(session.transcript));
    expect(existsSync(join(w.home, ".config/shelfstack/shelf-syncthing-key.pem"))).toBe(true);
  });
});

describe("shelfstack syncthing identity, for an existing stack", () => {
  const w = workspace();
  const stack = () => join(w.repo, "stack.yaml");
  beforeAll(() => {
    mkdirSync(w.repo);
    writeFileSync(stack(), readFileSync(join(__dirname, "../../examples/stack.yaml"), "utf8").replace("../stack.schema.json", "./stack.schema.json"));
  });

  test("writes the device ID and the identity into stack.yaml, keeping its comments", () => {
    const before = readFileSync(stack(), "utf8");
    const run = shelfstack(["syncthing", "identity"], { cwd: w.repo, env: w.env });
    expect(run.status).toBe(0);
    const id = printedId(run.stdout)!;
    const after = readFileSync(stack(), "utf8");
    expect(after.startsWith(before.split("\nbackup:")[0])).toBe(true);
    expect(after).toContain(`syncthing:\n  serverId: ${id}\n  identity:\n    certificate: syncthing-server-cert.pem\n    keyFile: ~/.config/shelfstack/shelf-syncthing-key.pem\n`);
    expect(deviceIdOfCertificate(readFileSync(join(w.repo, "syncthing-server-cert.pem"), "utf8"))).toBe(id);
  });

  test("refuses to replace the identity it has, and a key file that exists", () => {
    const before = treeHash(w.root);
    const again = shelfstack(["syncthing", "identity"], { cwd: w.repo, env: w.env });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already has syncthing.identity");
    const replace = shelfstack(["syncthing", "identity", "--replace"], { cwd: w.repo, env: w.env });
    expect(replace.status).toBe(1);
    expect(replace.stderr).toContain("~/.config/shelfstack/shelf-syncthing-key.pem already exists");
    expect(treeHash(w.root)).toBe(before);
  });

  test("refuses to change a server ID the server made itself, unless told to", () => {
    const g = workspace();
    mkdirSync(g.repo);
    const serverMade = deviceIdFromDigest(new Uint8Array(32).fill(9));
    const text = `${readFileSync(join(__dirname, "../../examples/stack.yaml"), "utf8")}syncthing:\n  serverId: ${serverMade}\n`;
    writeFileSync(join(g.repo, "stack.yaml"), text);
    const run = shelfstack(["syncthing", "identity"], { cwd: g.repo, env: g.env });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`already names the server's ID (${serverMade})`);
    expect(readdirSync(g.repo)).toEqual(["stack.yaml"]);
    expect(shelfstack(["syncthing", "identity", "--replace"], { cwd: g.repo, env: g.env }).status).toBe(0);
    expect(readFileSync(join(g.repo, "stack.yaml"), "utf8")).not.toContain(serverMade);
  });

  test("synth refuses a serverId that is not the certificate's, naming the field and its line", () => {
    const text = readFileSync(stack(), "utf8");
    const someOtherServer = deviceIdFromDigest(new Uint8Array(32).fill(7));
    writeFileSync(stack(), text.replace(/serverId: \S+/, `serverId: ${someOtherServer}`));
    const run = shelfstack(["synth", "-o", join(w.root, "out")], { cwd: w.repo, env: w.env });
    writeFileSync(stack(), text);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/stack\.yaml:\d+ syncthing\.serverId: does not match syncthing-server-cert\.pem, whose device ID is [A-Z2-7-]{63}/);
    expect(existsSync(join(w.root, "out"))).toBe(false);
  });

  test("the repository's .gitignore from init keeps state, keys, databases and outputs out (git check-ignore)", () => {
    const g = workspace();
    const run = shelfstack(["init", "repo", ...FLAGS, "--yes"], { cwd: g.root, env: g.env });
    expect(run.status).toBe(0);
    execFileSync("git", ["init", "-q", g.repo]);
    const ignored = (p: string) => {
      try {
        execFileSync("git", ["-C", g.repo, "check-ignore", "-q", p]);
        return true;
      } catch {
        return false;
      }
    };
    for (const p of [
      "cdktf.out",
      ".cdktf.out.shelfstack-123-ab12/stacks/shelfstack/cdk.tf.json",
      "keys/etl/api-key",
      "shelfstack-etl/PG_VERSION",
      "terraform.shelfstack.tfstate",
      "terraform.shelfstack.tfstate.backup",
      ".env",
      "key.pem",
      "statistics.sqlite3",
      "statistics.sqlite3-wal",
    ]) {
      expect({ p, ignored: ignored(p) }).toEqual({ p, ignored: true });
    }
    for (const p of ["stack.yaml", ".env.example", "syncthing-server-cert.pem", "stack.schema.json"]) expect({ p, ignored: ignored(p) }).toEqual({ p, ignored: false });
    // And for real: after a synth, git sees only what init wrote.
    expect(shelfstack(["synth"], { cwd: g.repo, env: g.env }).status).toBe(0);
    const untracked = execFileSync("git", ["-C", g.repo, "status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" });
    expect(untracked.split("\n").filter(Boolean).sort()).toEqual(["?? .env.example", "?? .gitignore", "?? stack.schema.json", "?? stack.yaml", "?? syncthing-server-cert.pem"]);
  });
});
