import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadStack } from "../../config/load";
import { synthesize } from "../../stacks/synth";
import { EXAMPLE, tmp } from "../helpers/cli";
import { describeWhen } from "../helpers/tools";
import { deviceFacts, folderFacts, ignoreFiles, loadInSyncthing, type Loaded } from "./load-config";
import { syncthingProblem, type Sandbox } from "./syncthing-process";

// What examples/stack.yaml declares, written out by hand (not computed by the code under test).
const PALMA = "MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD";
const TAILNET = ["100.64.0.0/10", "fd7a:115c:a1e0::/48"];
const NO_VERSIONING = { type: "", params: {} };
const CALIBRE_DB = ["/metadata.db", "/metadata.db-*", "/metadata_db_prefs_backup.json", "/full-text-search.db", "/full-text-search.db-*", "/.caltrash", "/.calnotes"];

describeWhen(syncthingProblem(), "real Syncthing loads the example's rendered config.xml files", () => {
  const sandboxes: Sandbox[] = [];
  let out: string;
  let server: Loaded;
  let palma: Loaded;

  beforeAll(async () => {
    out = tmp();
    const config = loadStack(EXAMPLE);
    synthesize(config, out);
    [server, palma] = await Promise.all([
      loadInSyncthing(join(out, "syncthing/server/config.xml"), { sandboxes, ignores: ignoreFiles(out, config, "server") }),
      loadInSyncthing(join(out, "syncthing/palma/config.xml"), { sandboxes, ignores: ignoreFiles(out, config, "reader") }),
    ]);
  });

  afterAll(() => {
    for (const s of sandboxes) s.remove();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test("the server sends the library and receives the Palma's KOReader settings, versioned", () => {
    const folders = Object.fromEntries(server.config.folders.map((f: { id: string }) => [f.id, folderFacts(f)]));
    expect(folders).toEqual({
      library: { path: "/srv/shelfstack/library/ebooks", type: "sendonly", devices: [PALMA, server.myId].sort(), versioning: NO_VERSIONING },
      "koreader-palma": {
        path: "/srv/shelfstack/statistics/palma",
        type: "receiveonly",
        devices: [PALMA, server.myId].sort(),
        versioning: { type: "staggered", params: { maxAge: String(30 * 24 * 3600) } },
      },
    });
    // The server never dials a reader: no address, and discovery is off.
    expect(deviceFacts(server.config)[PALMA]).toEqual({ name: "palma", addresses: ["dynamic"], allowedNetworks: TAILNET });
  });

  test("the Palma receives the library and sends its KOReader settings", () => {
    const folders = Object.fromEntries(palma.config.folders.map((f: { id: string }) => [f.id, folderFacts(f)]));
    // No syncthing.serverId in the example: the Palma's folders wait for the server's request.
    expect(folders).toEqual({
      library: { path: "/storage/emulated/0/Books/shelfstack", type: "receiveonly", devices: [PALMA, palma.myId].sort(), versioning: NO_VERSIONING },
      "koreader-palma": { path: "/storage/emulated/0/koreader/settings", type: "sendonly", devices: [PALMA, palma.myId].sort(), versioning: NO_VERSIONING },
    });
    expect(palma.config.folders.every((f: { ignorePerms: boolean }) => f.ignorePerms)).toBe(true);
    expect(deviceFacts(palma.config)[PALMA]).toEqual({ name: "palma", addresses: ["dynamic"], allowedNetworks: TAILNET });
  });

  test.each([
    ["server", () => server],
    ["palma", () => palma],
  ])("%s: discovery, relays, NAT, usage reporting off; listens on 22000; GUI on loopback", (_name, loaded) => {
    const { options, gui } = loaded().config;
    expect(options).toMatchObject({
      listenAddresses: ["tcp://0.0.0.0:22000"],
      globalAnnounceEnabled: false,
      localAnnounceEnabled: false,
      relaysEnabled: false,
      natEnabled: false,
      urAccepted: -1,
      crashReportingEnabled: false,
      autoUpgradeIntervalH: 0,
      startBrowser: false,
    });
    expect(gui.address).toBe("127.0.0.1:8384");
  });

  test("each folder's .stignore is read by Syncthing: Calibre's database stays out, *-shm stays out, .sdr stays on the reader", () => {
    expect(server.ignores).toEqual({ library: CALIBRE_DB, "koreader-palma": ["*-shm"] });
    expect(palma.ignores).toEqual({ library: [...CALIBRE_DB, "*.sdr"], "koreader-palma": ["*-shm"] });
  });

  test.each([
    ["server", "syncthing/server/config.xml", () => server],
    ["palma", "syncthing/palma/config.xml", () => palma],
  ])("%s: Syncthing 1.19.2 keeps the file as written (version 36, not rewritten or archived)", (_name, file, loaded) => {
    expect(loaded().fileAfter).toMatch(/^<\?xml version="1.0"\?>\n<configuration version="36">/);
    expect(loaded().fileAfter).toBe(readFileSync(join(out, file), "utf8"));
    expect(loaded().homeFiles.filter((f) => f.startsWith("config.xml."))).toEqual([]);
  });
});
