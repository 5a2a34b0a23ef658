import type { Construct } from "constructs";
import {
  Fn,
  TerraformResource,
  booleanToHclTerraform,
  booleanToTerraform,
  listMapper,
  listMapperHcl,
  numberToHclTerraform,
  numberToTerraform,
  stringToHclTerraform,
  stringToTerraform,
  type IResolvable,
  type TerraformMetaArguments,
} from "cdktf";
import { definedHcl, resourceBase } from "./metadata";

export interface TailnetKeyConfig extends TerraformMetaArguments {
  /**
   * May the key authenticate more than one node?
   * @default - false: single use
   */
  readonly reusable?: boolean;
  /**
   * Nodes authenticated with it are removed when they go offline.
   * @default - false
   */
  readonly ephemeral?: boolean;
  /**
   * Nodes authenticated with it need no approval in the admin console.
   * @default - false
   */
  readonly preauthorized?: boolean;
  /**
   * Seconds until the key expires.
   * @default - 7776000 (90 days)
   */
  readonly expiry?: number;
  /**
   * Shown in the admin console (letters, digits, spaces, - and _).
   * @default - ""
   */
  readonly description?: string;
  /**
   * Tags every node authenticated with the key carries (each needs a tagOwners entry).
   * @default - none: nodes are owned by the key's user
   */
  readonly tags?: string[];
  /**
   * `always` or `never`: create a new key when the old one is used up, expired or revoked.
   * @default - reusable keys are recreated, single-use keys are not
   */
  readonly recreateIfInvalid?: "always" | "never";
  /**
   * Create the key on behalf of this user (OAuth clients only).
   * @default - the credentials' own identity
   */
  readonly userId?: string;
}

/**
 * `tailscale_tailnet_key`: an auth key (docs/resources/tailnet_key.md). Its `key` is sensitive and
 * set only when Terraform creates the key (an imported key has none).
 */
export class TailnetKey extends TerraformResource {
  static readonly tfResourceType = "tailscale_tailnet_key";

  private readonly config: TailnetKeyConfig;

  constructor(scope: Construct, id: string, config: TailnetKeyConfig = {}) {
    super(scope, id, resourceBase(TailnetKey.tfResourceType, config));
    this.config = { ...config, tags: config.tags && [...config.tags] };
  }

  get tagsInput(): string[] | undefined {
    return this.config.tags && [...this.config.tags];
  }
  get preauthorizedInput(): boolean | undefined {
    return this.config.preauthorized;
  }
  get reusableInput(): boolean | undefined {
    return this.config.reusable;
  }
  get ephemeralInput(): boolean | undefined {
    return this.config.ephemeral;
  }

  /** The auth key itself: a sensitive Terraform reference, never a value in the synthesized JSON. */
  get key(): string {
    return this.getStringAttribute("key");
  }
  get id(): string {
    return this.getStringAttribute("id");
  }
  get createdAt(): string {
    return this.getStringAttribute("created_at");
  }
  get expiresAt(): string {
    return this.getStringAttribute("expires_at");
  }
  get invalid(): IResolvable {
    return this.getBooleanAttribute("invalid");
  }
  /** The tags as Terraform knows them (a set). */
  get tags(): string[] {
    return Fn.tolist(this.getListAttribute("tags"));
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const c = this.config;
    return {
      reusable: booleanToTerraform(c.reusable),
      ephemeral: booleanToTerraform(c.ephemeral),
      preauthorized: booleanToTerraform(c.preauthorized),
      expiry: numberToTerraform(c.expiry),
      description: stringToTerraform(c.description),
      tags: listMapper(stringToTerraform, false)(c.tags),
      recreate_if_invalid: stringToTerraform(c.recreateIfInvalid),
      user_id: stringToTerraform(c.userId),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    const c = this.config;
    const flag = (value: boolean | undefined) => ({ value: booleanToHclTerraform(value), isBlock: false, type: "simple", storageClassType: "boolean" }) as const;
    const text = (value: string | undefined) => ({ value: stringToHclTerraform(value), isBlock: false, type: "simple", storageClassType: "string" }) as const;
    return definedHcl({
      reusable: flag(c.reusable),
      ephemeral: flag(c.ephemeral),
      preauthorized: flag(c.preauthorized),
      expiry: { value: numberToHclTerraform(c.expiry), isBlock: false, type: "simple", storageClassType: "number" },
      description: text(c.description),
      tags: { value: listMapperHcl(stringToHclTerraform, false)(c.tags), isBlock: false, type: "set", storageClassType: "stringList" },
      recreate_if_invalid: text(c.recreateIfInvalid),
      user_id: text(c.userId),
    });
  }
}
