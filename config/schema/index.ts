import { z } from "zod";
import { serverSchema } from "./server";
import { tailnetSchema } from "./tailnet";
import { deviceSchema } from "./devices";
import { syncthingSchema } from "./syncthing";
import { backupSchema, statisticsSchema } from "./jobs";
import { etlSchema } from "./etl";
import { ingestSchema } from "./ingest";
import { imagesSchema } from "./images";
import { audiobookshelfSchema, opdsSchema, shelfbridgeSchema } from "./apps";
import { crossFieldRules } from "../rules";

/** The shape of stack.yaml: every key is known (unknown keys are errors), defaults keep it short. */
// One parse per run: compiling zod's fast path would cost more than it saves.
z.config({ jitless: true });

export const stackObject = z
  .object({
    server: serverSchema,
    tailnet: tailnetSchema,
    devices: z.array(deviceSchema).min(1, { message: "list at least one device that reads from the library" }),
    audiobookshelf: audiobookshelfSchema,
    opds: opdsSchema,
    shelfbridge: shelfbridgeSchema,
    syncthing: syncthingSchema,
    backup: backupSchema.optional(),
    statistics: statisticsSchema,
    etl: etlSchema,
    ingest: ingestSchema,
    images: imagesSchema,
  })
  .strict();

/** The sections the cross-field rules read: while one of them has a field error, the rules wait. */
const RULE_INPUTS = new Set(["server", "devices", "syncthing", "etl", "backup"]);

// The rules also run when other sections have field errors, so one run reports both.
export const stackSchema = stackObject.superRefine(crossFieldRules, {
  when: (payload) => typeof (payload.value as { tailnet?: unknown })?.tailnet === "object" && !payload.issues.some((issue) => RULE_INPUTS.has(String(issue.path?.[0]))),
});

/** stack.yaml as written, with zod's defaults applied (see resolve.ts for derived defaults). */
export type StackInput = z.output<typeof stackObject>;
export type Device = StackInput["devices"][number];
export type FolderInput = NonNullable<StackInput["syncthing"]["folders"]>[number];
