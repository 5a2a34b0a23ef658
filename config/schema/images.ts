import { z } from "zod";

// An image reference as Docker parses it: [registry[:port]/]path, then a tag, a digest, or both.
const registry = String.raw`(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?/)?`;
const pathComponent = String.raw`[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*`;
const tag = String.raw`:[\w][\w.-]{0,127}`;
const digest = String.raw`@sha256:[a-f0-9]{64}`;
const reference = new RegExp(`^${registry}${pathComponent}(?:/${pathComponent})*(?:(?:${tag})?${digest}|${tag})$`);

const imageReference = (description: string) =>
  z
    .string()
    .regex(reference, {
      message: "not a pinned image reference — write registry/name:tag or name@sha256:<digest>, e.g. mirror.example.com/tailscale/tailscale:v1.96.1",
    })
    .refine((ref) => !/:latest(@|$)/.test(ref), { message: "latest is not a pin — name the exact tag or a digest" })
    .optional()
    .describe(description);

/**
 * Overrides for the pinned images (a private mirror, a digest pin, a local build). Every key is
 * optional; a key left out keeps shelfstack's pin.
 */
export const imagesSchema = z
  .object({
    tailscale: imageReference("the Tailscale sidecar; default tailscale/tailscale:v1.96.1"),
    audiobookshelf: imageReference("Audiobookshelf; default ghcr.io/advplyr/audiobookshelf:<audiobookshelf.version>"),
    absOpds: imageReference("the OPDS feed; default ghcr.io/vito0912/abs-opds:2.0.2"),
    shelfbridge: imageReference("ShelfBridge; default ghcr.io/rohit-purandare/shelfbridge:1.23.13"),
    syncthing: imageReference("Syncthing; default syncthing/syncthing:1.30.0"),
    busybox: imageReference("the one-shot task that prepares host directories; default busybox:1.36.1"),
    jobs: imageReference("the jobs runtime, used as is (not built); default localhost/shelfstack-jobs:<package version>, built by the deploy from <out>/images/jobs"),
    ingest: imageReference("the ingest runtime, used as is (not built); default localhost/shelfstack-ingest:<package version>, built by the deploy from <out>/images/ingest"),
  })
  .strict()
  .prefault({});

export type ImageOverrides = z.output<typeof imagesSchema>;
