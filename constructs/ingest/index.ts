import { Construct } from "constructs";
import { ABS_LIBRARY_PATHS, type AbsKeyHandoff } from "../../config/abs-keys";
import { Container } from "../container";
import { absKeyFile } from "../setup/abs-key";
import { heartbeatMaxAgeMinutes, ingestArgs, type IngestMounts } from "./args";
import { INGEST_IMAGE } from "./image";
import { projectImage } from "../images";

export interface IngestProps {
  /** Host folder readers drop books into. */
  readonly ingestDir: string;
  /** Host folder for what could not be ingested (each with a .reason.txt). */
  readonly failedDir: string;
  /** The Calibre library on the host (Audiobookshelf's ebook library). */
  readonly ebooksDir: string;
  /** The audiobook library on the host (Audiobookshelf's audiobook library). */
  readonly audiobooksDir: string;
  /** uid:gid the runtime writes as, so the libraries stay owned by server.user. */
  readonly user: string;
  /** The container's TZ (IANA name). */
  readonly timezone: string;
  /** Seconds between two looks at the ingest folder; the health check allows at least three. */
  readonly pollSeconds: number;
  /** Seconds a file must stay unchanged before it is taken (still being copied otherwise). */
  readonly stableSeconds: number;
  /** Ask Calibre to fetch metadata from the internet for each ebook. */
  readonly fetchMetadata: boolean;
  /** Audiobookshelf from inside the tailnet namespace, e.g. http://127.0.0.1:80. */
  readonly absUrl: string;
  /** Where ingest's Audiobookshelf API key arrives (written by `shelfstack bootstrap`). */
  readonly absApiKey: AbsKeyHandoff;
  /** The Tailscale sidecar: ingest reaches Audiobookshelf on loopback and listens on nothing. */
  readonly network: Container;
}

/** Inside the container. The libraries are mounted where Audiobookshelf has them, so paths agree. */
export const INGEST_MOUNTS: IngestMounts = {
  ingest: "/ingest",
  failed: "/ingest-failed",
  ebooks: ABS_LIBRARY_PATHS.ebooks,
  audiobooks: ABS_LIBRARY_PATHS.audiobooks,
};

const HEARTBEAT = "/tmp/shelfstack-ingest.alive";

/**
 * The ingest sidecar: drop a book in the ingest folder, find it in Audiobookshelf
 * (README.md#ingest-drop-a-book-find-it-in-audiobookshelf). Its image is INGEST_IMAGE, built by the deploy, or stack.yaml's images.ingest.
 */
export class Ingest extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const key = absKeyFile(props.absApiKey);
    this.container = new Container(this, "Container", {
      name: "ingest",
      ...projectImage(this, "ingest", INGEST_IMAGE),
      user: props.user,
      environment: { TZ: props.timezone, ...key.environment },
      command: ingestArgs({
        mounts: INGEST_MOUNTS,
        pollSeconds: props.pollSeconds,
        stableSeconds: props.stableSeconds,
        fetchMetadata: props.fetchMetadata,
        absUrl: props.absUrl,
        absFolders: ABS_LIBRARY_PATHS,
        heartbeat: HEARTBEAT,
      }),
      volumes: [
        { hostPath: props.ingestDir, containerPath: INGEST_MOUNTS.ingest },
        { hostPath: props.failedDir, containerPath: INGEST_MOUNTS.failed },
        { hostPath: props.ebooksDir, containerPath: INGEST_MOUNTS.ebooks },
        { hostPath: props.audiobooksDir, containerPath: INGEST_MOUNTS.audiobooks },
        key.volume,
      ],
      healthCheck: {
        // No `$` in it: compose would read one as its own interpolation.
        test: ["CMD-SHELL", `find ${HEARTBEAT} -mmin -${heartbeatMaxAgeMinutes(props.pollSeconds)} | grep -q .`],
        intervalSeconds: 60,
        startPeriodSeconds: 60,
      },
      networkOf: props.network,
    });
  }
}
