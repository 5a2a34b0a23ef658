/**
 * Ports inside the server's tailnet namespace (all app containers share the Tailscale sidecar's
 * network namespace, so these are one address space). Nothing is published on the host.
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
