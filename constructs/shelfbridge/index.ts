import { Construct } from "constructs";
import type { AbsKeyHandoff } from "../../config/abs-keys";
import type { SecretRef } from "../../config/secret";
import { Container } from "../container";
import { imageFor } from "../images";
import { RenderedFile } from "../rendered-file";
import { AbsKeyEntrypoint } from "../setup/abs-key";
import { renderShelfbridgeConfig, type ShelfbridgeSettings } from "./render";

export interface ShelfbridgeProps extends ShelfbridgeSettings {
  /** The Audiobookshelf user whose progress goes to Hardcover. */
  readonly userId: string;
  /** Audiobookshelf as seen from the tailnet namespace. */
  readonly absUrl: string;
  /** Where shelfbridge's Audiobookshelf API key arrives (written by `shelfstack bootstrap`). */
  readonly absApiKey: AbsKeyHandoff;
  /** The variable holding the Hardcover API token. */
  readonly hardcoverToken: SecretRef;
  /** Host directory below which shelfbridge keeps its state (shelfbridge/data). */
  readonly appdataDir: string;
  /** The Tailscale sidecar whose network namespace it joins (Audiobookshelf is on its loopback). */
  readonly network: Container;
}

/** Syncs Audiobookshelf progress to Hardcover on its own schedule (its internal cron). */
export class Shelfbridge extends Construct {
  readonly container: Container;
  readonly config: RenderedFile;

  constructor(scope: Construct, id: string, props: ShelfbridgeProps) {
    super(scope, id);
    this.config = new RenderedFile(this, "Config", { path: "shelfbridge/config.yaml", content: renderShelfbridgeConfig(props) });
    const start = new AbsKeyEntrypoint(this, "KeyEntrypoint", {
      handoff: props.absApiKey,
      path: "shelfbridge/entrypoint.sh",
      exports: { SHELFBRIDGE_USER_0_ABS_TOKEN: [{ env: "ABS_API_KEY" }] },
      // The image's ENTRYPOINT + CMD: it drops from root to PUID:PGID itself, after the key is read.
      command: ["/usr/local/bin/docker-entrypoint.sh", "npm", "start"],
    });
    const { environment, volumes, configFiles, ...wrapper } = start.containerProps;
    this.container = new Container(this, "Container", {
      name: "shelfbridge",
      image: imageFor(this, "shelfbridge"),
      environment: {
        SHELFBRIDGE_USER_0_ID: props.userId,
        SHELFBRIDGE_USER_0_ABS_URL: props.absUrl,
        TZ: props.timezone,
        ...environment,
      },
      secrets: { SHELFBRIDGE_USER_0_HARDCOVER_TOKEN: props.hardcoverToken },
      volumes: [{ hostPath: `${props.appdataDir}/shelfbridge/data`, containerPath: "/app/data" }, ...volumes],
      configFiles: [{ containerPath: "/app/config/config.yaml", file: this.config }, ...configFiles],
      ...wrapper,
      networkOf: props.network,
    });
  }
}
