import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { CLI, readTree } from "../helpers/cli";
import { AbsStandIn } from "./abs-stand-in";
import { cleanTmp, CLIENTS, EXAMPLE, exampleWithAppdata, keyFile, PASSWORD, run, tmp } from "./helpers";

/**
 * Keys live in the key files only. With real keys written by a bootstrap, and the old way of
 * giving one (ABS_API_KEY) still exported, synth writes no key anywhere: not in a rendered file,
 * not in the Terraform JSON (so not in its state). And every client's container reads exactly
 * the file the bootstrap wrote for it.
 */
let abs: AbsStandIn;
let out: string;
let keys: string[];
let appdata: string;

beforeAll(async () => {
  abs = new AbsStandIn();
  await abs.listen();
  const dir = tmp();
  appdata = join(dir, "appdata");
  await run(exampleWithAppdata(appdata), abs.url);
  keys = CLIENTS.map((c) => readFileSync(keyFile(join(appdata, "abs-keys"), c), "utf8"));

  const doc = parse(readFileSync(EXAMPLE, "utf8")) as { server: { paths?: Record<string, string> } };
  doc.server.paths = { appdata };
  writeFileSync(join(dir, "stack.yaml"), stringify(doc));
  out = join(dir, "out");
  const synth = spawnSync(process.execPath, [CLI, "synth", "-c", join(dir, "stack.yaml"), "-o", out], {
    env: { ...process.env, ABS_API_KEY: keys[0], TF_VAR_ABS_API_KEY: keys[0], ABS_ROOT_PASSWORD: PASSWORD },
    encoding: "utf8",
  });
  expect(synth.stderr).toContain("wrote");
  expect(synth.status).toBe(0);
});
afterAll(async () => {
  await abs.close();
  cleanTmp();
});

test("no output file holds a key (or the root password)", () => {
  const tree = readTree(out);
  expect(tree.size).toBeGreaterThan(10);
  for (const [path, content] of tree) {
    for (const secret of [...keys, PASSWORD]) {
      if (content.includes(secret)) throw new Error(`${path} holds a secret`);
    }
  }
});

test("Terraform and compose never carry a key: no variable for it, only the key file's name", () => {
  const json = JSON.parse(readFileSync(join(out, "stacks/shelfstack/cdk.tf.json"), "utf8"));
  expect(Object.keys(json.variable).filter((v) => /ABS_API_KEY|ABS_TOKEN|OPDS_USERS/.test(v))).toEqual([]);
  for (const container of Object.values(json.resource.docker_container) as { env?: string[] }[]) {
    for (const e of container.env ?? []) expect(e).not.toMatch(/^(ABS_API_KEY|OPDS_USERS|SHELFBRIDGE_USER_0_ABS_TOKEN)=/);
  }
  const compose = readFileSync(join(out, "docker-compose.yml"), "utf8");
  expect(compose).not.toMatch(/\$\{ABS_API_KEY|OPDS_USERS|SHELFBRIDGE_USER_0_ABS_TOKEN/);
});

test("each client's container mounts its own key directory read-only and names the file the bootstrap wrote", () => {
  const json = JSON.parse(readFileSync(join(out, "stacks/shelfstack/cdk.tf.json"), "utf8"));
  const containers = Object.values(json.resource.docker_container) as {
    name: string;
    env?: string[];
    volumes?: { host_path: string; container_path: string; read_only: boolean }[];
  }[];
  const keyFileSeenBy = (name: string) => {
    const c = containers.find((x) => x.name === name)!;
    const inside = c.env!.find((e) => e.startsWith("ABS_API_KEY_FILE="))!.slice("ABS_API_KEY_FILE=".length);
    const mount = c.volumes!.find((v) => inside.startsWith(`${v.container_path}/`))!;
    return { host: mount.host_path + inside.slice(mount.container_path.length), readOnly: mount.read_only, mounts: c.volumes!.filter((v) => v.host_path.includes("abs-keys")) };
  };
  for (const [container, client] of [
    ["abs-opds", "abs-opds"],
    ["shelfbridge", "shelfbridge"],
    ["ingest", "ingest"],
  ]) {
    const seen = keyFileSeenBy(container);
    expect(seen.host).toBe(keyFile(join(appdata, "abs-keys"), client));
    expect(existsSync(seen.host)).toBe(true);
    expect(seen.readOnly).toBe(true);
    expect(seen.mounts).toHaveLength(1);
  }
  // The jobs container runs the bootstrap (writes every key) and the ETL (reads its own).
  const jobs = keyFileSeenBy("jobs");
  expect(jobs.host).toBe(keyFile(join(appdata, "abs-keys"), "etl"));
  expect(jobs.mounts).toEqual([{ host_path: join(appdata, "abs-keys"), container_path: join(appdata, "abs-keys"), read_only: false }]);
});
