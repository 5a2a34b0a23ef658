import { z } from "zod";
import { devicePath, dnsLabel, email } from "./common";
import { isValidDeviceId } from "../device-id";

export const deviceKinds = ["android-ereader", "android", "ios", "laptop"] as const;
export type DeviceKind = (typeof deviceKinds)[number];

export const syncthingDeviceId = z.string().refine(isValidDeviceId, {
  message: "not a Syncthing device ID (8 groups of 7 characters with valid check characters) — copy it from the app's ‘Show device ID’",
});

export const deviceSchema = z
  .object({
    name: dnsLabel.describe("the device's name in this file (and its tailnet name unless tailnetName is set)"),
    kind: z
      .enum(deviceKinds, { message: `unknown device kind — use one of ${deviceKinds.join(", ")}` })
      .describe("Android devices with a syncthingId get Syncthing folders; ios and laptop read over OPDS or the browser"),
    owner: email.optional().describe("tailnet login of the device's owner; default tailnet.owner"),
    tailnetName: dnsLabel.optional().describe("the device's machine name on the tailnet; default name"),
    syncthingId: syncthingDeviceId.optional().describe("Syncthing device ID (android and android-ereader only): the app's ‘Show device ID’"),
    koreaderSettingsPath: devicePath.default("/storage/emulated/0/koreader/settings").describe("KOReader's settings directory on the device (holds statistics.sqlite3)"),
    libraryPath: devicePath.default("/storage/emulated/0/Books/shelfstack").describe("where the library lands on the device"),
  })
  .strict();
