import { Construct } from "constructs";
import { RenderedFile } from "../rendered-file";
import { renderConfigXml, type FolderEntry, type PeerEntry } from "./config-xml";
import { PORTS } from "../../config/ports";

export interface SyncthingInstanceProps {
  /** Directory below syncthing/ in the output: "server", or the device's name. */
  readonly dir: string;
  /** This instance's own device, when its ID is known (the server's only once syncthing.serverId is set). @default - unknown: not listed */
  readonly self?: PeerEntry;
  /** A comment for the person reading config.xml. @default - none */
  readonly note?: string;
}

/**
 * One Syncthing instance's rendered configuration, `syncthing/<dir>/config.xml`, and which
 * .stignore belongs in each of its folders. Folders and peers are added by `Syncthing.share`,
 * which writes both sides.
 */
export class SyncthingInstance extends Construct {
  readonly self?: PeerEntry;
  readonly config: RenderedFile;
  private readonly peers = new Map<string, PeerEntry>();
  private readonly folderEntries: FolderEntry[] = [];
  private readonly ignoreFiles: { folder: FolderEntry; file: RenderedFile }[] = [];

  constructor(scope: Construct, id: string, props: SyncthingInstanceProps) {
    super(scope, id);
    this.self = props.self;
    if (props.self) this.addPeer(props.self);
    this.config = new RenderedFile(this, "Config", {
      path: `syncthing/${props.dir}/config.xml`,
      content: () =>
        renderConfigXml({
          devices: [...this.peers.values()],
          folders: this.folderEntries,
          guiAddress: `127.0.0.1:${PORTS.syncthingGui}`,
          listenAddress: `0.0.0.0:${PORTS.syncthingSync}`,
          note: props.note,
        }),
    });
  }

  addPeer(peer: PeerEntry): void {
    this.peers.set(peer.deviceId, peer);
  }

  /** Adds a folder (this instance's own ID is added to its devices) and the .stignore for its root, if any. */
  addFolder(folder: FolderEntry, ignore?: RenderedFile): void {
    const deviceIds = [...new Set([...(this.self ? [this.self.deviceId] : []), ...folder.deviceIds])];
    const entry = { ...folder, deviceIds };
    this.folderEntries.push(entry);
    if (ignore) this.ignoreFiles.push({ folder: entry, file: ignore });
  }

  get folders(): readonly FolderEntry[] {
    return this.folderEntries;
  }

  /** Each folder's .stignore file, with the folder it belongs in. */
  get ignores(): readonly { folder: FolderEntry; file: RenderedFile }[] {
    return this.ignoreFiles;
  }
}
