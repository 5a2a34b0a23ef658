/**
 * Ports inside the server's tailnet namespace (all app containers share the Tailscale sidecar's
 * network namespace, so these are one address space). Nothing is published on the host. Every
 * port and loopback address of the stack comes from here: config/, constructs/ and runtimes/ all
 * import this file, so a port is written once.
 */
export const PORTS = {
  /** HTTPS on the MagicDNS name, terminated by `tailscale serve`. */
  https: 443,
  /** Audiobookshelf (the image's PORT). */
  audiobookshelf: 80,
  /** abs-opds. */
  opds: 3010,
  /** Syncthing's sync protocol (TCP; also QUIC on UDP). */
  syncthingSync: 22000,
  /** Syncthing's GUI/REST: bound to 127.0.0.1 only, never on the tailnet. */
  syncthingGui: 8384,
} as const;

/** How a container in the tailnet namespace reaches a neighbour: loopback, at that neighbour's port. */
export function localUrl(port: number, path = ""): string {
  return `http://127.0.0.1:${port}${path}`;
}

/** Audiobookshelf as every container beside it reaches it (abs-opds, shelfbridge, ingest, the jobs). */
export const ABS_LOCAL_URL = localUrl(PORTS.audiobookshelf);
/** The server Syncthing's GUI and REST API: loopback only. */
export const SYNCTHING_GUI_LOCAL_URL = localUrl(PORTS.syncthingGui);
