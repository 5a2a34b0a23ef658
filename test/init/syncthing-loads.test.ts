import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { shelfstack, tmp } from "../helpers/cli";
import { describeWhen } from "../helpers/tools";
import { deviceFacts, folderFacts, loadInSyncthing, type Loaded } from "../syncthing/load-config";
import { generate, Sandbox, syncthingProblem } from "../syncthing/syncthing-process";

/**
 * From an empty directory: `shelfstack init` with flags, then `shelfstack synth`. Real Syncthing
 * then starts with the key pair init made (placed in its home as the server's start script does)
 * and reports the ID init printed, and the reader's config.xml loads with the server in it.
 */
describeWhen(syncthingProblem(), "init + synth: real Syncthing runs the identity init made", () => {
  const sandboxes: Sandbox[] = [];
  let serverId: string;
  let readerId: string;
  let server: Loaded;
  let reader: Loaded;
  let certificate: string;
  let certificateAfter: string;

  beforeAll(async () => {
    const readerBox = new Sandbox();
    const serverBox = new Sandbox();
    sandboxes.push(readerBox, serverBox);
    readerId = generate(readerBox);

    const root = tmp("shelfstack-init-st-");
    const home = join(root, "home");
    mkdirSync(home);
    const init = shelfstack(
      [
        "init",
        "repo",
        "--tailnet",
        "tail9abc.ts.net",
        "--owner",
        "me@example.com",
        "--docker-host",
        "ssh://me@nas",
        "--hostname",
        "books",
        "--device",
        `palma:android-ereader:${readerId}`,
        "--no-backup",
        "--yes",
      ],
      { cwd: root, env: { HOME: home } },
    );
    if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
    serverId = /server Syncthing device ID: (\S+)/.exec(init.stdout)![1];
    const out = join(root, "out");
    const synth = shelfstack(["synth", "-c", "repo/stack.yaml", "-o", out], { cwd: root, env: { HOME: home } });
    if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);

    // What the start script does before Syncthing's first start: the rendered cert.pem and the key from the deploying machine.
    mkdirSync(serverBox.home, { recursive: true });
    certificate = readFileSync(join(out, "syncthing/server/cert.pem"), "utf8");
    copyFileSync(join(out, "syncthing/server/cert.pem"), join(serverBox.home, "cert.pem"));
    copyFileSync(join(home, ".config/shelfstack/books-syncthing-key.pem"), join(serverBox.home, "key.pem"));
    [server, reader] = await Promise.all([
      loadInSyncthing(join(out, "syncthing/server/config.xml"), { sandbox: serverBox, sandboxes, ignores: {} }),
      loadInSyncthing(join(out, "syncthing/palma/config.xml"), { sandbox: readerBox, sandboxes, ignores: {} }),
    ]);
    certificateAfter = readFileSync(join(serverBox.home, "cert.pem"), "utf8");
  });

  afterAll(() => {
    for (const s of sandboxes) s.remove();
  });

  test("the server's Syncthing reports exactly the ID init printed, and kept the certificate", () => {
    expect(server.myId).toBe(serverId);
    expect(certificateAfter).toBe(certificate);
  });

  test("the reader's config lists the server by that ID, with its tailnet address", () => {
    expect(reader.myId).toBe(readerId);
    expect(deviceFacts(reader.config)[serverId]).toMatchObject({ name: "books", addresses: ["tcp://books.tail9abc.ts.net:22000"] });
    // The server never dials a reader: the reader dials it.
    expect(deviceFacts(server.config)[readerId]).toMatchObject({ name: "palma", addresses: ["dynamic"] });
  });

  test("each folder of the reader is shared with the server, with the type its direction gives", () => {
    const folders = Object.fromEntries((reader.config.folders as { id: string }[]).map((f) => [f.id, folderFacts(f)]));
    expect(Object.keys(folders).sort()).toEqual(["koreader-palma", "library"]);
    expect(folders.library).toMatchObject({ type: "receiveonly", devices: [readerId, serverId].sort() });
    expect(folders["koreader-palma"]).toMatchObject({ type: "sendonly", devices: [readerId, serverId].sort() });
    const serverFolders = Object.fromEntries((server.config.folders as { id: string }[]).map((f) => [f.id, folderFacts(f)]));
    expect(serverFolders.library).toMatchObject({ type: "sendonly", devices: [readerId, serverId].sort() });
    expect(serverFolders["koreader-palma"]).toMatchObject({ type: "receiveonly", devices: [readerId, serverId].sort() });
  });
});
