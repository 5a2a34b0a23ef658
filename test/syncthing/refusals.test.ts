import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseStack, StackError, type Problem } from "../../config/load";
import { EXAMPLE, shelfstack, tmp, treeHash } from "../helpers/cli";

/**
 * Each refusal: the example plus a `syncthing:` section (and, where needed, more devices). The
 * error must name the YAML path, the line it is on, and say what to write instead.
 */
const BASE = readFileSync(EXAMPLE, "utf8");
const READER_2 = "  - { name: boox, kind: android-ereader, syncthingId: D63RBQL-FSV2WUT-FFJQAMD-CF4KDJR-UW7AQLQ-Z4BXAYK-3O2COJF-J5AGTAK }\n";

function withSyncthing(section: string, extraDevices = ""): string {
  return BASE.replace("  - name: iphone\n", `${extraDevices}  - name: iphone\n`) + `\nsyncthing:\n${section}`;
}

function problems(text: string): Problem[] {
  try {
    parseStack(text);
  } catch (error) {
    if (error instanceof StackError) return [...error.problems];
    throw error;
  }
  return [];
}

/** 1-based line of the first line containing `marker`. */
function lineWith(text: string, marker: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`no line contains ${marker}`);
  return i + 1;
}

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly path: string;
  /** A text on the line the error must point at. */
  readonly at: string;
  readonly says: RegExp;
}

const cases: Case[] = [
  {
    name: "KOReader's settings folder two-way (statistics.sqlite3)",
    yaml: withSyncthing("  folders:\n    - id: stats\n      content: koreader-settings\n      direction: two-way\n"),
    path: "syncthing.folders[0].direction",
    at: "direction: two-way",
    says: /live SQLite database \(KOReader's settings folder holds statistics\.sqlite3\).*never sendreceive — use direction to-devices or from-devices/,
  },
  {
    name: "the library two-way (Calibre's metadata.db)",
    yaml: withSyncthing("  folders:\n    - { id: library, content: library, direction: two-way }\n"),
    path: "syncthing.folders[0].direction",
    at: "id: library",
    says: /live SQLite database \(the Calibre library holds metadata\.db\)/,
  },
  {
    name: "a device-side sendreceive override on the settings folder",
    yaml: withSyncthing("  folders:\n    - id: stats\n      content: koreader-settings\n      direction: from-devices\n      deviceType: sendreceive\n"),
    path: "syncthing.folders[0].deviceType",
    at: "deviceType: sendreceive",
    says: /never sendreceive on a device — use sendonly or receiveonly/,
  },
  {
    name: "an 'other' folder whose device path is KOReader's directory",
    yaml: withSyncthing("  folders:\n    - id: ko\n      direction: two-way\n      serverPath: /srv/ko\n      devicePath: /storage/emulated/0/koreader\n"),
    path: "syncthing.folders[0].direction",
    at: "direction: two-way",
    says: /overlaps KOReader's data \(\/storage\/emulated\/0\/koreader\), which holds \*\.sqlite3, \*\.sqlite, \*\.db files/,
  },
  {
    name: "an 'other' folder over the server's application state",
    yaml: withSyncthing(
      "  folders:\n    - id: state\n      direction: two-way\n      serverPath: /srv/shelfstack/appdata/audiobookshelf\n      devicePath: /storage/emulated/0/abs\n",
    ),
    path: "syncthing.folders[0].direction",
    at: "direction: two-way",
    says: /overlaps \/srv\/shelfstack\/appdata, application state/,
  },
  {
    name: "an iOS device in a folder",
    yaml: withSyncthing("  folders:\n    - id: library\n      content: library\n      direction: to-devices\n      devices: [palma, iphone]\n"),
    path: "syncthing.folders[0].devices[1]",
    at: "devices: [palma, iphone]",
    says: /"iphone": an iOS device never gets Syncthing \(it reads over OPDS\) — remove it from this list/,
  },
  {
    name: "an iOS device with a Syncthing ID",
    yaml: BASE.replace("    kind: ios\n", "    kind: ios\n    syncthingId: D63RBQL-FSV2WUT-FFJQAMD-CF4KDJR-UW7AQLQ-Z4BXAYK-3O2COJF-J5AGTAK\n"),
    path: "devices[1].syncthingId",
    at: "syncthingId: D63RBQL",
    says: /iOS device never gets Syncthing .* remove syncthingId/,
  },
  {
    name: "a folder type that is not one of Syncthing's four",
    yaml: withSyncthing("  folders:\n    - id: library\n      content: library\n      direction: to-devices\n      serverType: readonly\n"),
    path: "syncthing.folders[0].serverType",
    at: "serverType: readonly",
    says: /not a Syncthing folder type — use one of sendreceive, sendonly, receiveonly, receiveencrypted/,
  },
  {
    name: "a device ID with a wrong check character",
    yaml: BASE.replace("LTMRWAD", "LTMRWAE"),
    path: "devices[0].syncthingId",
    at: "syncthingId: MFZWI3D",
    says: /not a Syncthing device ID .*copy it from the app/,
  },
  {
    name: "a server ID that is not a device ID",
    yaml: withSyncthing("  serverId: MFZWI3D-BONSGYC\n"),
    path: "syncthing.serverId",
    at: "serverId: MFZWI3D",
    says: /not a Syncthing device ID/,
  },
  {
    name: "the server's ID equal to a reader's",
    yaml: withSyncthing("  serverId: MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD\n"),
    path: "syncthing.serverId",
    at: "serverId: MFZWI3D",
    says: /the same device ID as devices\[0\] \(palma\)/,
  },
  {
    name: "duplicate folder IDs",
    yaml: withSyncthing(
      "  folders:\n    - { id: books, content: library, direction: to-devices }\n    - { id: books, direction: to-devices, serverPath: /srv/x, devicePath: /storage/emulated/0/x }\n",
    ),
    path: "syncthing.folders[1].id",
    at: "serverPath: /srv/x",
    says: /folder ID "books" is already used by syncthing\.folders\[0\] — give each folder its own id/,
  },
  {
    name: "a folder ID that collides with a KOReader settings folder's per-device ID",
    yaml: withSyncthing(
      "  folders:\n    - { id: ko, content: koreader-settings, direction: from-devices }\n    - { id: ko-palma, direction: to-devices, serverPath: /srv/x, devicePath: /storage/emulated/0/x }\n",
    ),
    path: "syncthing.folders[1].id",
    at: "id: ko-palma",
    says: /"ko-palma" is already used by syncthing\.folders\[0\] \(KOReader settings folders get -<device> appended\)/,
  },
  {
    name: "a folder shared with an unknown device",
    yaml: withSyncthing("  folders:\n    - id: library\n      content: library\n      direction: to-devices\n      devices: [palma, kindle]\n"),
    path: "syncthing.folders[0].devices[1]",
    at: "devices: [palma, kindle]",
    says: /unknown device "kindle" — use the name of an entry under devices \(palma, iphone\)/,
  },
  {
    name: "a folder shared with a device that has no Syncthing ID",
    yaml: withSyncthing(
      "  folders:\n    - id: library\n      content: library\n      direction: to-devices\n      devices: [palma, kobo]\n",
      "  - { name: kobo, kind: android-ereader }\n",
    ),
    path: "syncthing.folders[0].devices[1]",
    at: "devices: [palma, kobo]",
    says: /"kobo" has no syncthingId — add its Syncthing device ID under devices/,
  },
  {
    name: "an 'other' folder without a server path",
    yaml: withSyncthing("  folders:\n    - { id: notes, direction: from-devices, devicePath: /storage/emulated/0/notes }\n"),
    path: "syncthing.folders[0].serverPath",
    at: "id: notes",
    says: /needs serverPath — the absolute path on the server/,
  },
  {
    name: "a relative device path",
    yaml: withSyncthing("  folders:\n    - { id: notes, direction: from-devices, serverPath: /srv/notes, devicePath: notes }\n"),
    path: "syncthing.folders[0].devicePath",
    at: "id: notes",
    says: /"notes" is not an absolute path — write the full path on the device/,
  },
  {
    name: "versioning on a folder the server only sends",
    yaml: withSyncthing("  folders:\n    - id: library\n      content: library\n      direction: to-devices\n      versioning: { type: simple }\n"),
    path: "syncthing.folders[0].versioning",
    at: "versioning: { type: simple }",
    says: /server side is sendonly — remove versioning/,
  },
  {
    name: "overrides that leave no side sending",
    yaml: withSyncthing("  folders:\n    - id: library\n      content: library\n      direction: to-devices\n      serverType: receiveonly\n"),
    path: "syncthing.folders[0].serverType",
    at: "serverType: receiveonly",
    says: /neither side sends \(server receiveonly, devices receiveonly\), so nothing would ever sync/,
  },
];

describe("stack.yaml refuses unsafe or broken Syncthing set-ups, naming the field, its line and the fix", () => {
  test.each(cases)("$name", ({ yaml, path, at, says }) => {
    const found = problems(yaml);
    const problem = found.find((p) => p.path === path);
    // Exactly this problem: one mistake is reported once, with no echo elsewhere.
    expect(found.map((p) => p.path)).toEqual([path]);
    expect(problem!.line).toBe(lineWith(yaml, at));
    expect(problem!.message).toMatch(says);
  });

  test("every problem is reported in one run", () => {
    const yaml = withSyncthing(
      "  folders:\n    - { id: a, content: koreader-settings, direction: two-way }\n    - { id: a-palma, content: library, direction: to-devices, devices: [iphone, ghost] }\n",
    );
    expect(
      problems(yaml)
        .map((p) => p.path)
        .sort(),
    ).toEqual(["syncthing.folders[0].direction", "syncthing.folders[1].devices[0]", "syncthing.folders[1].devices[1]", "syncthing.folders[1].id"].sort());
  });

  test("the same folders, made safe, are accepted", () => {
    expect(problems(withSyncthing("  folders:\n    - { id: stats, content: koreader-settings, direction: from-devices }\n", READER_2))).toEqual([]);
  });
});

describe("shelfstack synth with a two-way SQLite folder", () => {
  test("exits 1, names the field, and leaves the previous output untouched", () => {
    const dir = tmp();
    const ok = shelfstack(["synth", "-c", EXAMPLE, "-o", join(dir, "out")]);
    expect(ok.status).toBe(0);
    const before = treeHash(join(dir, "out"));
    const bad = join(dir, "stack.yaml");
    writeFileSync(bad, withSyncthing("  folders:\n    - id: stats\n      content: koreader-settings\n      direction: two-way\n"));
    const r = shelfstack(["synth", "-c", bad, "-o", join(dir, "out")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${bad}:${lineWith(readFileSync(bad, "utf8"), "direction: two-way")} syncthing.folders[0].direction: can hold a live SQLite database`);
    expect(treeHash(join(dir, "out"))).toBe(before);
  });
});
