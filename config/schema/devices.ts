import { z } from "zod";
import { dnsLabel, email } from "./common";
import { isValidDeviceId } from "../device-id";

export const deviceKinds = ["android-ereader", "android", "ios", "laptop"] as const;

export const syncthingDeviceId = z.string().refine(isValidDeviceId, {
  message:
    "not a Syncthing device ID (8 groups of 7 characters with valid check characters) — copy it from the app's ‘Show device ID’",
});

export const deviceSchema = z
  .object({
    name: dnsLabel,
    kind: z.enum(deviceKinds, {
      message: `unknown device kind — use one of ${deviceKinds.join(", ")}`,
    }),
    /** Tailnet login of the device's owner. @default tailnet.owner */
    owner: email.optional(),
    /** The device's machine name on the tailnet. @default name */
    tailnetName: dnsLabel.optional(),
    /** Syncthing device ID (Android devices only). */
    syncthingId: syncthingDeviceId.optional(),
    /** KOReader's settings directory on the device (holds statistics.sqlite3). */
    koreaderSettingsPath: z.string().default("/storage/emulated/0/koreader/settings"),
    /** Where the library lands on the device. */
    libraryPath: z.string().default("/storage/emulated/0/Books/shelfstack"),
  })
  .strict();
