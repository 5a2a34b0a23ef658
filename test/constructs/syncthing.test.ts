// The Syncthing construct on its own, from plain props: both sides of every folder, one ignore
// file per content and side, and the tailnet access it asks for.
import { parse } from "yaml";
import { Syncthing, ignoreFilePath } from "../../constructs/syncthing";
import type { SyncthingDevice, SyncthingFolder } from "../../config/syncthing-folders";
import { bareStack, network, renderedFiles, synthesize, terraformContainer } from "./helpers";
import { ComposeFile } from "../../constructs/compose";

const SERVER_ID = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";
const ID = (n: number) => `${"ABCDEFG".slice(n % 7)}${"ABCDEFG".slice(0, n % 7)}-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWA${n}`;
const server: SyncthingDevice = { name: "shelf", deviceId: SERVER_ID, address: "tcp://shelf.tail1234.ts.net:22000" };
const readers: SyncthingDevice[] = [1, 2].map((n) => ({ name: `r${n}`, deviceId: ID(n), address: "dynamic", kind: "android-ereader", owner: "alice@example.com" }));

const library: SyncthingFolder = {
  id: "library",
  label: "Library",
  content: "library",
  direction: "to-devices",
  server: { path: "/srv/books", type: "sendonly", ignores: ["/metadata.db"] },
  devices: readers.map((r) => ({ name: r.name, deviceId: r.deviceId!, path: "/storage/Books", type: "receiveonly", ignores: ["/metadata.db", "*.sdr"] })),
};
const statistics = (r: SyncthingDevice): SyncthingFolder => ({
  id: `koreader-${r.name}`,
  label: `KOReader settings (${r.name})`,
  content: "koreader-settings",
  direction: "from-devices",
  server: { path: `/srv/stats/${r.name}`, type: "receiveonly", ignores: ["*-shm"] },
  devices: [{ name: r.name, deviceId: r.deviceId!, path: "/storage/koreader/settings", type: "sendonly", ignores: ["*-shm"] }],
});

function build(folders: SyncthingFolder[] = [library, ...readers.map(statistics)]) {
  const stack = bareStack();
  const syncthing = new Syncthing(stack, "Syncthing", {
    folders,
    server,
    devices: readers,
    apiKey: { env: "SYNCTHING_API_KEY" },
    appdataDir: "/srv/appdata",
    user: "1000:1000",
    timezone: "UTC",
    network: network(stack),
  });
  new ComposeFile(stack, "Compose");
  return { stack, syncthing, files: renderedFiles(stack), json: synthesize(stack) };
}

describe("Syncthing, built alone", () => {
  const { syncthing, files, json } = build();

  test("one config.xml per side; one .stignore per content and side, whatever the number of folders", () => {
    expect([...files.keys()].filter((p) => p.startsWith("syncthing/")).sort()).toEqual([
      "syncthing/ignores/koreader-settings.stignore",
      "syncthing/ignores/library.stignore",
      "syncthing/r1/config.xml",
      "syncthing/r2/config.xml",
      "syncthing/server/config.xml",
      "syncthing/server/ignores/koreader-settings.stignore",
      "syncthing/server/ignores/library.stignore",
      "syncthing/server/start.sh",
    ]);
    expect(files.get(ignoreFilePath("reader", "library"))).toContain("/metadata.db\n*.sdr\n");
    expect(files.get(ignoreFilePath("server", "library"))).not.toContain("*.sdr");
  });

  test("the server lists every folder and every peer; a reader lists its own folders and the server", () => {
    const serverXml = files.get("syncthing/server/config.xml")!;
    for (const id of ["library", "koreader-r1", "koreader-r2"]) expect(serverXml).toContain(`<folder id="${id}"`);
    for (const r of readers) expect(serverXml).toContain(`<device id="${r.deviceId}" name="${r.name}"`);
    const r1 = files.get("syncthing/r1/config.xml")!;
    expect(r1).toContain('<folder id="koreader-r1"');
    expect(r1).not.toContain('<folder id="koreader-r2"');
    expect(r1).toContain(`<device id="${SERVER_ID}" name="shelf"`);
    expect(syncthing.reader("r2")).toBeDefined();
  });

  test("the server's start script puts each shared ignore file into every folder of its kind; each file is mounted once", () => {
    const script = files.get("syncthing/server/start.sh")!;
    expect(script).toContain("cp '/shelfstack/ignores/koreader-settings.stignore' '/srv/stats/r1/.stignore'");
    expect(script).toContain("cp '/shelfstack/ignores/koreader-settings.stignore' '/srv/stats/r2/.stignore'");
    const uploads = (terraformContainer(json, "syncthing").upload as { file: string }[]).map((u) => u.file).sort();
    expect(uploads).toEqual(["/shelfstack/config.xml", "/shelfstack/ignores/koreader-settings.stignore", "/shelfstack/ignores/library.stignore", "/shelfstack/start.sh"]);
    const compose = parse(files.get("docker-compose.yml")!) as { services: { syncthing: { volumes: string[] } } };
    expect(compose.services.syncthing.volumes.filter((v) => v.includes(".stignore"))).toHaveLength(2);
  });

  test("it asks the tailnet for the sync port, for exactly its peers", () => {
    expect(syncthing.access.port).toBe(22000);
    expect(syncthing.access.peers.map((p) => p.name)).toEqual(["r1", "r2"]);
  });

  test("a folder shared with a device that is not a peer is refused", () => {
    const stray = { ...statistics(readers[0]), id: "stray", devices: [{ ...statistics(readers[0]).devices[0], name: "laptop" }] };
    expect(() => build([stray])).toThrow('Syncthing folder shared with "laptop", which is not a Syncthing device');
  });
});
