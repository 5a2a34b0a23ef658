import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generate, Sandbox, SyncthingProcess } from "./syncthing-process";
import type { StackConfig } from "../../config/resolve";
import { syncthingFolders } from "../../config/syncthing-folders";
import { ignoreFilePath } from "../../constructs/syncthing";

/** Where synth put each folder's .stignore for one side (folder id → file below `out`): one file per content and side. */
export function ignoreFiles(out: string, config: StackConfig, side: "server" | "reader"): Record<string, string> {
  return Object.fromEntries(syncthingFolders(config).map((f) => [f.id, join(out, ignoreFilePath(side, f.content))]));
}

/** What real Syncthing made of one rendered config.xml. */
export interface Loaded {
  /** GET /rest/config */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly config: any;
  /** The device ID of the key pair Syncthing ran with. */
  readonly myId: string;
  /** GET /rest/db/ignores per folder id: the patterns Syncthing read from the folder's .stignore (comments left out). */
  readonly ignores: Record<string, string[]>;
  /** config.xml as Syncthing left it, and the files of its home. */
  readonly fileAfter: string;
  readonly homeFiles: string[];
}

/**
 * Loads `configXml` (a rendered file) into a real Syncthing: a sandbox with a fresh key pair
 * (`syncthing generate`), or the key pair already generated there (`sandbox`), the folder roots
 * holding the rendered .stignore files, started paused; reads back the config and stops it.
 */
export async function loadInSyncthing(configXml: string, options: { sandbox?: Sandbox; sandboxes: Sandbox[]; ignores: Record<string, string> }): Promise<Loaded> {
  const sandbox = options.sandbox ?? new Sandbox();
  if (!options.sandbox) {
    options.sandboxes.push(sandbox);
    generate(sandbox);
  }
  copyFileSync(configXml, join(sandbox.home, "config.xml"));
  // Place each folder's .stignore in its root, as the server's start script does (and a reader's owner would).
  const xml = readFileSync(configXml, "utf8");
  const folders = [...xml.matchAll(/<folder id="([^"]+)"[^>]* path="([^"]+)"/g)].map((m) => ({ id: m[1], path: m[2] }));
  for (const f of folders) {
    const stignore = options.ignores[f.id];
    if (!stignore || !existsSync(stignore)) continue;
    mkdirSync(sandbox.path(f.path), { recursive: true });
    copyFileSync(stignore, join(sandbox.path(f.path), ".stignore"));
  }
  const st = await SyncthingProcess.start(sandbox, { paused: true });
  try {
    const config = await st.get("/rest/config");
    const myId = (await st.get("/rest/system/status")).myID as string;
    const ignores: Record<string, string[]> = {};
    for (const f of folders) ignores[f.id] = (((await st.get(`/rest/db/ignores?folder=${encodeURIComponent(f.id)}`)).ignore ?? []) as string[]).filter((l) => !l.startsWith("//"));
    await st.stop();
    return { config, myId, ignores, fileAfter: readFileSync(join(sandbox.home, "config.xml"), "utf8"), homeFiles: readdirSync(sandbox.home).sort() };
  } finally {
    await st.stop();
  }
}

/** The parts of a folder stack.yaml decides, as /rest/config reports them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function folderFacts(folder: any) {
  return {
    path: folder.path,
    type: folder.type,
    devices: (folder.devices as { deviceID: string }[]).map((d) => d.deviceID).sort(),
    versioning: { type: folder.versioning.type, params: folder.versioning.params },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function deviceFacts(config: any): Record<string, { name: string; addresses: string[]; allowedNetworks: string[] }> {
  return Object.fromEntries(
    (config.devices as { deviceID: string; name: string; addresses: string[]; allowedNetworks: string[] }[]).map((d) => [
      d.deviceID,
      { name: d.name, addresses: d.addresses, allowedNetworks: d.allowedNetworks },
    ]),
  );
}
