import { Lazy } from "cdktf";
import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import { StackError } from "../../config/load";
import { Acl } from "../../providers/tailscale/acl";
import { DnsPreferences } from "../../providers/tailscale/dns-preferences";
import { TailnetKey } from "../../providers/tailscale/tailnet-key";
import { TailscaleProvider } from "../../providers/tailscale/provider";
import { terraformLiteral } from "../container";
import { ABS_LOCAL_URL, localUrl, PORTS } from "../../config/ports";
import { RenderedFile } from "../rendered-file";
import { Secrets } from "../secrets";
import { evaluatePolicy } from "./policy/evaluate";
import { generatePolicy, type GeneratedPolicy, type ServerAccess, type TailnetPolicyProps } from "./policy/generate";
import { policyProblems } from "./policy-errors";
import { renderServeConfig } from "./serve";

export interface TailnetProps extends TailnetPolicyProps {
  /** Serve the OPDS feed at /opds. @default - true */
  readonly opds?: boolean;
  /** A directory (in the sidecar) to serve as static files, and where. @default - none */
  readonly staticDirs?: readonly { readonly mount: string; readonly path: string }[];
  /**
   * Turn MagicDNS on with Terraform.
   * @default - true; false leaves the tailnet's DNS settings alone
   */
  readonly magicDns?: boolean;
  /**
   * Let the first apply replace a policy Terraform did not create.
   * @default - false: the first apply stops with "Overwrite Protected" until the policy is imported
   */
  readonly overwriteExistingPolicy?: boolean;
  /** How the tailscale provider signs in. @default - "api-key" */
  readonly auth?: "api-key" | "oauth-client";
  /** The variable holding the API key (with auth "api-key"). @default - { env: "TAILSCALE_API_KEY" } */
  readonly apiKey?: SecretRef;
  /** The variable holding the OAuth client's ID (with auth "oauth-client"). @default - { env: "TAILSCALE_OAUTH_CLIENT_ID" } */
  readonly oauthClientId?: SecretRef;
  /** The variable holding the OAuth client's secret (with auth "oauth-client"). @default - { env: "TAILSCALE_OAUTH_CLIENT_SECRET" } */
  readonly oauthClientSecret?: SecretRef;
}

/**
 * The tailnet side of the stack: the tailscale provider, the whole policy file (generated from
 * stack.yaml, merged into tailnet.basePolicy when there is one, and its tests run offline before
 * anything is written), the server's auth key, MagicDNS, and the sidecar's serve config. Rendered: tailscale/policy.hujson, tailscale/serve.json.
 *
 * A component that listens on the tailnet declares it with `allow(access)`, in any order: the
 * policy is generated when first read (by synth, or `policy`), from every access declared by then.
 */
export class Tailnet extends Construct {
  readonly provider: TailscaleProvider;
  readonly acl: Acl;
  /** Single use, preauthorized, tagged with the server's tag; `authKey.key` is sensitive. */
  readonly authKey: TailnetKey;
  readonly dns?: DnsPreferences;
  readonly policyFile: RenderedFile;
  readonly serveConfig: RenderedFile;
  private readonly props: TailnetProps;
  private readonly access: ServerAccess[];
  private generated?: GeneratedPolicy;

  constructor(scope: Construct, id: string, props: TailnetProps) {
    super(scope, id);
    this.props = props;
    this.access = [...(props.access ?? [])];

    const secrets = Secrets.of(this);
    const oauth = (props.auth ?? "api-key") === "oauth-client";
    this.provider = new TailscaleProvider(this, "Provider", {
      apiKey: oauth ? undefined : secrets.terraform(props.apiKey ?? { env: "TAILSCALE_API_KEY" }, "Tailscale API key (export TF_VAR_TAILSCALE_API_KEY)"),
      oauthClientId: oauth ? secrets.terraform(props.oauthClientId ?? { env: "TAILSCALE_OAUTH_CLIENT_ID" }, "Tailscale OAuth client ID") : undefined,
      oauthClientSecret: oauth ? secrets.terraform(props.oauthClientSecret ?? { env: "TAILSCALE_OAUTH_CLIENT_SECRET" }, "Tailscale OAuth client secret") : undefined,
    });

    this.policyFile = new RenderedFile(this, "PolicyFile", { path: "tailscale/policy.hujson", content: () => this.policy.text });
    this.acl = new Acl(this, "Policy", {
      acl: Lazy.stringValue({ produce: () => terraformLiteral(this.policy.text) }),
      overwriteExistingContent: props.overwriteExistingPolicy ?? false,
    });
    // The tag must be in tagOwners before a key can carry it: the policy goes first.
    this.authKey = new TailnetKey(this, "AuthKey", {
      reusable: false,
      ephemeral: false,
      preauthorized: true,
      tags: [props.serverTag],
      description: "shelfstack server",
      // Used once, at the first start (TS_AUTH_ONCE); a used key is no reason to make a new one.
      recreateIfInvalid: "never",
      dependsOn: [this.acl],
    });
    if (props.magicDns ?? true) this.dns = new DnsPreferences(this, "MagicDns", { magicDns: true });

    this.serveConfig = new RenderedFile(this, "ServeConfig", {
      path: "tailscale/serve.json",
      content: renderServeConfig({
        httpsPort: PORTS.https,
        routes: [{ mount: "/", proxy: ABS_LOCAL_URL }, ...((props.opds ?? true) ? [{ mount: "/opds", proxy: localUrl(PORTS.opds, "/opds") }] : []), ...(props.staticDirs ?? [])],
      }),
    });
  }

  /** Opens `access.port` on the server to `access.peers`: its rule and every device's test, from this one call. */
  allow(access: ServerAccess): void {
    if (this.generated) throw new Error(`Tailnet.allow(${access.name}) after the policy was generated — a shelfstack bug`);
    this.access.push(access);
  }

  /** The whole policy, generated once from the props and every allow(); its tests pass offline or it throws. */
  get policy(): GeneratedPolicy {
    if (this.generated) return this.generated;
    const policy = generatePolicy({ ...this.props, access: this.access });
    const evaluation = evaluatePolicy(policy.policy, { offlineTests: policy.offlineTests });
    if (!evaluation.ok) {
      const { problems, internal } = policyProblems(evaluation, policy);
      if (internal.length) throw new Error(`the generated tailnet policy fails its own checks (a shelfstack bug):\n${internal.join("\n")}`);
      throw new StackError("stack.yaml", problems);
    }
    this.generated = policy;
    return policy;
  }
}
