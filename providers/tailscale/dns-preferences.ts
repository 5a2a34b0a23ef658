import type { Construct } from "constructs";
import { TerraformResource, booleanToHclTerraform, booleanToTerraform, type TerraformMetaArguments } from "cdktf";
import { definedHcl, resourceBase } from "./metadata";

export interface DnsPreferencesConfig extends TerraformMetaArguments {
  /** MagicDNS: devices reach each other as <machine>.<tailnet>.ts.net (needed for HTTPS certificates). */
  readonly magicDns: boolean;
}

/**
 * `tailscale_dns_preferences` (docs/resources/dns_preferences.md). Import ID: `dns_preferences`.
 * Do not combine with `tailscale_dns_configuration`, which manages the same settings.
 */
export class DnsPreferences extends TerraformResource {
  static readonly tfResourceType = "tailscale_dns_preferences";

  private readonly config: DnsPreferencesConfig;

  constructor(scope: Construct, id: string, config: DnsPreferencesConfig) {
    super(scope, id, resourceBase(DnsPreferences.tfResourceType, config));
    this.config = { ...config };
  }

  get magicDnsInput(): boolean {
    return this.config.magicDns;
  }
  get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { magic_dns: booleanToTerraform(this.config.magicDns) };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return definedHcl({
      magic_dns: { value: booleanToHclTerraform(this.config.magicDns), isBlock: false, type: "simple", storageClassType: "boolean" },
    });
  }
}
