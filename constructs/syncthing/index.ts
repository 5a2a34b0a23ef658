import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import type { FolderContent, SyncthingDevice, SyncthingFolder } from "../../config/syncthing-folders";
import { RenderedFile } from "../rendered-file";
import { renderStignore } from "./stignore";
import type { Container } from "../container";
import type { PeerEntry } from "./config-xml";
import { SyncthingInstance } from "./instance";
import { SyncthingServer } from "./server";
import type { ServerIdentity } from "../../config/syncthing-identity";
import type { ServerAccess } from "../tailscale/policy/generate";
import { syncthingAccess } from "./access";

export interface SyncthingProps {
  /** The resolved folders (config/syncthing-folders.ts): each carries both sides' modes. */
  readonly folders: readonly SyncthingFolder[];
  /** The server as a peer; its deviceId is known once syncthing.serverId is set. */
  readonly server: SyncthingDevice;
  /** Every Syncthing peer (config/syncthing-peers.ts): listed in the server's config, and let through the tailnet to the sync port. */
  readonly devices: readonly SyncthingDevice[];
  readonly apiKey: SecretRef;
  /** Application state directory on the server; Syncthing keeps its state in <appdataDir>/syncthing. */
  readonly appdataDir: string;
  readonly user: string;
  readonly timezone: string;
  readonly network: Container;
  /** The server's declared key pair (syncthing.identity). @default - none: Syncthing makes its own on first start */
  readonly identity?: ServerIdentity;
}

/** What each ignore file's header calls the folders it is for. */
const IGNORE_LABELS: Record<FolderContent, string> = { library: "The library", "koreader-settings": "Each reader's KOReader settings", other: "Other folders" };

/** Below the output directory: the .stignore for folders of this content on one side. */
export function ignoreFilePath(side: "server" | "reader", content: FolderContent): string {
  return side === "server" ? `syncthing/server/ignores/${content}.stignore` : `syncthing/ignores/${content}.stignore`;
}

const peer = (d: SyncthingDevice): PeerEntry | undefined => (d.deviceId ? { name: d.name, deviceId: d.deviceId, address: d.address } : undefined);

/**
 * Syncthing for the whole stack: the server's container and config, and one rendered config per
 * reader (for its owner to set up or import; see README, Syncthing). Every folder is added by
 * `share`, which writes the server's side and each device's side together.
 *
 * Ignore patterns follow from a folder's content and side alone, so there is one .stignore per
 * content and side, not per folder: `syncthing/server/ignores/<content>.stignore` (the server's
 * start script puts it into each folder) and `syncthing/ignores/<content>.stignore` (a reader's).
 * At a thousand readers that is two files rather than three thousand.
 */
export class Syncthing extends Construct {
  readonly server: SyncthingServer;
  readonly serverConfig: SyncthingInstance;
  /** The sync port and the peers it serves: what this construct asks the tailnet to open (`Tailnet.allow`). */
  readonly access: ServerAccess;
  private readonly readers = new Map<string, SyncthingInstance>();
  private readonly ignoreFiles = new Map<string, { file: RenderedFile; lines: string }>();
  private readonly serverPeer?: PeerEntry;
  private readonly peers: Map<string, PeerEntry>;

  constructor(scope: Construct, id: string, props: SyncthingProps) {
    super(scope, id);
    this.access = syncthingAccess(props.devices);
    this.serverPeer = peer(props.server);
    this.peers = new Map(props.devices.flatMap((d) => (d.deviceId ? [[d.name, peer(d)!] as const] : [])));
    this.serverConfig = new SyncthingInstance(this, "ServerConfig", { dir: "server", self: this.serverPeer });
    for (const folder of props.folders) this.share(folder);
    this.server = new SyncthingServer(this, "Server", {
      instance: this.serverConfig,
      apiKey: props.apiKey,
      stateDir: `${props.appdataDir}/syncthing`,
      user: props.user,
      timezone: props.timezone,
      network: props.network,
      identity: props.identity,
    });
  }

  /** The rendered config of one reader, by device name. */
  reader(name: string): SyncthingInstance | undefined {
    return this.readers.get(name);
  }

  /** Shares a folder: the server's side with every device, and each device's side with the server. */
  private share(folder: SyncthingFolder): void {
    const peers = folder.devices.map((d) => this.peerOf(d.name));
    for (const p of peers) this.serverConfig.addPeer(p);
    this.serverConfig.addFolder(
      { id: folder.id, label: folder.label, path: folder.server.path, type: folder.server.type, versioning: folder.server.versioning, deviceIds: peers.map((p) => p.deviceId) },
      this.ignoreFile("server", folder.content, folder.server.ignores),
    );
    for (const side of folder.devices) {
      const reader = this.readerConfig(side.name);
      if (this.serverPeer) reader.addPeer(this.serverPeer);
      reader.addFolder(
        // Android storage has no Unix permissions; Syncthing-Fork sets this itself on import.
        {
          id: folder.id,
          label: folder.label,
          path: side.path,
          type: side.type,
          versioning: side.versioning,
          ignorePerms: true,
          deviceIds: this.serverPeer ? [this.serverPeer.deviceId] : [],
        },
        this.ignoreFile("reader", folder.content, side.ignores),
      );
    }
  }

  /** The one .stignore for folders of this content on one side, made on first use. */
  private ignoreFile(side: "server" | "reader", content: FolderContent, lines: readonly string[]): RenderedFile | undefined {
    if (!lines.length) return undefined;
    const path = ignoreFilePath(side, content);
    const known = this.ignoreFiles.get(path);
    if (known && known.lines !== lines.join("\n")) throw new Error(`two ${content} folders ignore different patterns on one side, but share ${path}`);
    if (known) return known.file;
    const file = new RenderedFile(this, `Ignore-${side}-${content}`, {
      path,
      content: renderStignore(`${IGNORE_LABELS[content]} (on ${side === "server" ? "the server" : "a reader"})`, lines),
    });
    this.ignoreFiles.set(path, { file, lines: lines.join("\n") });
    return file;
  }

  private peerOf(name: string): PeerEntry {
    const p = this.peers.get(name);
    if (!p) throw new Error(`Syncthing folder shared with "${name}", which is not a Syncthing device`);
    return p;
  }

  private readerConfig(name: string): SyncthingInstance {
    let reader = this.readers.get(name);
    if (!reader) {
      reader = new SyncthingInstance(this, `Device-${name}`, {
        dir: name,
        self: this.peerOf(name),
        note: this.serverPeer
          ? undefined
          : "The server is not listed yet: run `shelfstack syncthing identity` before the first deploy (or set syncthing.serverId once the server has started), then synth again (README, Syncthing).",
      });
      this.readers.set(name, reader);
    }
    return reader;
  }
}
