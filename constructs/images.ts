import type { Construct, IConstruct } from "constructs";
import { ImageBuildContext, type ProjectImageName } from "./image-context";
import type { ImageOverrides } from "../config/schema/images";

/**
 * Pinned images, one place. A pin changes only in a reviewed commit; `latest` never appears.
 * Sources: ../shared/facts (Audiobookshelf 2.36.0, abs-opds v2.0.2, ShelfBridge v1.23.13).
 * stack.yaml's `images:` replaces any of them (a private mirror, a digest pin): see imageFor.
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

export type ImageName = keyof ImageOverrides;

const OVERRIDES_CONTEXT = "shelfstack:imageOverrides";

/** Makes stack.yaml's `images:` apply below `scope`; call it before `scope` has children. */
export function useImageOverrides(scope: IConstruct, overrides: ImageOverrides | undefined): void {
  scope.node.setContext(OVERRIDES_CONTEXT, { ...overrides });
}

/** The override stack.yaml names for an image, if any. */
export function imageOverride(scope: IConstruct, name: ImageName): string | undefined {
  const overrides = scope.node.tryGetContext(OVERRIDES_CONTEXT) as ImageOverrides | undefined;
  return overrides?.[name];
}

/** The image a container of `scope` runs: stack.yaml's override, else the pin. */
export function imageFor(scope: IConstruct, name: Exclude<ImageName, "audiobookshelf" | "jobs" | "ingest">): string;
export function imageFor(scope: IConstruct, name: "audiobookshelf", version: string): string;
export function imageFor(scope: IConstruct, name: ImageName, version?: string): string {
  const override = imageOverride(scope, name);
  if (override) return override;
  if (name === "audiobookshelf") return IMAGES.audiobookshelf(version!);
  return IMAGES[name as Exclude<ImageName, "audiobookshelf" | "jobs" | "ingest">];
}

/**
 * The image of a runtime this repository builds (jobs, ingest): stack.yaml's override as is, else
 * `tag` built by the deploy from a build context that synth writes to <out>/images/<name>.
 */
export function projectImage(scope: Construct, name: ProjectImageName, tag: string): { image: string; build?: ImageBuildContext } {
  const override = imageOverride(scope, name);
  if (override) return { image: override };
  return { image: tag, build: new ImageBuildContext(scope, "ImageContext", { image: name }) };
}
