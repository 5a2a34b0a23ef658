import { rmSync } from "node:fs";
import { canonicalDeviceId, isValidDeviceId } from "../../config/device-id";
import { describeWithTool } from "../helpers/tools";
import { generate, Sandbox } from "./syncthing-process";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

describe("device ID check characters (Syncthing's luhn32)", () => {
  test("Syncthing's documented example ID is valid", () => {
    expect(isValidDeviceId("MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWAD")).toBe(true);
  });

  test("wrong length, wrong alphabet, and the 52-character form without check characters are refused", () => {
    expect(isValidDeviceId("MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY")).toBe(false);
    expect(isValidDeviceId("MFZWI3D-BONSGYC-YLTMRWG-C43ENR5-QXGZDMM-FZWI3DP-BONSGYY-LTMRWA!")).toBe(false);
    expect(isValidDeviceId("MFZWI3DBONSGYCYLTMRWGC43ENR5QXGZDMMFZWI3DPBONSGYYLTMRWA")).toBe(false);
    expect(isValidDeviceId("")).toBe(false);
  });
});

describeWithTool("syncthing", "apt-get install syncthing (Debian bookworm ships 1.19.2)", "device IDs made by `syncthing generate`", () => {
  const ids: string[] = [];
  const sandboxes: Sandbox[] = [];

  beforeAll(() => {
    for (let i = 0; i < 8; i++) {
      const s = new Sandbox("shelfstack-stid-");
      sandboxes.push(s);
      ids.push(generate(s));
    }
  });
  afterAll(() => sandboxes.forEach((s) => rmSync(s.root, { recursive: true, force: true })));

  test("are valid, and already in canonical form", () => {
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isValidDeviceId(id)).toBe(true);
      expect(canonicalDeviceId(id)).toBe(id);
    }
  });

  test("stay valid written the ways Syncthing accepts: lower case, no dashes, spaces, 0/1/8 for O/I/B", () => {
    for (const id of ids) {
      const lookalike = id.replace(/O/g, "0").replace(/I/g, "1").replace(/B/g, "8");
      for (const variant of [id.toLowerCase(), id.replace(/-/g, ""), id.replace(/-/g, " "), lookalike]) {
        expect(isValidDeviceId(variant)).toBe(true);
        expect(canonicalDeviceId(variant)).toBe(id);
      }
    }
  });

  test("become invalid when any one character is mistyped", () => {
    for (const id of ids) {
      const chars = id.replace(/-/g, "");
      for (let pos = 0; pos < chars.length; pos++) {
        // Every other letter at this position: a check character must catch each one.
        for (const c of ALPHABET) {
          if (c === chars[pos]) continue;
          const typo = chars.slice(0, pos) + c + chars.slice(pos + 1);
          if (isValidDeviceId(typo)) throw new Error(`${typo} (from ${id}, position ${pos}) passed the check`);
        }
      }
    }
  });
});
