import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import { Container, type ConfigFileMount } from "../container";
import { IMAGES } from "../images";

export interface TailscaleSidecarProps {
  /** The server's machine name on the tailnet. */
  readonly hostname: string;
  /** Host directory that keeps the node's state (its identity) across restarts. */
  readonly stateDir: string;
  /** The auth key the node joins with. */
  readonly authKey: SecretRef;
  /** `tailscale serve` config (TS_SERVE_CONFIG). @default - nothing served */
  readonly serveConfig?: ConfigFileMount;
}

/**
 * The server's door to the tailnet. The app containers join this container's network
 * namespace, so they listen only here: nothing is published on the host's LAN, and
 * "reachable only over Tailscale" holds by construction.
 */
export class TailscaleSidecar extends Construct {
  readonly container: Container;

  constructor(scope: Construct, id: string, props: TailscaleSidecarProps) {
    super(scope, id);
    this.container = new Container(this, "Container", {
      name: "tailscale",
      image: IMAGES.tailscale,
      environment: {
        TS_HOSTNAME: props.hostname,
        TS_STATE_DIR: "/var/lib/tailscale",
        // Log in only when the state holds no identity yet, so a restart keeps the node.
        TS_AUTH_ONCE: "true",
        // Kernel networking: other services in this namespace (Syncthing) are reachable on the
        // tailnet address itself, not only through `serve`.
        TS_USERSPACE: "false",
        ...(props.serveConfig ? { TS_SERVE_CONFIG: props.serveConfig.containerPath } : {}),
      },
      secrets: { TS_AUTHKEY: props.authKey },
      volumes: [{ hostPath: props.stateDir, containerPath: "/var/lib/tailscale" }],
      configFiles: props.serveConfig ? [props.serveConfig] : undefined,
      capAdd: ["NET_ADMIN", "NET_RAW"],
      devices: ["/dev/net/tun"],
    });
  }
}
