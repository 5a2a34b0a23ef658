import { basename } from "node:path";
import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import { Container } from "../container";
import { PORTS, SYNCTHING_GUI_LOCAL_URL } from "../../config/ports";
import { RenderedFile } from "../rendered-file";
import type { SyncthingInstance } from "./instance";
import { MOUNT_DIR, renderStartScript } from "./start-script";
import { imageFor } from "../images";
import type { ServerIdentity } from "../../config/syncthing-identity";

export interface SyncthingServerProps {
  /** The server instance's rendered config, with every folder already shared. */
  readonly instance: SyncthingInstance;
  /** GUI/REST API key (STGUIAPIKEY); never written to a file. */
  readonly apiKey: SecretRef;
  /** Host directory kept across restarts: identity (cert.pem, key.pem), database, live config. */
  readonly stateDir: string;
  /** uid:gid that owns the synced files. */
  readonly user: string;
  readonly timezone: string;
  /** The Tailscale sidecar: Syncthing listens in its namespace, so sync reaches the tailnet only. */
  readonly network: Container;
  /** The server's declared key pair. @default - none: Syncthing makes its own on first start */
  readonly identity?: ServerIdentity;
}

/** The server's Syncthing container. Folder roots are mounted at their own host paths, so config.xml's paths are the server's. */
export class SyncthingServer extends Construct {
  readonly container: Container;
  readonly startScript: RenderedFile;

  constructor(scope: Construct, id: string, props: SyncthingServerProps) {
    super(scope, id);
    const { instance } = props;
    const [uid, gid] = props.user.split(":");
    // One mount per ignore file, whichever folders share it.
    const ignoreMount = (file: RenderedFile) => `${MOUNT_DIR}/ignores/${basename(file.path)}`;
    const ignoreOf = new Map(instance.ignores.map((i) => [i.folder.id, i.file]));
    const ignoreFiles = [...new Set(instance.ignores.map((i) => i.file))];
    const identityMount = { certificate: `${MOUNT_DIR}/identity/cert.pem`, key: `${MOUNT_DIR}/identity/key.pem` };
    const certificate = props.identity && new RenderedFile(this, "Certificate", { path: "syncthing/server/cert.pem", content: props.identity.certificatePem });
    this.startScript = new RenderedFile(this, "StartScript", {
      path: "syncthing/server/start.sh",
      content: renderStartScript({
        folders: instance.folders.map((f) => {
          const ignore = ignoreOf.get(f.id);
          return { path: f.path, stignore: ignore && ignoreMount(ignore) };
        }),
        identity: props.identity && identityMount,
      }),
    });
    this.container = new Container(this, "Container", {
      name: "syncthing",
      image: imageFor(this, "syncthing"),
      environment: {
        PUID: uid,
        PGID: gid,
        // The image defaults to 0.0.0.0:8384; the GUI and REST API stay on loopback, never the tailnet.
        STGUIADDRESS: `127.0.0.1:${PORTS.syncthingGui}`,
        TZ: props.timezone,
      },
      secrets: { STGUIAPIKEY: props.apiKey },
      volumes: [{ hostPath: props.stateDir, containerPath: "/var/syncthing" }, ...mountRoots(instance.folders.map((f) => f.path)).map((p) => ({ hostPath: p, containerPath: p }))],
      configFiles: [
        { containerPath: `${MOUNT_DIR}/config.xml`, file: instance.config },
        { containerPath: `${MOUNT_DIR}/start.sh`, file: this.startScript },
        ...ignoreFiles.map((file) => ({ containerPath: ignoreMount(file), file })),
        ...(certificate ? [{ containerPath: identityMount.certificate, file: certificate }] : []),
      ],
      localFiles: props.identity && [{ containerPath: identityMount.key, localPath: props.identity.keyFile }],
      entrypoint: ["/bin/sh", `${MOUNT_DIR}/start.sh`],
      healthCheck: { test: ["CMD-SHELL", `wget -q -O /dev/null ${SYNCTHING_GUI_LOCAL_URL}/rest/noauth/health || exit 1`] },
      networkOf: props.network,
    });
  }
}

/** Folder paths to mount: a path inside another mounted path comes with it. */
export function mountRoots(paths: readonly string[]): string[] {
  const unique = new Set(paths);
  // Each path's ancestors looked up, not every pair compared: a thousand readers' folders.
  const insideAnother = (p: string) => {
    for (let i = p.lastIndexOf("/"); i > 0; i = p.lastIndexOf("/", i - 1)) if (unique.has(p.slice(0, i))) return true;
    return false;
  };
  return [...unique].filter((p) => !insideAnother(p)).sort();
}
