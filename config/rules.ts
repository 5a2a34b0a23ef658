import type { z } from "zod";
import type { StackInput } from "./schema";
import { syncthingFolderRules } from "./syncthing-folders";
import { resolve as resolveStack, type ServerPaths } from "./resolve";

/** The same directory, or one inside the other. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

const PATH_ROLES: Record<keyof ServerPaths, string> = {
  ebooks: "the Calibre library",
  audiobooks: "the audiobook library",
  ingest: "the ingest folder",
  failed: "the folder of failed ingests",
  statistics: "the readers' statistics (Syncthing, receive-only)",
  snapshots: "the git repository of statistics snapshots",
  appdata: "the applications' state",
};

/**
 * Data folders must be apart: a library inside the ingest folder would be ingested again, snapshots
 * inside the statistics folder would be overwritten by Syncthing, one folder for two roles mixes
 * their files. (Below server.paths.statistics each reader's own folder is by design; that is
 * folder-level, not one of these.)
 */
function dataFolderRules(stack: StackInput, ctx: z.RefinementCtx): void {
  const { paths } = resolveStack(stack).server;
  const explicit = stack.server.paths as Partial<Record<keyof ServerPaths, string>>;
  const keys = Object.keys(PATH_ROLES) as (keyof ServerPaths)[];
  const at = (key: keyof ServerPaths) => (explicit[key] !== undefined ? ["server", "paths", key] : ["server", "dataDir"]);
  keys.forEach((a, i) => {
    for (const b of keys.slice(i + 1)) {
      if (!overlaps(paths[a], paths[b])) continue;
      // Point at the inner folder where it was written, else at the one that was.
      const inner = paths[a].startsWith(`${paths[b]}/`) ? a : paths[b].startsWith(`${paths[a]}/`) ? b : b;
      const outer = inner === a ? b : a;
      const blame = explicit[inner] !== undefined ? inner : explicit[outer] !== undefined ? outer : inner;
      const other = blame === a ? b : a;
      const relation = paths[a] === paths[b] ? "is the same folder as" : paths[blame].startsWith(`${paths[other]}/`) ? "is inside" : "holds";
      ctx.addIssue({
        code: "custom",
        path: at(blame),
        message: `${paths[blame]} (${PATH_ROLES[blame]}) ${relation} server.paths.${other} ${paths[other]} (${PATH_ROLES[other]}) — give each its own folder, side by side`,
      });
    }
  });
  const embedded = stack.etl.embeddedDir;
  if (embedded !== undefined) {
    const jobs = `${paths.appdata}/jobs`;
    // The jobs container mounts only this writable and kept: anywhere else, the database is lost with the container.
    if (!embedded.startsWith(`${jobs}/`)) {
      ctx.addIssue({
        code: "custom",
        path: ["etl", "embeddedDir"],
        message: `the jobs container keeps only ${jobs} (server.paths.appdata/jobs): elsewhere the embedded database would be lost when the container is recreated — put it below, e.g. ${jobs}/etl, or leave it out for that default`,
      });
    }
  }
  // Syncthing folders of the stack's own: never a folder that holds application state or the snapshots.
  const folders = stack.syncthing.folders ?? [];
  folders.forEach((folder, i) => {
    if (folder.serverPath === undefined) return;
    // A two-way folder there is already refused by the SQLite rule (syncthing-folders.ts), once.
    const twoWay = (folder.serverType ?? (folder.direction === "two-way" ? "sendreceive" : undefined)) === "sendreceive";
    for (const key of twoWay ? [] : (["appdata", "snapshots", "failed"] as const)) {
      if (overlaps(folder.serverPath, paths[key])) {
        ctx.addIssue({
          code: "custom",
          path: ["syncthing", "folders", i, "serverPath"],
          message: `${folder.serverPath} overlaps server.paths.${key} ${paths[key]} (${PATH_ROLES[key]}), which is never shared with devices — use a folder of its own`,
        });
      }
    }
    for (const key of ["ebooks", "audiobooks", "ingest", "statistics"] as const) {
      if (paths[key].startsWith(`${folder.serverPath}/`)) {
        ctx.addIssue({
          code: "custom",
          path: ["syncthing", "folders", i, "serverPath"],
          message: `${folder.serverPath} holds server.paths.${key} ${paths[key]} (${PATH_ROLES[key]}): sharing it would share that too — share ${paths[key]} itself or a folder beside it`,
        });
      }
    }
    folders.slice(0, i).forEach((earlier, j) => {
      if (earlier.serverPath !== undefined && overlaps(earlier.serverPath, folder.serverPath!)) {
        ctx.addIssue({
          code: "custom",
          path: ["syncthing", "folders", i, "serverPath"],
          message: `${folder.serverPath} overlaps syncthing.folders[${j}].serverPath ${earlier.serverPath}: two Syncthing folders over the same files fight over them — give each its own folder`,
        });
      }
    });
  });
}

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
    if (device.kind === "ios" && device.syncthingId) {
      ctx.addIssue({
        code: "custom",
        path: ["devices", i, "syncthingId"],
        message: "an iOS device never gets Syncthing (it reads over OPDS) — remove syncthingId",
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
  dataFolderRules(stack, ctx);
  const crypt = stack.backup?.crypt;
  if (crypt && crypt.password.env === crypt.salt.env) {
    ctx.addIssue({
      code: "custom",
      path: ["backup", "crypt", "salt"],
      message: `the same variable as crypt.password (${crypt.password.env}): a salt equal to the password adds nothing — give it its own, e.g. { env: RCLONE_CRYPT_SALT }`,
    });
  }
}
