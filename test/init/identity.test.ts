import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deviceIdOfCertificate } from "../../config/syncthing-identity";
import { shelfstack, tmp } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";

/** `syncthing --device-id` loads the key pair in a home and prints its ID (no network, no root). */
function syncthingDeviceId(home: string): { status: number | null; id: string; output: string } {
  const r = spawnSync("syncthing", [`--home=${home}`, "--device-id"], { encoding: "utf8" });
  return { status: r.status, id: r.stdout.trim(), output: `${r.stdout}${r.stderr}` };
}

describeWithTool("syncthing", "apt-get install syncthing (Debian bookworm ships 1.19.2)", "the device ID of a certificate, as Syncthing derives it", () => {
  test("a key pair Syncthing made itself: our derivation gives Syncthing's ID", () => {
    const home = join(tmp(), "st");
    const r = spawnSync("syncthing", ["generate", `--home=${home}`, "--no-default-folder", "--skip-port-probing"], { encoding: "utf8" });
    const printed = /Device ID: (\S+)/.exec(`${r.stdout}${r.stderr}`)![1];
    expect(deviceIdOfCertificate(readFileSync(join(home, "cert.pem"), "utf8"))).toBe(printed);
  });

  test("the key pair `shelfstack syncthing identity` made: Syncthing loads it and shows the printed ID", () => {
    const root = tmp();
    const home = join(root, "home");
    const repo = join(root, "repo");
    mkdirSync(home);
    mkdirSync(repo);
    writeFileSync(join(repo, "stack.yaml"), readFileSync(join(__dirname, "../../examples/stack.yaml"), "utf8"));
    const run = shelfstack(["syncthing", "identity", "--key-file", "~/keys/server.pem"], { cwd: repo, env: { HOME: home } });
    expect(run.status).toBe(0);
    const printed = /server Syncthing device ID: (\S+)/.exec(run.stdout)![1];
    const stHome = join(root, "st");
    mkdirSync(stHome);
    copyFileSync(join(repo, "syncthing-server-cert.pem"), join(stHome, "cert.pem"));
    copyFileSync(join(home, "keys/server.pem"), join(stHome, "key.pem"));
    expect(syncthingDeviceId(stHome)).toMatchObject({ status: 0, id: printed });
  });

  test("a certificate with another key is refused by Syncthing (so the check above can fail)", () => {
    const root = tmp();
    for (const name of ["a", "b"]) spawnSync("syncthing", ["generate", `--home=${join(root, name)}`, "--no-default-folder", "--skip-port-probing"]);
    copyFileSync(join(root, "b/key.pem"), join(root, "a/key.pem"));
    const r = syncthingDeviceId(join(root, "a"));
    expect(r.status).not.toBe(0);
    expect(r.output).toContain("private key does not match public key");
  });
});
