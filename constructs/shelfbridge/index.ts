import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import { Container } from "../container";
import { IMAGES } from "../images";
import { RenderedFile } from "../rendered-file";
import { renderShelfbridgeConfig, type ShelfbridgeSettings } from "./render";

export interface ShelfbridgeProps extends ShelfbridgeSettings {
  readonly userId: string;
  /** Audiobookshelf as seen from the tailnet namespace. */
  readonly absUrl: string;
  readonly absApiKey: SecretRef;
  readonly hardcoverToken: SecretRef;
  readonly appdataDir: string;
  readonly network: Container;
}

/** Syncs Audiobookshelf progress to Hardcover on its own schedule (its internal cron). */
export class Shelfbridge extends Construct {
  readonly container: Container;
  readonly config: RenderedFile;

  constructor(scope: Construct, id: string, props: ShelfbridgeProps) {
    super(scope, id);
    this.config = new RenderedFile(this, "Config", { path: "shelfbridge/config.yaml", content: renderShelfbridgeConfig(props) });
    this.container = new Container(this, "Container", {
      name: "shelfbridge",
      image: IMAGES.shelfbridge,
      environment: {
        SHELFBRIDGE_USER_0_ID: props.userId,
        SHELFBRIDGE_USER_0_ABS_URL: props.absUrl,
        TZ: props.timezone,
      },
      secrets: {
        SHELFBRIDGE_USER_0_ABS_TOKEN: props.absApiKey,
        SHELFBRIDGE_USER_0_HARDCOVER_TOKEN: props.hardcoverToken,
      },
      volumes: [{ hostPath: `${props.appdataDir}/shelfbridge/data`, containerPath: "/app/data" }],
      configFiles: [{ containerPath: "/app/config/config.yaml", file: this.config }],
      networkOf: props.network,
    });
  }
}
