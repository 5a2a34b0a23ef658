import { z } from "zod";
import { absolutePath, devicePath } from "./common";
import { syncthingDeviceId } from "./devices";
import { secret } from "../secret";

export const folderTypes = ["sendreceive", "sendonly", "receiveonly", "receiveencrypted"] as const;
const folderType = z.enum(folderTypes, {
  message: `not a Syncthing folder type — use one of ${folderTypes.join(", ")} (Syncthing itself would silently treat it as sendreceive)`,
});

export const folderSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { message: "use lower-case letters, digits and -, e.g. library" })
      .describe("Syncthing folder ID, the same on every device (koreader-settings folders get -<device> appended)"),
    label: z.string().optional().describe("the name shown in the apps; default the id"),
    content: z
      .enum(["library", "koreader-settings", "other"])
      .default("other")
      .describe("what the folder holds: decides default paths, ignores, and that it is never two-way when it can hold a SQLite database"),
    direction: z
      .enum(["to-devices", "from-devices", "two-way"], { message: "use to-devices, from-devices or two-way" })
      .describe("which way files flow; decides both sides' folder types (to-devices: server sendonly, devices receiveonly)"),
    serverPath: absolutePath.optional().describe("the folder on the server; default server.paths.ebooks (library), server.paths.statistics/<device> (koreader-settings)"),
    devicePath: devicePath.optional().describe("the folder on the device; default the device's libraryPath / koreaderSettingsPath"),
    devices: z.array(z.string()).optional().describe("names of the devices that share it; default every Android device with a syncthingId"),
    serverType: folderType.optional().describe("override the server side's type derived from direction (rarely needed)"),
    deviceType: folderType.optional().describe("override the devices' type derived from direction (rarely needed)"),
    versioning: z
      .object({
        type: z.enum(["none", "simple", "staggered", "trashcan"]),
        keep: z.number().int().positive().optional().describe("staggered: seconds a version is kept; simple: number of versions; trashcan: days"),
      })
      .strict()
      .optional()
      .describe("old copies the receiving server keeps; default staggered for 30 days for koreader-settings, none otherwise"),
  })
  .strict();

export const syncthingSchema = z
  .object({
    enabled: z.boolean().default(true).describe("run Syncthing on the server and render each Android reader's config"),
    serverId: syncthingDeviceId
      .optional()
      .describe(
        "the server's own Syncthing device ID — written by `shelfstack init` / `shelfstack syncthing identity` (or read from the server after its first start); then each reader's config lists the server",
      ),
    identity: z
      .object({
        certificate: z.string().min(1).describe("the server's public Syncthing certificate (its cert.pem), a path relative to stack.yaml; commit it"),
        keyFile: z
          .string()
          .regex(/^(\/|~\/)/, {
            message: "write an absolute path or one starting with ~/ — the private key lives outside the repository, e.g. ~/.config/shelfstack/shelf-syncthing-key.pem",
          })
          .describe("the certificate's private key (key.pem) on the machine that deploys, outside the repository; never commit it"),
      })
      .strict()
      .optional()
      .describe(
        "the server's Syncthing key pair, made before the first deploy (`shelfstack syncthing identity`); placed in Syncthing's home before it starts. Without it Syncthing makes its own on first start",
      ),
    apiKey: secret("SYNCTHING_API_KEY").describe("key of the server's Syncthing GUI/REST API (STGUIAPIKEY), which listens on 127.0.0.1 only"),
    folders: z.array(folderSchema).optional().describe("default: the library to each Android reader, and each reader's KOReader settings back to the server"),
  })
  .strict()
  .superRefine((syncthing, ctx) => {
    if (syncthing.identity && !syncthing.serverId) {
      ctx.addIssue({
        code: "custom",
        path: ["serverId"],
        message: "is required with syncthing.identity — write the device ID of its certificate (`shelfstack syncthing identity` printed it)",
      });
    }
  })
  .prefault({});
