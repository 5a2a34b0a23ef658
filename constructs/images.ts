/**
 * Pinned images, one place. A pin changes only in a reviewed commit; `latest` never appears.
 * Sources: ../shared/facts (Audiobookshelf 2.36.0, abs-opds v2.0.2, ShelfBridge v1.23.13).
 */
export const IMAGES = {
  tailscale: "tailscale/tailscale:v1.96.1",
  audiobookshelf: (version: string) => `ghcr.io/advplyr/audiobookshelf:${version}`,
  absOpds: "ghcr.io/vito0912/abs-opds:2.0.2",
  shelfbridge: "ghcr.io/rohit-purandare/shelfbridge:1.23.13",
} as const;
