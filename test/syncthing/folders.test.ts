import { readFileSync } from "node:fs";
import { parseStack } from "../../config/load";
import { foldersForDevice, syncthingDevices, syncthingFolders } from "../../config/syncthing-folders";
import { EXAMPLE } from "../helpers/cli";

const BASE = readFileSync(EXAMPLE, "utf8");
const BOOX = "D63RBQL-FSV2WUT-FFJQAMD-CF4KDJR-UW7AQLQ-Z4BXAYK-3O2COJF-J5AGTAK";
const PALMA = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";

function stack(devices = "", syncthing = "") {
  return parseStack(BASE.replace("  - name: iphone\n", `${devices}  - name: iphone\n`) + (syncthing ? `\nsyncthing:\n${syncthing}` : ""));
}

describe("the folder model (config/syncthing-folders.ts)", () => {
  test("default: the library out to every Android reader, each reader's KOReader settings back into its own directory", () => {
    const config = stack(`  - { name: boox, kind: android-ereader, syncthingId: ${BOOX.toLowerCase()} }\n  - { name: laptop, kind: laptop }\n`);
    const folders = syncthingFolders(config);
    expect(folders.map((f) => [f.id, f.server.type, f.server.path, f.devices.map((d) => `${d.name}:${d.type}`)])).toEqual([
      ["koreader-boox", "receiveonly", "/srv/shelfstack/statistics/boox", ["boox:sendonly"]],
      ["koreader-palma", "receiveonly", "/srv/shelfstack/statistics/palma", ["palma:sendonly"]],
      ["library", "sendonly", "/srv/shelfstack/library/ebooks", ["boox:receiveonly", "palma:receiveonly"]],
    ]);
    expect(folders[0].devices[0].deviceId).toBe(BOOX);
    expect(folders[0].server.versioning).toEqual({ type: "staggered", params: { maxAge: "2592000" } });
    expect(folders[2].server.versioning).toBeUndefined();
  });

  test("an Android phone with a Syncthing ID is a default member; a device without one is not", () => {
    const config = stack(`  - { name: phone, kind: android, syncthingId: ${BOOX} }\n  - { name: kobo, kind: android-ereader }\n`);
    expect(
      syncthingFolders(config)
        .find((f) => f.id === "library")!
        .devices.map((d) => d.name),
    ).toEqual(["palma", "phone"]);
  });

  test("ignores: Calibre's database on both sides of the library, .sdr on the reader, *-shm on the settings", () => {
    const [ko, library] = syncthingFolders(stack());
    expect(library.server.ignores).toContain("/metadata.db");
    expect(library.server.ignores).not.toContain("*.sdr");
    expect(library.devices[0].ignores).toEqual([...library.server.ignores, "*.sdr"]);
    expect(ko.server.ignores).toEqual(["*-shm"]);
    expect(ko.devices[0].ignores).toEqual(["*-shm"]);
    expect(ko.devices[0].ignores).not.toContain("*-wal");
  });

  test("direction decides both sides' modes; an override changes one side", () => {
    const config = stack(
      "",
      "  folders:\n" +
        "    - { id: a, direction: to-devices, serverPath: /srv/a, devicePath: /sdcard/a }\n" +
        "    - { id: b, direction: from-devices, serverPath: /srv/b, devicePath: /sdcard/b }\n" +
        "    - { id: c, direction: two-way, serverPath: /srv/c, devicePath: /sdcard/c }\n" +
        "    - { id: d, direction: to-devices, serverPath: /srv/d, devicePath: /sdcard/d, deviceType: receiveencrypted }\n",
    );
    expect(syncthingFolders(config).map((f) => [f.id, f.server.type, f.devices[0].type])).toEqual([
      ["a", "sendonly", "receiveonly"],
      ["b", "receiveonly", "sendonly"],
      ["c", "sendreceive", "sendreceive"],
      ["d", "sendonly", "receiveencrypted"],
    ]);
  });

  test("versioning kinds map to Syncthing's params", () => {
    const config = stack(
      "",
      "  folders:\n" +
        "    - { id: s, content: koreader-settings, direction: from-devices, versioning: { type: staggered, keep: 600 } }\n" +
        "    - { id: t, direction: from-devices, serverPath: /srv/t, devicePath: /sdcard/t, versioning: { type: trashcan, keep: 7 } }\n" +
        "    - { id: n, content: koreader-settings, direction: from-devices, versioning: { type: none } }\n",
    );
    expect(Object.fromEntries(syncthingFolders(config).map((f) => [f.id, f.server.versioning]))).toEqual({
      "n-palma": undefined,
      "s-palma": { type: "staggered", params: { maxAge: "600" } },
      t: { type: "trashcan", params: { cleanoutDays: "7" } },
    });
  });

  test("devices: the server at its tailnet address, readers dial it (dynamic); the server's ID only when set", () => {
    expect(syncthingDevices(stack())).toEqual({
      server: { name: "shelf", deviceId: undefined, address: "tcp://shelf.tail1234.ts.net:22000" },
      devices: [{ name: "palma", deviceId: PALMA, address: "dynamic", kind: "android-ereader", owner: "alice@example.com" }],
    });
    expect(syncthingDevices(stack("", `  serverId: ${BOOX.replace(/-/g, "")}\n`)).server.deviceId).toBe(BOOX);
  });

  test("what a reader's owner sets up: two folders, path and type each", () => {
    expect(foldersForDevice(stack(), "palma").map(({ id, path, type }) => ({ id, path, type }))).toEqual([
      { id: "koreader-palma", path: "/storage/emulated/0/koreader/settings", type: "sendonly" },
      { id: "library", path: "/storage/emulated/0/Books/shelfstack", type: "receiveonly" },
    ]);
    expect(foldersForDevice(stack(), "iphone")).toEqual([]);
  });

  test("syncthing.enabled: false → no folders", () => {
    expect(syncthingFolders(stack("", "  enabled: false\n"))).toEqual([]);
  });
});
