import { Construct } from "constructs";
import { RenderedFile } from "../rendered-file";
import { renderConfigXml, type FolderEntry, type PeerEntry } from "./config-xml";
import { renderStignore } from "./stignore";
import { PORTS } from "../../config/ports";

export interface SyncthingInstanceProps {
  /** Directory below syncthing/ in the output: "server", or the device's name. */
  readonly dir: string;
  /** This instance's own device, when its ID is known (the server's only once syncthing.serverId is set). */
  readonly self?: PeerEntry;
  /** A comment for the person reading config.xml. @default - none */
  readonly note?: string;
}

/**
 * One Syncthing instance's rendered configuration: `syncthing/<dir>/config.xml` and, for each
 * folder that ignores something, `syncthing/<dir>/<folder id>/.stignore` (copy it into the
 * folder's root). Folders and peers are added by `Syncthing.share`, which writes both sides.
 */
export class SyncthingInstance extends Construct {
  readonly self?: PeerEntry;
  readonly config: RenderedFile;
  private readonly peers = new Map<string, PeerEntry>();
  private readonly folderEntries: FolderEntry[] = [];
  private readonly ignoreFiles: { folder: FolderEntry; file: RenderedFile }[] = [];

  constructor(scope: Construct, id: string, private readonly props: SyncthingInstanceProps) {
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

  /** Adds a folder (this instance's own ID is added to its devices) and its .stignore, if any. */
  addFolder(folder: FolderEntry, ignores: readonly string[]): void {
    const deviceIds = [...new Set([...(this.self ? [this.self.deviceId] : []), ...folder.deviceIds])];
    const entry = { ...folder, deviceIds };
    this.folderEntries.push(entry);
    if (ignores.length) {
      const file = new RenderedFile(this, `Ignore-${folder.id}`, {
        path: `syncthing/${this.props.dir}/${folder.id}/.stignore`,
        content: renderStignore(`${folder.label} (${folder.id})`, ignores),
      });
      this.ignoreFiles.push({ folder: entry, file });
    }
  }

  get folders(): readonly FolderEntry[] {
    return this.folderEntries;
  }

  /** Each folder's .stignore file, with the folder it belongs in. */
  get ignores(): readonly { folder: FolderEntry; file: RenderedFile }[] {
    return this.ignoreFiles;
  }
}
