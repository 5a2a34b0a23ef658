import { foldersForDevice } from "../../config/syncthing-folders";
import { example, headings, renderedFiles } from "./helpers";

const config = example();
const files = renderedFiles(config);
const iphone = files.get("setup/iphone/SETUP.md")!;
const palma = files.get("setup/palma/SETUP.md")!;

test("synth of the example writes a SETUP.md per device, with its QR codes beside it", () => {
  expect([...files.keys()].filter((p) => p.startsWith("setup/"))).toEqual([
    "setup/iphone/SETUP.md",
    "setup/iphone/audiobookshelf-qr.svg",
    "setup/iphone/opds-qr.svg",
    "setup/palma/SETUP.md",
  ]);
});

test("every image a SETUP.md shows is a file beside it", () => {
  for (const [path, text] of files) {
    if (!path.endsWith("SETUP.md")) continue;
    const dir = path.slice(0, path.lastIndexOf("/"));
    for (const [, file] of text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) expect(files.has(`${dir}/${file}`)).toBe(true);
  }
});

test("iPhone: Tailscale first, then the OPDS address for Readest and the Audiobookshelf server, each with its QR code", () => {
  expect(headings(iphone)).toEqual([
    "Join the tailnet",
    "Books in Readest (OPDS)",
    "Audiobooks in the Audiobookshelf app",
    "Progress sync with the e-reader",
    "Your reading report",
  ]);
  expect(iphone).toContain("Open https://shelf.tail1234.ts.net/report/ in a browser on the tailnet");
  expect(iphone).toContain("Sign in as `alice@example.com`");
  expect(iphone).toContain("address `https://shelf.tail1234.ts.net/opds`");
  expect(iphone).toContain("User name `reader`; password: the value of `OPDS_PASSWORD`");
  expect(iphone).toContain("![OPDS catalogue: https://shelf.tail1234.ts.net/opds](opds-qr.svg)");
  expect(iphone).toContain("Server address `https://shelf.tail1234.ts.net`");
  expect(iphone).toContain("Sign in as `root`; password: the value of `ABS_ROOT_PASSWORD`");
  expect(iphone).toContain("![Audiobookshelf: https://shelf.tail1234.ts.net](audiobookshelf-qr.svg)");
  expect(iphone).not.toMatch(/Syncthing/);
});

test("Palma: Tailscale, then each Syncthing folder with the path and type of the folder model, then KOReader, the Readest plugin, the WebDAV fallback", () => {
  expect(headings(palma)).toEqual([
    "Join the tailnet",
    "Books and statistics by Syncthing",
    "Reading in KOReader",
    "Progress sync with Readest (the Readest KOReader plugin)",
    "Fallback: KOReader's own sync over WebDAV",
    "Putting statistics back (after a lost or reset reader)",
    "Your reading report",
  ]);
  // The restored database goes back with the folder paused and the old -wal/-shm removed.
  expect(palma).toContain("`shelfstack snapshot restore --reader palma --to ./restored-palma`");
  expect(palma).toMatch(
    /open the folder `KOReader settings \(palma\)` and tap \*\*Pause\*\*.*\n4\. Copy the restored file over `\/storage\/emulated\/0\/koreader\/settings\/statistics\.sqlite3`.*delete `statistics\.sqlite3-wal` and `statistics\.sqlite3-shm`/,
  );
  expect(palma).toContain("check that this device is called `palma`");
  expect(palma).toContain("is `MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD`, as in stack.yaml");
  expect(palma).toContain("under *Addresses* write `tcp://shelf.tail1234.ts.net:22000`");
  expect(palma).toContain('docker logs syncthing 2>&1 | grep "My ID"');
  expect(palma).toContain("run `shelfstack syncthing identity` before the first deploy and synth again");
  const folders = foldersForDevice(config, "palma");
  expect(folders.map((f) => [f.id, f.type])).toEqual([
    ["koreader-palma", "sendonly"],
    ["library", "receiveonly"],
  ]);
  const rows = palma.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| folder"));
  expect(rows.map((r) => r.split(" | ").slice(1, 4))).toEqual([
    ["`koreader-palma`", "`/storage/emulated/0/koreader/settings`", "**Send Only**"],
    ["`library`", "`/storage/emulated/0/Books/shelfstack`", "**Receive Only**"],
  ]);
  expect(palma).toContain("copy the folder into `/storage/emulated/0/koreader/plugins/`");
  expect(palma).toContain("address `https://app.koofr.net/dav/Koofr`, user `alice@example.com`");
  expect(palma).not.toMatch(/opds-qr|OPDS_PASSWORD/);
});

test("the server's Syncthing ID, once in stack.yaml, is written out and offered as a QR code", () => {
  const id = "P56IOI7-MZJNU2Y-IQGDREY-DM2MGTI-MGL3BXN-PQ6W5BM-TBBZ4TJ-XZWICQ2";
  const withId = renderedFiles(example((doc) => (doc.syncthing = { serverId: id })));
  const page = withId.get("setup/palma/SETUP.md")!;
  expect(page).toContain(`paste the server's ID \`${id}\` (or scan the QR code below)`);
  expect(page).not.toContain("docker logs syncthing");
  expect(withId.get("setup/palma/syncthing-server-id-qr.svg")).toContain(`<title>${id}</title>`);
});

test("an Android reader without a Syncthing ID is told how to get one into stack.yaml", () => {
  const page = renderedFiles(example((doc) => delete doc.devices[0].syncthingId)).get("setup/palma/SETUP.md")!;
  expect(page).toContain("Put it into stack.yaml as `devices[0].syncthingId`, deploy again");
});

test("what stack.yaml turns off is not in the guide: no OPDS section without abs-opds", () => {
  const page = renderedFiles(example((doc) => (doc.opds = { enabled: false }))).get("setup/iphone/SETUP.md")!;
  expect(headings(page)).toEqual(["Join the tailnet", "Audiobooks in the Audiobookshelf app", "Progress sync with the e-reader", "Your reading report"]);
  expect(page).not.toContain("/opds");
});

test("rendering is deterministic: the same stack.yaml gives the same bytes", () => {
  const again = renderedFiles(example());
  for (const [path, text] of files) if (path.startsWith("setup/")) expect(again.get(path)).toBe(text);
});
