/**
 * The Syncthing folder model: which folders exist, on which devices, with which mode, path,
 * versioning and ignore patterns, resolved from stack.yaml. The server's and each reader's
 * config.xml (constructs/syncthing/) and each device's SETUP.md are rendered from this one model.
 *
 * A folder's mode comes from its direction, never from free text
 * (README.md#syncthing-books-out-to-the-e-reader-reading-statistics-back):
 *   to-devices   → server sendonly,    device receiveonly   (the ebook library)
 *   from-devices → server receiveonly, device sendonly      (KOReader's settings / statistics)
 *   two-way      → sendreceive on both sides (refused for anything that can hold a live SQLite DB)
 */
import type { z } from "zod";
import { canonicalDeviceId } from "./device-id";
import { PORTS } from "./ports";
import { resolve, type ResolvedDevice, type ServerPaths, type StackConfig } from "./resolve";
import type { FolderInput, StackInput } from "./schema";
import type { folderTypes } from "./schema/syncthing";
import { isSyncthingPeer, notAPeerReason, runsSyncthing } from "./syncthing-peers";

export type FolderType = (typeof folderTypes)[number];
export type FolderContent = FolderInput["content"];
export type FolderDirection = FolderInput["direction"];

/** Syncthing's own versioning, as it appears in config.xml (params by Syncthing's names). */
export interface SyncthingVersioning {
  readonly type: "simple" | "staggered" | "trashcan";
  readonly params: Readonly<Record<string, string>>;
}

/** One side of a folder: where it lives and how it syncs there. */
export interface FolderSide {
  /** Absolute path on that machine (on the server: the host path, mounted at the same path). */
  readonly path: string;
  readonly type: FolderType;
  /** @default - no versioning */
  readonly versioning?: SyncthingVersioning;
  /** Lines of that side's .stignore (empty: no .stignore is written). */
  readonly ignores: readonly string[];
}

/** A device's side of a folder. */
export interface FolderDeviceSide extends FolderSide {
  /** The device's `name` in stack.yaml. */
  readonly name: string;
  /** Canonical Syncthing device ID (8 groups of 7). */
  readonly deviceId: string;
}

export interface SyncthingFolder {
  /** Syncthing folder ID, the same on the server and on each device. */
  readonly id: string;
  /** What a person sees in the app. */
  readonly label: string;
  readonly content: FolderContent;
  readonly direction: FolderDirection;
  readonly server: FolderSide;
  /** Every device the folder is shared with, sorted by name. */
  readonly devices: readonly FolderDeviceSide[];
  /** Index in `syncthing.folders` it came from; undefined for the built-in default folders. */
  readonly source?: number;
}

/**
 * A Syncthing peer and where others dial it: the server at its tailnet name; a reader at
 * `dynamic`, which with discovery off means nowhere — the reader dials the server, the server
 * never dials a reader (the tailnet policy would drop it anyway).
 */
export interface SyncthingDevice {
  readonly name: string;
  /** Canonical device ID; the server's is known only once `syncthing.serverId` is set. */
  readonly deviceId?: string;
  readonly address: string;
  /** A reader's kind and tailnet owner: what the tailnet policy opens the sync port to. */
  readonly kind?: ResolvedDevice["kind"];
  readonly owner?: string;
}

/** What a device's owner sets up for one folder (SETUP.md: "accept this folder as …"). */
export interface DeviceFolderView {
  readonly id: string;
  readonly label: string;
  readonly content: FolderContent;
  readonly path: string;
  readonly type: FolderType;
  readonly ignores: readonly string[];
}

/** Staggered versioning keeps versions for this long by default: the nightly git snapshot is the long-term history. */
const DEFAULT_STAGGERED_MAX_AGE_S = 30 * 24 * 3600;

/**
 * Ignore patterns by content and side. The library leaves out Calibre's own database, full-text
 * index, trash and notes on both sides (the server never offers them, a reader never takes them);
 * a reader also leaves out KOReader's per-book `.sdr` sidecars (progress, highlights), so "revert
 * local changes" on the receive-only library can never delete them. KOReader's settings leave out
 * `*-shm` on both sides; the `-wal` file travels with the database (KOReader uses WAL on Android).
 */
const IGNORES: Record<FolderContent, { everywhere: readonly string[]; onDevice: readonly string[] }> = {
  library: {
    everywhere: ["/metadata.db", "/metadata.db-*", "/metadata_db_prefs_backup.json", "/full-text-search.db", "/full-text-search.db-*", "/.caltrash", "/.calnotes"],
    onDevice: ["*.sdr"],
  },
  "koreader-settings": { everywhere: ["*-shm"], onDevice: [] },
  other: { everywhere: [], onDevice: [] },
};

function ignoresFor(content: FolderContent, onDevice: boolean): string[] {
  return [...IGNORES[content].everywhere, ...(onDevice ? IGNORES[content].onDevice : [])];
}

const TYPES_BY_DIRECTION: Record<FolderDirection, { server: FolderType; device: FolderType }> = {
  "to-devices": { server: "sendonly", device: "receiveonly" },
  "from-devices": { server: "receiveonly", device: "sendonly" },
  "two-way": { server: "sendreceive", device: "sendreceive" },
};

// One plan per config: synth asks for it from many constructs and once per device's SETUP.md,
// which made synth time grow with the square of the devices.
const devicesCache = new WeakMap<StackConfig, { server: SyncthingDevice; devices: SyncthingDevice[] }>();
const foldersCache = new WeakMap<StackConfig, SyncthingFolder[]>();
const byDeviceCache = new WeakMap<StackConfig, Map<string, DeviceFolderView[]>>();

/** The server and every Syncthing peer (config/syncthing-peers.ts decides which devices are). */
export function syncthingDevices(config: StackConfig): { server: SyncthingDevice; devices: SyncthingDevice[] } {
  let found = devicesCache.get(config);
  if (!found) devicesCache.set(config, (found = planDevices(config)));
  return { server: found.server, devices: [...found.devices] };
}

function planDevices(config: StackConfig): { server: SyncthingDevice; devices: SyncthingDevice[] } {
  const tailnet = config.tailnet.name;
  const server: SyncthingDevice = {
    name: config.server.hostname,
    deviceId: config.syncthing.serverId ? canonicalDeviceId(config.syncthing.serverId) : undefined,
    address: `tcp://${config.server.hostname}.${tailnet}:${PORTS.syncthingSync}`,
  };
  const devices = config.devices
    .filter(isSyncthingPeer)
    .map((d) => ({ name: d.name, deviceId: canonicalDeviceId(d.syncthingId!), address: "dynamic", kind: d.kind, owner: d.owner }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return { server, devices };
}

/** Every Syncthing folder of the stack, sorted by id. Throws if stack.yaml broke a folder rule (validation reports those first). */
export function syncthingFolders(config: StackConfig): SyncthingFolder[] {
  let folders = foldersCache.get(config);
  if (!folders) {
    const plan = planFolders(config.syncthing, config.devices, config.server.paths);
    if (plan.problems.length) throw new Error(plan.problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("\n"));
    foldersCache.set(config, (folders = plan.folders));
  }
  return [...folders];
}

/** The folders one device takes part in, as its owner sets them up. */
export function foldersForDevice(config: StackConfig, deviceName: string): DeviceFolderView[] {
  let byDevice = byDeviceCache.get(config);
  if (!byDevice) {
    byDevice = new Map();
    for (const f of syncthingFolders(config)) {
      for (const d of f.devices) {
        const view = { id: f.id, label: f.label, content: f.content, path: d.path, type: d.type, ignores: d.ignores };
        byDevice.set(d.name, [...(byDevice.get(d.name) ?? []), view]);
      }
    }
    byDeviceCache.set(config, byDevice);
  }
  return [...(byDevice.get(deviceName) ?? [])];
}

/** The folders stack.yaml gets when it lists none: the library out to every Android reader, each reader's KOReader settings back. */
export const DEFAULT_FOLDERS: readonly FolderInput[] = [
  { id: "library", label: "Library", content: "library", direction: "to-devices" },
  { id: "koreader", label: "KOReader settings", content: "koreader-settings", direction: "from-devices" },
];

interface FolderProblem {
  readonly path: (string | number)[];
  readonly message: string;
}

const SQLITE_FILES = "*.sqlite3, *.sqlite, *.db";

function isInside(child: string, parent: string): boolean {
  const c = child.replace(/\/+$/, "");
  const p = parent.replace(/\/+$/, "");
  return c === p || c.startsWith(`${p}/`) || p.startsWith(`${c}/`);
}

/** Why a folder at these paths can hold a live SQLite database, or undefined. */
function sqliteReason(
  content: FolderContent,
  serverPath: string | undefined,
  devicePaths: readonly { path: string; device: ResolvedDevice }[],
  paths: ServerPaths,
): string | undefined {
  if (content === "koreader-settings") return "KOReader's settings folder holds statistics.sqlite3";
  if (content === "library") return "the Calibre library holds metadata.db";
  const serverDbs: [string, string][] = [
    [paths.ebooks, "the Calibre library (metadata.db)"],
    [paths.appdata, "application state (Audiobookshelf's and Syncthing's databases)"],
    [paths.statistics, "the readers' statistics.sqlite3"],
    [paths.snapshots, "the statistics snapshots"],
  ];
  for (const [dir, what] of serverDbs) if (serverPath && isInside(serverPath, dir)) return `its server path ${serverPath} overlaps ${dir}, ${what}`;
  for (const { path, device } of devicePaths) {
    const koreaderDir = device.koreaderSettingsPath.replace(/\/settings\/?$/, "");
    if (isInside(path, device.koreaderSettingsPath) || isInside(path, koreaderDir) || /\.(sqlite3?|db)$/i.test(path)) {
      return `its path ${path} on ${device.name} overlaps KOReader's data (${koreaderDir}), which holds ${SQLITE_FILES} files`;
    }
  }
  return undefined;
}

function versioningOf(input: FolderInput): SyncthingVersioning | undefined {
  const v = input.versioning ?? (input.content === "koreader-settings" ? { type: "staggered" as const } : undefined);
  if (!v || v.type === "none") return undefined;
  switch (v.type) {
    case "staggered":
      return { type: "staggered", params: { maxAge: String(v.keep ?? DEFAULT_STAGGERED_MAX_AGE_S) } };
    case "simple":
      return { type: "simple", params: { cleanoutDays: "0", keep: String(v.keep ?? 5) } };
    case "trashcan":
      return { type: "trashcan", params: { cleanoutDays: String(v.keep ?? 0) } };
  }
}

/**
 * Resolves folders and checks every folder rule. Problems carry the YAML path of the field to fix;
 * a default folder cannot break a rule, so problems always point into `syncthing.folders`.
 */
export function planFolders(syncthing: StackInput["syncthing"], devices: readonly ResolvedDevice[], paths: ServerPaths): { folders: SyncthingFolder[]; problems: FolderProblem[] } {
  const folders: SyncthingFolder[] = [];
  const problems: FolderProblem[] = [];
  if (!syncthing.enabled) return { folders, problems };
  const declared = syncthing.folders !== undefined;
  const inputs = syncthing.folders ?? DEFAULT_FOLDERS;
  // The first device of a name: a later duplicate is reported by the device rules, not here.
  const byName = new Map<string, ResolvedDevice>();
  for (const d of devices) if (!byName.has(d.name)) byName.set(d.name, d);
  const defaultMembers = devices.filter(isSyncthingPeer);

  inputs.forEach((input, i) => {
    const at = (...rest: (string | number)[]) => ["syncthing", "folders", i, ...rest];
    const source = declared ? i : undefined;
    const report = (path: (string | number)[], message: string) => problems.push({ path, message });

    // Members: named devices must exist and be Syncthing peers.
    const members: ResolvedDevice[] = [];
    (input.devices ?? defaultMembers.map((d) => d.name)).forEach((name, j) => {
      const device = byName.get(name);
      if (!device) {
        report(at("devices", j), `unknown device "${name}" — use the name of an entry under devices (${[...byName.keys()].join(", ")})`);
      } else if (!runsSyncthing(device.kind)) {
        report(at("devices", j), `"${name}": ${notAPeerReason(device.kind)} — remove it from this list`);
      } else if (!device.syncthingId) {
        report(at("devices", j), `"${name}" has no syncthingId — add its Syncthing device ID under devices, or remove it from this list`);
      } else members.push(device);
    });

    const types = TYPES_BY_DIRECTION[input.direction];
    const serverType = input.serverType ?? types.server;
    const deviceType = input.deviceType ?? types.device;
    const serverPath = input.serverPath ?? (input.content === "library" ? paths.ebooks : input.content === "koreader-settings" ? paths.statistics : undefined);
    if (!serverPath)
      report(at("serverPath"), `a folder with content "other" needs serverPath — the absolute path on the server, e.g. ${paths.appdata.replace(/\/appdata$/, "")}/shared`);
    const devicePathOf = (d: ResolvedDevice) =>
      input.devicePath ?? (input.content === "library" ? d.libraryPath : input.content === "koreader-settings" ? d.koreaderSettingsPath : undefined);
    if (input.content === "other" && input.devicePath === undefined)
      report(at("devicePath"), `a folder with content "other" needs devicePath — the absolute path on the device, e.g. /storage/emulated/0/Documents/shared`);

    // The SQLite rule: a live database synced two-way is corrupted by the first concurrent write.
    const devicePaths = members.flatMap((d) => (devicePathOf(d) ? [{ path: devicePathOf(d)!, device: d }] : []));
    const reason = sqliteReason(input.content, serverPath, devicePaths, paths);
    if (reason) {
      if (serverType === "sendreceive") {
        report(
          at(input.serverType ? "serverType" : "direction"),
          `can hold a live SQLite database (${reason}); Syncthing would merge concurrent writes into a corrupt file, so it is never sendreceive — ${input.serverType ? "use sendonly or receiveonly" : "use direction to-devices or from-devices"}`,
        );
      }
      if (deviceType === "sendreceive" && !(serverType === "sendreceive" && !input.deviceType)) {
        report(
          at(input.deviceType ? "deviceType" : "direction"),
          `can hold a live SQLite database (${reason}); it is never sendreceive on a device — ${input.deviceType ? "use sendonly or receiveonly" : "use direction to-devices or from-devices"}`,
        );
      }
    }
    const sends = (t: FolderType) => t === "sendonly" || t === "sendreceive";
    if (!sends(serverType) && !sends(deviceType)) {
      report(
        at(input.serverType ? "serverType" : input.deviceType ? "deviceType" : "direction"),
        `neither side sends (server ${serverType}, devices ${deviceType}), so nothing would ever sync — let one side send`,
      );
    }
    const versioning = versioningOf(input);
    if (input.versioning && input.versioning.type !== "none" && serverType === "sendonly") {
      report(at("versioning"), `versioning keeps old copies of files the server receives, but this folder's server side is sendonly — remove versioning`);
    }
    if (!serverPath) return;

    // KOReader settings: one folder per device, each into its own directory, so two readers'
    // statistics.sqlite3 never meet in one place.
    const perDevice = input.content === "koreader-settings";
    const groups = perDevice ? members.map((d) => [d]) : [members];
    for (const group of groups) {
      const suffix = perDevice ? `-${group[0].name}` : "";
      const side = (d: ResolvedDevice): FolderDeviceSide => ({
        name: d.name,
        deviceId: canonicalDeviceId(d.syncthingId!),
        path: devicePathOf(d) ?? "",
        type: deviceType,
        ignores: ignoresFor(input.content, true),
      });
      folders.push({
        id: `${input.id}${suffix}`,
        label: `${input.label ?? input.id}${perDevice ? ` (${group[0].name})` : ""}`,
        content: input.content,
        direction: input.direction,
        server: {
          path: perDevice ? `${serverPath}/${group[0].name}` : serverPath,
          type: serverType,
          versioning: serverType === "sendonly" ? undefined : versioning,
          ignores: ignoresFor(input.content, false),
        },
        devices: group.map(side).sort((a, b) => (a.name < b.name ? -1 : 1)),
        source,
      });
    }
  });

  // Folder IDs are global to every device: a duplicate would merge two folders into one.
  const seen = new Map<string, SyncthingFolder>();
  for (const f of folders) {
    const first = seen.get(f.id);
    if (first) {
      problems.push({
        path: ["syncthing", "folders", f.source ?? 0, "id"],
        message: `folder ID "${f.id}" is already used by syncthing.folders[${first.source}]${f.content === "koreader-settings" || first.content === "koreader-settings" ? " (KOReader settings folders get -<device> appended)" : ""} — give each folder its own id`,
      });
    } else seen.set(f.id, f);
  }
  folders.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { folders, problems };
}

/** Called from config/rules.ts: every folder problem, with its YAML path, in the same run as the rest. */
export function syncthingFolderRules(stack: StackInput, ctx: z.RefinementCtx): void {
  const config = resolve(stack);
  for (const p of planFolders(config.syncthing, config.devices, config.server.paths).problems) {
    ctx.addIssue({ code: "custom", path: p.path, message: p.message });
  }
  const serverId = stack.syncthing.serverId && canonicalDeviceId(stack.syncthing.serverId);
  const same = serverId ? stack.devices.findIndex((d) => d.syncthingId && canonicalDeviceId(d.syncthingId) === serverId) : -1;
  if (same >= 0) {
    ctx.addIssue({
      code: "custom",
      path: ["syncthing", "serverId"],
      message: `the same device ID as devices[${same}] (${stack.devices[same].name}) — the server's ID is the one its own Syncthing shows (see README, Syncthing)`,
    });
  }
}
