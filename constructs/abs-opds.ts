import { Construct } from "constructs";
import type { SecretRef } from "../config/secret";
import { Container } from "./container";
import { IMAGES } from "./images";
import { PORTS } from "./ports";

export interface AbsOpdsProps {
  /**
   * Audiobookshelf's tailnet HTTPS address. abs-opds writes download links as `${ABS_URL}/api/…`,
   * so it must be an address the reader's device can open.
   */
  readonly absUrl: string;
  /** The OPDS login readers type into Readest (not an Audiobookshelf user). */
  readonly user: string;
  readonly password: SecretRef;
  /** The Audiobookshelf API key the feed reads the library with. */
  readonly absApiKey: SecretRef;
  readonly network: Container;
}

/** The OPDS catalogue Readest reads on the iPhone, served at /opds. */
export class AbsOpds extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: AbsOpdsProps) {
    super(scope, id);
    this.container = new Container(this, "Container", {
      name: "abs-opds",
      image: IMAGES.absOpds,
      environment: { ABS_URL: props.absUrl, PORT: String(PORTS.opds) },
      // OPDS_USERS is user:ABS_API_KEY:password in one variable.
      secrets: { OPDS_USERS: [`${props.user}:`, props.absApiKey, ":", props.password] },
      networkOf: props.network,
    });
  }
}
