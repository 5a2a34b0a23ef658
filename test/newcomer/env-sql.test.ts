import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { CLI, EXAMPLE, ROOT, tmp } from "../helpers/cli";
import { koreaderFixture } from "../etl/helpers/suite";

/** The CLI with only PATH and HOME from the developer's shell: each test says which secrets it sets. */
const run = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = tmp()) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("shelfstack env", () => {
  test("lists every secret the example needs, with its field, and which are set — never a value", () => {
    const canary = "canary-value-must-not-print-7f3a";
    const r = run(["env"], { TF_VAR_HARDCOVER_TOKEN: canary, OPDS_PASSWORD: canary });
    expect(r.status).toBe(0);
    for (const name of [
      "ABS_ROOT_PASSWORD",
      "HARDCOVER_TOKEN",
      "KOOFR_APP_PASSWORD",
      "OPDS_PASSWORD",
      "RCLONE_CRYPT_PASSWORD",
      "RCLONE_CRYPT_SALT",
      "SYNCTHING_API_KEY",
      "TAILSCALE_API_KEY",
      "TAILSCALE_AUTH_KEY",
      "DATABASE_URL",
    ]) {
      expect(r.stdout).toContain(`${name}\n`);
    }
    expect(r.stdout).toContain("for: backup.koofr.password — a Koofr app password");
    expect(r.stdout).toContain("TF_VAR_HARDCOVER_TOKEN set, HARDCOVER_TOKEN NOT SET");
    expect(r.stdout).toContain("TF_VAR_OPDS_PASSWORD NOT SET, OPDS_PASSWORD set");
    expect(r.stdout).toContain("TF_VAR_DATABASE_URL unset (optional)");
    // The Terraform path makes the server's auth key itself; compose needs one.
    expect(r.stdout).toMatch(/TAILSCALE_AUTH_KEY\n.*\n  TAILSCALE_AUTH_KEY NOT SET\n/);
    expect(r.stdout + r.stderr).not.toContain(canary);
  });

  test("--check exits 1 while a required variable of that path is unset, 0 once all are", () => {
    const listed = JSON.parse(run(["env", "--for", "terraform", "--json"]).stdout) as { variables: { variable: string; need: string }[] }[];
    const required = listed
      .flatMap((r) => r.variables)
      .filter((v) => v.need === "required")
      .map((v) => v.variable);
    expect(required).toContain("TF_VAR_TAILSCALE_API_KEY");
    expect(required).not.toContain("TF_VAR_TAILSCALE_AUTH_KEY");
    expect(run(["env", "--for", "terraform", "--check"]).status).toBe(1);
    const all = Object.fromEntries(required.map((v) => [v, "x"]));
    const r = run(["env", "--for", "terraform", "--check"], all);
    expect([r.status, r.stdout]).toEqual([0, expect.stringContaining("Every required variable is set.")]);
  });

  test("leaves the directory it runs in as it was, so a later synth there is not refused", () => {
    const dir = tmp();
    expect(run(["env"], {}, dir).status).toBe(0);
    expect(run(["validate"], {}, dir).status).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    expect(run(["synth"], {}, dir).status).toBe(0);
  });

  test("--for takes only terraform or compose", () => {
    const r = run(["env", "--for", "helm"]);
    expect([r.status, r.stderr]).toEqual([1, expect.stringContaining("--for takes terraform or compose")]);
  });
});

describe("shelfstack sql: the embedded warehouse", () => {
  test("queries what the ETL loaded, read-only", () => {
    const dir = tmp();
    const stats = join(dir, "statistics.sqlite3");
    const { db } = koreaderFixture(stats);
    db.db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    const warehouse = join(dir, "warehouse");
    expect(run(["etl", "--stats", `palma=${stats}`, "--database", warehouse]).status).toBe(0);

    const count = run(["sql", "--database", warehouse, "SELECT count(*)::int AS books FROM books"]);
    expect(count.status).toBe(0);
    expect(count.stdout).toMatch(/^books\n-----\n\s*[1-9]\d*\n\(1 row\)\n$/);

    const csv = run(["sql", "--database", warehouse, "--csv", "SELECT 'a,b' AS x, 2 AS y"]);
    expect(csv.stdout).toBe('x,y\n"a,b",2\n');

    const write = run(["sql", "--database", warehouse, "DELETE FROM books"]);
    expect([write.status, write.stderr]).toEqual([1, expect.stringContaining("read-only")]);
    expect(run(["sql", "--database", warehouse, "SELECT count(*)::int AS books FROM books"]).stdout).toBe(count.stdout);
  });

  test("a warehouse that is not there yet is not created: it says what to run", () => {
    const missing = join(tmp(), "nothing-here");
    const r = run(["sql", "--database", missing, "SELECT 1"]);
    expect([r.status, r.stderr]).toEqual([1, expect.stringContaining("`shelfstack etl` creates it")]);
    expect(existsSync(missing)).toBe(false);
  });
});

describe("a folder the user may not write", () => {
  const asNobody = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--"] : [];
  test("is one line that says why and what to do, exit 1, not an internal error", () => {
    const dir = tmp();
    chmodSync(dir, 0o755);
    const locked = join(dir, "locked");
    mkdirSync(locked, { mode: 0o555 });
    // As root (CI), as an ordinary user: root may write anywhere.
    const cmd = [...asNobody, process.execPath, CLI, "snapshot", "--repo", join(locked, "repo")];
    const r = spawnSync(cmd[0], cmd.slice(1), { cwd: dir, env: { PATH: process.env.PATH }, encoding: "utf8" });
    expect(r.stderr).not.toContain("internal error");
    expect(r.stderr).toContain(`${join(locked, "repo")} is not yours to write (permission denied)`);
    expect(r.status).toBe(1);
  });
});

describe("the repository's .gitignore", () => {
  test("keeps synth's output, Terraform state, keys and the try-out warehouse out, and stack.yaml in", () => {
    const repo = tmp();
    execFileSync("git", ["init", "-q", repo]);
    copyFileSync(join(ROOT, ".gitignore"), join(repo, ".gitignore"));
    copyFileSync(EXAMPLE, join(repo, "stack.yaml"));
    expect(run(["synth"], {}, repo).status).toBe(0);
    // What a deploy, `bootstrap --keys-dir ./keys` and a try-out `etl` leave beside it.
    for (const f of ["terraform.shelfstack.tfstate", "terraform.shelfstack.tfstate.backup", "keys/etl/api-key", "shelfstack-etl/PG_VERSION", ".env"]) {
      mkdirSync(dirname(join(repo, f)), { recursive: true });
      writeFileSync(join(repo, f), "secret");
    }
    const status = execFileSync("git", ["-C", repo, "status", "--porcelain", "--untracked-files=all"], { encoding: "utf8" });
    expect(status.split("\n").filter(Boolean).sort()).toEqual(["?? .gitignore", "?? stack.yaml"]);
  });
});
