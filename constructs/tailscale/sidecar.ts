import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import { Container, type ConfigFileMount, type ContainerProps, type VolumeMount } from "../container";
import { imageFor } from "../images";
import { Secrets } from "../secrets";

export interface TailscaleSidecarProps {
  /** The server's machine name on the tailnet. */
  readonly hostname: string;
  /** Host directory that keeps the node's state (its identity) across restarts. */
  readonly stateDir: string;
  /** The auth key as Terraform sees it: the tailnet key resource's sensitive `key` attribute. */
  readonly authKey: string;
  /**
   * Where docker compose users' auth key comes from (they have no Terraform to make one).
   * @default - { env: "TAILSCALE_AUTH_KEY" }
   */
  readonly composeAuthKey?: SecretRef;
  /** `tailscale serve` config (TS_SERVE_CONFIG). @default - nothing served */
  readonly serveConfig?: ConfigFileMount;
  /** Host directories the serve config serves as static files (mount them read-only). @default - none */
  readonly servedDirs?: readonly VolumeMount[];
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
    this.container = new SidecarContainer(
      this,
      "Container",
      {
        name: "tailscale",
        image: imageFor(this, "tailscale"),
        environment: {
          TS_HOSTNAME: props.hostname,
          TS_STATE_DIR: "/var/lib/tailscale",
          // Log in only when the state holds no identity yet, so a restart keeps the node (and a
          // used single-use key is never needed again).
          TS_AUTH_ONCE: "true",
          // Kernel networking: other services in this namespace (Syncthing) are reachable on the
          // tailnet address itself, not only through `serve`.
          TS_USERSPACE: "false",
          ...(props.serveConfig ? { TS_SERVE_CONFIG: props.serveConfig.containerPath } : {}),
        },
        volumes: [{ hostPath: props.stateDir, containerPath: "/var/lib/tailscale" }, ...(props.servedDirs ?? [])],
        configFiles: props.serveConfig ? [props.serveConfig] : undefined,
        capAdd: ["NET_ADMIN", "NET_RAW"],
        devices: ["/dev/net/tun"],
      },
      { terraform: props.authKey, compose: props.composeAuthKey ?? { env: "TAILSCALE_AUTH_KEY" } },
    );
  }
}

/**
 * The one container whose secret is made by Terraform itself: TS_AUTHKEY is the tailnet key's
 * sensitive attribute in Terraform (no variable to set), and `${TAILSCALE_AUTH_KEY:?…}` in compose.
 */
class SidecarContainer extends Container {
  constructor(
    scope: Construct,
    id: string,
    props: ContainerProps,
    private readonly authKey: { readonly terraform: string; readonly compose: SecretRef },
  ) {
    super(scope, id, props);
    this.resource.env = [...(this.resource.envInput ?? []), `TS_AUTHKEY=${authKey.terraform}`].sort();
  }

  toComposeService(): Record<string, unknown> {
    const service = super.toComposeService();
    const environment = { ...(service.environment as Record<string, string>), TS_AUTHKEY: Secrets.compose(this.authKey.compose) };
    return { ...service, environment: Object.fromEntries(Object.entries(environment).sort(([a], [b]) => (a < b ? -1 : 1))) };
  }
}
