import { Construct } from "constructs";
import type { AbsKeyHandoff } from "../config/abs-keys";
import type { SecretRef } from "../config/secret";
import { Container } from "./container";
import { imageFor } from "./images";
import { PORTS } from "../config/ports";
import { AbsKeyEntrypoint } from "./setup/abs-key";

export interface AbsOpdsProps {
  /**
   * Audiobookshelf's address inside the shared network namespace (http://127.0.0.1:80): abs-opds
   * calls it for everything, and MagicDNS names do not resolve there. With USE_PROXY the feed's
   * cover and download links go through abs-opds's own /opds/proxy/…, so they stay on the
   * address the reader opened.
   */
  readonly absUrl: string;
  /** The OPDS login readers type into Readest (not an Audiobookshelf user). */
  readonly user: string;
  /** The variable holding the OPDS password. */
  readonly password: SecretRef;
  /** Where the feed's Audiobookshelf API key arrives (written by `shelfstack bootstrap`). */
  readonly absApiKey: AbsKeyHandoff;
  /** uid:gid that can read the key file (server.user). */
  readonly runAs: string;
  /** The Tailscale sidecar whose network namespace it joins (Audiobookshelf is on its loopback). */
  readonly network: Container;
}

/** The OPDS catalogue Readest reads on the iPhone, served at /opds. */
export class AbsOpds extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: AbsOpdsProps) {
    super(scope, id);
    // OPDS_USERS is user:ABS_API_KEY:password in one variable: built at start from the key file.
    const start = new AbsKeyEntrypoint(this, "KeyEntrypoint", {
      handoff: props.absApiKey,
      path: "abs-opds/entrypoint.sh",
      exports: { OPDS_USERS: [{ env: "OPDS_USER" }, ":", { env: "ABS_API_KEY" }, ":", { env: "OPDS_PASSWORD" }] },
      // The image's CMD (setting an entrypoint clears it); its WORKDIR stays.
      command: ["npm", "start"],
    });
    const { environment, volumes, ...wrapper } = start.containerProps;
    this.container = new Container(this, "Container", {
      name: "abs-opds",
      image: imageFor(this, "absOpds"),
      environment: { ABS_URL: props.absUrl, USE_PROXY: "true", PORT: String(PORTS.opds), OPDS_USER: props.user, ...environment },
      secrets: { OPDS_PASSWORD: props.password },
      volumes,
      ...wrapper,
      user: props.runAs,
      networkOf: props.network,
    });
  }
}
