import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import type { SyncthingDevice, SyncthingFolder } from "../../config/syncthing-folders";
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
  /** The server's declared key pair (syncthing.identity). */
  readonly identity?: ServerIdentity;
}

const peer = (d: SyncthingDevice): PeerEntry | undefined => (d.deviceId ? { name: d.name, deviceId: d.deviceId, address: d.address } : undefined);

/**
 * Syncthing for the whole stack: the server's container and config, and one rendered config per
 * reader (for its owner to set up or import; see README, Syncthing). Every folder is added by
 * `share`, which writes the server's side and each device's side together.
 */
export class Syncthing extends Construct {
  readonly server: SyncthingServer;
  readonly serverConfig: SyncthingInstance;
  /** The sync port and the peers it serves: what this construct asks the tailnet to open (`Tailnet.allow`). */
  readonly access: ServerAccess;
  private readonly readers = new Map<string, SyncthingInstance>();
  private readonly serverPeer?: PeerEntry;
  private readonly peers: Map<string, PeerEntry>;

  constructor(scope: Construct, id: string, props: SyncthingProps) {
    super(scope, id);
    this.access = syncthingAccess(props.devices);
    this.serverPeer = peer(props.server);
    this.peers = new Map(props.devices.flatMap((d) => (d.deviceId ? [[d.name, peer(d)!] as const] : [])));
    this.serverConfig = new SyncthingInstance(this, "ServerConfig", { dir: "server", self: this.serverPeer });
    for (const folder of props.folders) this.share(folder);
    // The container uploads config.xml, so it comes after every folder is shared.
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
      folder.server.ignores,
    );
    for (const side of folder.devices) {
      const reader = this.readerConfig(side.name);
      if (this.serverPeer) reader.addPeer(this.serverPeer);
      reader.addFolder(
        // Android storage has no Unix permissions; Syncthing-Fork sets this itself on import.
        { id: folder.id, label: folder.label, path: side.path, type: side.type, versioning: side.versioning, ignorePerms: true, deviceIds: this.serverPeer ? [this.serverPeer.deviceId] : [] },
        side.ignores,
      );
    }
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
        note: this.serverPeer ? undefined : "The server is not listed yet: run `shelfstack syncthing identity` before the first deploy (or set syncthing.serverId once the server has started), then synth again (README, Syncthing).",
      });
      this.readers.set(name, reader);
    }
    return reader;
  }
}
