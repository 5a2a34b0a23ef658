import { z } from "zod";
import { absolutePath } from "./common";

export const folderTypes = ["sendreceive", "sendonly", "receiveonly", "receiveencrypted"] as const;
const folderType = z.enum(folderTypes, {
  message: `not a Syncthing folder type — use one of ${folderTypes.join(", ")} (Syncthing itself would silently treat it as sendreceive)`,
});

export const folderSchema = z
  .object({
    /** Syncthing folder ID, the same on every device. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "use lower-case letters, digits and -, e.g. library" }),
    label: z.string().optional(),
    /** What the folder holds: decides default paths and whether it may hold a live SQLite database. */
    content: z.enum(["library", "koreader-settings", "other"]).default("other"),
    /** Which way files flow: server → devices, devices → server, or both. */
    direction: z.enum(["to-devices", "from-devices", "two-way"], {
      message: "use to-devices, from-devices or two-way",
    }),
    serverPath: absolutePath.optional(),
    /** Path on the Android device. @default the device's libraryPath / koreaderSettingsPath */
    devicePath: z.string().optional(),
    /** Names of the devices (from `devices`) that share this folder. @default every android-ereader with a syncthingId */
    devices: z.array(z.string()).optional(),
    /** Override the mode derived from direction on one side (rarely needed). */
    serverType: folderType.optional(),
    deviceType: folderType.optional(),
    /** Override the versioning of the receiving server side. @default staggered for koreader-settings, none otherwise */
    versioning: z
      .object({
        type: z.enum(["none", "simple", "staggered", "trashcan"]),
        /** staggered: seconds a version is kept; simple: number of versions; trashcan: days */
        keep: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const syncthingSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** @default the library to each Android reader, and each reader's KOReader settings back */
    folders: z.array(folderSchema).optional(),
  })
  .strict()
  .default({ enabled: true });
