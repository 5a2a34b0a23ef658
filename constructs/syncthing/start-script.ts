import source from "../../templates/syncthing-start.sh.hbs";
import { shellTemplate } from "../../templates/shell";

/** Where the server container finds what synth rendered for it. */
export const MOUNT_DIR = "/shelfstack";
/** Syncthing's home in the official image (config.xml, keys, database); a volume keeps it. */
export const SYNCTHING_HOME = "/var/syncthing/config";

export interface StartScriptProps {
  /** Each folder root on the server and the rendered .stignore that belongs in it (mounted below MOUNT_DIR). */
  readonly folders: readonly { readonly path: string; readonly stignore?: string }[];
  /** The declared key pair (mounted below MOUNT_DIR): put in place so Syncthing starts with it, never making its own. */
  readonly identity?: { readonly certificate: string; readonly key: string };
}

/**
 * The server container's entrypoint: puts the rendered config.xml and each .stignore in place,
 * then starts Syncthing through the image's own entrypoint (which drops to PUID:PGID). Run as
 * root so it can hand Docker-created folder roots to PUID:PGID.
 */
export function renderStartScript(props: StartScriptProps): string {
  const folders = [...props.folders].sort((a, b) => (a.path < b.path ? -1 : 1)).map((f) => ({ path: f.path, stignore: f.stignore ?? null }));
  return template({ home: SYNCTHING_HOME, configXml: `${MOUNT_DIR}/config.xml`, identity: props.identity ?? null, folders });
}

const template = shellTemplate<{
  home: string;
  configXml: string;
  identity: { certificate: string; key: string } | null;
  folders: { path: string; stignore: string | null }[];
}>(source);
