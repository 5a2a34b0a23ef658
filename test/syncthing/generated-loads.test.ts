import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseStack } from "../../config/load";
import { synthesize } from "../../stacks/synth";
import { tmp } from "../helpers/cli";
import { describeWhen } from "../helpers/tools";
import { deviceFacts, folderFacts, ignoreFiles, loadInSyncthing, type Loaded } from "./load-config";
import { generate, Sandbox, syncthingProblem } from "./syncthing-process";

/**
 * A larger stack than the example: five Syncthing devices with real key pairs (so each config is
 * loaded with the identity it was written for), an iOS device and a laptop without Syncthing,
 * custom paths, every versioning kind and a type override. Expected values are written out from
 * the stack.yaml below, not computed by the code under test.
 */
const READERS = ["boox", "palma", "phone", "tab"] as const;
type Name = "server" | (typeof READERS)[number];

function stackYaml(id: Record<Name, string>): string {
  return `
server:
  dockerHost: ssh://me@nas
  hostname: books
tailnet:
  name: tail9abc.ts.net
  owner: me@example.com
devices:
  - { name: palma, kind: android-ereader, syncthingId: ${id.palma} }
  - name: boox
    kind: android-ereader
    syncthingId: ${id.boox.toLowerCase()}
    libraryPath: /storage/emulated/0/Books
    koreaderSettingsPath: /storage/emulated/0/Android/data/org.koreader.launcher/files/settings
  - { name: phone, kind: android, syncthingId: ${id.phone} }
  - { name: tab, kind: android-ereader, tailnetName: tab-7, syncthingId: ${id.tab} }
  - { name: iphone, kind: ios }
  - { name: laptop, kind: laptop }
syncthing:
  serverId: ${id.server}
  folders:
    - { id: library, content: library, direction: to-devices }
    - { id: koreader, content: koreader-settings, direction: from-devices, devices: [palma, boox, tab], versioning: { type: simple, keep: 3 } }
    - id: notes
      direction: from-devices
      serverPath: /srv/notes
      devicePath: /storage/emulated/0/Documents/notes
      devices: [phone, palma]
      versioning: { type: trashcan, keep: 14 }
    - { id: comics, direction: to-devices, serverPath: /srv/comics, devicePath: /storage/emulated/0/Comics, devices: [tab], serverType: sendreceive }
    - { id: scratch, label: Scratch pad, direction: two-way, serverPath: /srv/scratch, devicePath: /storage/emulated/0/scratch, devices: [phone] }
`;
}

const NONE = { type: "", params: {} };
interface Side {
  path: string;
  type: string;
  versioning?: { type: string; params: Record<string, string> };
}
/** Per folder: the server's side and each device's side, as the stack.yaml above declares them. */
function declared(): Record<string, { server: Side; devices: Partial<Record<Name, Side>> }> {
  const lib = (path: string): Side => ({ path, type: "receiveonly" });
  const ko = (path: string): Side => ({ path, type: "sendonly" });
  const simple3 = { type: "simple", params: { cleanoutDays: "0", keep: "3" } };
  return {
    library: {
      server: { path: "/srv/shelfstack/library/ebooks", type: "sendonly" },
      devices: {
        palma: lib("/storage/emulated/0/Books/shelfstack"),
        boox: lib("/storage/emulated/0/Books"),
        phone: lib("/storage/emulated/0/Books/shelfstack"),
        tab: lib("/storage/emulated/0/Books/shelfstack"),
      },
    },
    "koreader-palma": {
      server: { path: "/srv/shelfstack/statistics/palma", type: "receiveonly", versioning: simple3 },
      devices: { palma: ko("/storage/emulated/0/koreader/settings") },
    },
    "koreader-boox": {
      server: { path: "/srv/shelfstack/statistics/boox", type: "receiveonly", versioning: simple3 },
      devices: { boox: ko("/storage/emulated/0/Android/data/org.koreader.launcher/files/settings") },
    },
    "koreader-tab": { server: { path: "/srv/shelfstack/statistics/tab", type: "receiveonly", versioning: simple3 }, devices: { tab: ko("/storage/emulated/0/koreader/settings") } },
    notes: {
      server: { path: "/srv/notes", type: "receiveonly", versioning: { type: "trashcan", params: { cleanoutDays: "14" } } },
      devices: { phone: ko("/storage/emulated/0/Documents/notes"), palma: ko("/storage/emulated/0/Documents/notes") },
    },
    comics: { server: { path: "/srv/comics", type: "sendreceive" }, devices: { tab: lib("/storage/emulated/0/Comics") } },
    scratch: { server: { path: "/srv/scratch", type: "sendreceive" }, devices: { phone: { path: "/storage/emulated/0/scratch", type: "sendreceive" } } },
  };
}

describeWhen(syncthingProblem(), "real Syncthing loads every config.xml of a larger generated stack", () => {
  const sandboxes: Partial<Record<Name, Sandbox>> = {};
  const loaded: Partial<Record<Name, Loaded>> = {};
  const id = {} as Record<Name, string>;
  let out: string;

  beforeAll(async () => {
    for (const name of ["server", ...READERS] as Name[]) {
      sandboxes[name] = new Sandbox();
      id[name] = generate(sandboxes[name]!);
    }
    out = tmp();
    const config = parseStack(stackYaml(id));
    synthesize(config, out);
    const all: Sandbox[] = [];
    await Promise.all(
      (["server", ...READERS] as Name[]).map(async (name) => {
        loaded[name] = await loadInSyncthing(join(out, `syncthing/${name}/config.xml`), {
          sandbox: sandboxes[name],
          sandboxes: all,
          ignores: ignoreFiles(out, config, name === "server" ? "server" : "reader"),
        });
      }),
    );
  });

  afterAll(() => {
    for (const s of Object.values(sandboxes)) s?.remove();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  // Readers dial the server at its tailnet name; nobody dials a reader.
  const address = (name: Name) => (name === "server" ? "tcp://books.tail9abc.ts.net:22000" : "dynamic");

  test.each(["server", ...READERS] as Name[])("%s: every folder has the declared path, type, devices and versioning", (name) => {
    const expected: Record<string, unknown> = {};
    for (const [folderId, f] of Object.entries(declared())) {
      const sharedWith = Object.keys(f.devices) as Name[];
      const side = name === "server" ? f.server : f.devices[name];
      if (!side) continue;
      expected[folderId] = {
        path: side.path,
        type: side.type,
        devices: (name === "server" ? ["server", ...sharedWith] : [name, "server"]).map((n) => id[n as Name]).sort(),
        versioning: side.versioning ?? NONE,
      };
    }
    const l = loaded[name]!;
    expect(l.myId).toBe(id[name]);
    expect(Object.fromEntries(l.config.folders.map((f: { id: string }) => [f.id, folderFacts(f)]))).toEqual(expected);
  });

  test.each(["server", ...READERS] as Name[])("%s: the server has its tailnet address, readers none (they dial), and no other device is known", (name) => {
    const peers: Name[] = name === "server" ? ["server", ...READERS] : [name, "server"];
    const expected = Object.fromEntries(
      peers.map((p) => [id[p], { name: p === "server" ? "books" : p, addresses: [address(p)], allowedNetworks: ["100.64.0.0/10", "fd7a:115c:a1e0::/48"] }]),
    );
    expect(deviceFacts(loaded[name]!.config)).toEqual(expected);
  });

  test.each(["server", ...READERS] as Name[])("%s: the file stays as written (version 36, no archive)", (name) => {
    expect(loaded[name]!.fileAfter).toBe(readFileSync(join(out, `syncthing/${name}/config.xml`), "utf8"));
    expect(loaded[name]!.homeFiles.filter((f) => f.startsWith("config.xml."))).toEqual([]);
  });

  test("the folder labels say which reader a KOReader settings folder belongs to", () => {
    const labels = Object.fromEntries(loaded.server!.config.folders.map((f: { id: string; label: string }) => [f.id, f.label]));
    expect(labels).toMatchObject({ "koreader-boox": "koreader (boox)", scratch: "Scratch pad", library: "library" });
  });
});
