import type { Construct } from "constructs";
import { TerraformProvider, listMapper, listMapperHcl, stringToHclTerraform, stringToTerraform } from "cdktf";
import { definedHcl, TAILSCALE_PROVIDER, TAILSCALE_PROVIDER_SOURCE } from "./metadata";

/**
 * Arguments of the `tailscale/tailscale` provider. Every one is optional: unset, the provider
 * reads the matching environment variable. Authenticate with an API key, or with an OAuth client
 * (id + secret), never both.
 */
export interface TailscaleProviderConfig {
  /**
   * API key (sensitive). Conflicts with the OAuth client arguments.
   * @default - $TAILSCALE_API_KEY
   */
  readonly apiKey?: string;
  /**
   * OAuth client ID; with `oauthClientSecret`, or for workload identity federation with either
   * `identityToken` or `audience` (never both).
   * @default - $TAILSCALE_OAUTH_CLIENT_ID
   */
  readonly oauthClientId?: string;
  /**
   * OAuth client secret (sensitive).
   * @default - $TAILSCALE_OAUTH_CLIENT_SECRET
   */
  readonly oauthClientSecret?: string;
  /**
   * An ID token for workload identity federation, with `oauthClientId`. Not with `audience`:
   * the provider refuses the two together.
   * @default - none
   */
  readonly identityToken?: string;
  /**
   * The audience of the ID token the provider obtains itself for workload identity federation,
   * with `oauthClientId`; not with `identityToken`.
   * @default - none
   */
  readonly audience?: string;
  /**
   * OAuth scopes to request.
   * @default - the client's own scopes
   */
  readonly scopes?: string[];
  /**
   * The tailnet to manage.
   * @default - $TAILSCALE_TAILNET, else the tailnet that owns the credentials
   */
  readonly tailnet?: string;
  /**
   * @default - https://api.tailscale.com ($TAILSCALE_BASE_URL)
   */
  readonly baseUrl?: string;
  /** @default - the provider's own user agent */
  readonly userAgent?: string;
  /** @default - the default provider configuration */
  readonly alias?: string;
}

/** The `tailscale/tailscale` Terraform provider (registry.terraform.io/providers/tailscale/tailscale). */
export class TailscaleProvider extends TerraformProvider {
  static readonly tfResourceType = "tailscale";

  private readonly config: TailscaleProviderConfig;
  private _alias?: string;

  constructor(scope: Construct, id: string, config: TailscaleProviderConfig = {}) {
    super(scope, id, {
      terraformResourceType: TailscaleProvider.tfResourceType,
      terraformGeneratorMetadata: TAILSCALE_PROVIDER,
      terraformProviderSource: TAILSCALE_PROVIDER_SOURCE,
    });
    this.config = { ...config };
    this._alias = config.alias;
  }

  // The base class leaves alias to the binding (it names the provider instance: tailscale.<alias>).
  get alias(): string | undefined {
    return this._alias;
  }
  set alias(value: string | undefined) {
    this._alias = value;
  }

  get apiKeyInput(): string | undefined {
    return this.config.apiKey;
  }
  get oauthClientIdInput(): string | undefined {
    return this.config.oauthClientId;
  }
  get oauthClientSecretInput(): string | undefined {
    return this.config.oauthClientSecret;
  }
  get tailnetInput(): string | undefined {
    return this.config.tailnet;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return {
      api_key: stringToTerraform(c.apiKey),
      oauth_client_id: stringToTerraform(c.oauthClientId),
      oauth_client_secret: stringToTerraform(c.oauthClientSecret),
      identity_token: stringToTerraform(c.identityToken),
      audience: stringToTerraform(c.audience),
      scopes: listMapper(stringToTerraform, false)(c.scopes),
      tailnet: stringToTerraform(c.tailnet),
      base_url: stringToTerraform(c.baseUrl),
      user_agent: stringToTerraform(c.userAgent),
      alias: stringToTerraform(this.alias),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.config;
    const text = (value: string | undefined) => ({ value: stringToHclTerraform(value), isBlock: false, type: "simple", storageClassType: "string" }) as const;
    return definedHcl({
      api_key: text(c.apiKey),
      oauth_client_id: text(c.oauthClientId),
      oauth_client_secret: text(c.oauthClientSecret),
      identity_token: text(c.identityToken),
      audience: text(c.audience),
      scopes: {
        value: listMapperHcl(stringToHclTerraform, false)(c.scopes),
        isBlock: false,
        type: "list",
        storageClassType: "stringList",
      },
      tailnet: text(c.tailnet),
      base_url: text(c.baseUrl),
      user_agent: text(c.userAgent),
      alias: text(this.alias),
    });
  }
}
