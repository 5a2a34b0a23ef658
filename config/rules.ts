import type { z } from "zod";
import type { StackInput } from "./schema";
import { syncthingFolderRules } from "./syncthing-folders";
import { notAPeerReason, runsSyncthing } from "./syncthing-peers";

/**
 * Rules that span several fields. Each issue carries the YAML path of the field to fix.
 * (Syncthing folder rules live in syncthing-folders.ts; they are called from here so every
 * problem is reported in one run with its line.)
 */
export function crossFieldRules(stack: StackInput, ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  stack.devices.forEach((device, i) => {
    const first = seen.get(device.name);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["devices", i, "name"],
        message: `device name "${device.name}" is already used by devices[${first}] — give each device its own name`,
      });
    } else seen.set(device.name, i);
    if (device.syncthingId && !runsSyncthing(device.kind)) {
      ctx.addIssue({
        code: "custom",
        path: ["devices", i, "syncthingId"],
        message: `${notAPeerReason(device.kind)} — remove syncthingId`,
      });
    }
  });
  const ids = new Map<string, number>();
  stack.devices.forEach((device, i) => {
    if (!device.syncthingId) return;
    const key = device.syncthingId.toUpperCase().replace(/[-\s]/g, "");
    const first = ids.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["devices", i, "syncthingId"],
        message: `the same Syncthing device ID as devices[${first}] — each device has its own; copy it from this device's app`,
      });
    } else ids.set(key, i);
  });
  syncthingFolderRules(stack, ctx);
}
