/**
 * Pinned images, one place. A pin changes only in a reviewed commit; `latest` never appears.
 * Sources: ../shared/facts (Audiobookshelf 2.36.0, abs-opds v2.0.2, ShelfBridge v1.23.13).
 */
export const IMAGES = {
  tailscale: "tailscale/tailscale:v1.96.1",
  audiobookshelf: (version: string) => `ghcr.io/advplyr/audiobookshelf:${version}`,
  absOpds: "ghcr.io/vito0912/abs-opds:2.0.2",
  shelfbridge: "ghcr.io/rohit-purandare/shelfbridge:1.23.13",
  // The last 1.x: the same command line and config handling as Debian's 1.19.2, which the tests
  // load our config.xml into; it upgrades config version 36 itself.
  syncthing: "syncthing/syncthing:1.30.0",
  // The one-shot task that prepares host directories (sh, stat, find, chown).
  busybox: "busybox:1.36.1",
} as const;
