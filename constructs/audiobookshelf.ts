import { Construct } from "constructs";
import { ABS_LIBRARY_PATHS } from "../config/abs-keys";
import { Container } from "./container";
import { imageFor } from "./images";
import { ABS_LOCAL_URL } from "../config/ports";

export interface AudiobookshelfProps {
  /** Pinned X.Y.Z. */
  readonly version: string;
  /** The container's TZ (IANA name). */
  readonly timezone: string;
  /** Host directory for /config (database; must be local disk) and /metadata. */
  readonly appdataDir: string;
  /** The ebook library on the host, mounted where the ingest container sees it too. */
  readonly ebooksDir: string;
  /** The audiobook library on the host, mounted the same way. */
  readonly audiobooksDir: string;
  /** uid:gid it runs as (server.user), so the libraries and its database stay that user's. */
  readonly user: string;
  /** The Tailscale sidecar whose network namespace it joins: reachable only through it. */
  readonly network: Container;
}

/** The library server: ebooks and audiobooks, served on the tailnet through the sidecar's HTTPS. */
export class Audiobookshelf extends Construct {
  readonly container: Container;
  /** How other containers in the namespace reach it. */
  readonly localUrl = ABS_LOCAL_URL;

  constructor(scope: Construct, id: string, props: AudiobookshelfProps) {
    super(scope, id);
    this.container = new Container(this, "Container", {
      name: "audiobookshelf",
      image: imageFor(this, "audiobookshelf", props.version),
      environment: { TZ: props.timezone },
      user: props.user,
      volumes: [
        { hostPath: `${props.appdataDir}/audiobookshelf/config`, containerPath: "/config" },
        { hostPath: `${props.appdataDir}/audiobookshelf/metadata`, containerPath: "/metadata" },
        { hostPath: props.ebooksDir, containerPath: ABS_LIBRARY_PATHS.ebooks },
        { hostPath: props.audiobooksDir, containerPath: ABS_LIBRARY_PATHS.audiobooks },
      ],
      // The image has no HEALTHCHECK; /healthcheck answers 200 without auth. wget is busybox's.
      healthCheck: { test: ["CMD-SHELL", `wget -q -O /dev/null ${ABS_LOCAL_URL}/healthcheck || exit 1`] },
      networkOf: props.network,
    });
  }
}
