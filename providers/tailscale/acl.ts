import type { Construct } from "constructs";
import { TerraformResource, booleanToHclTerraform, booleanToTerraform, stringToHclTerraform, stringToTerraform, type TerraformMetaArguments } from "cdktf";
import { definedHcl, resourceBase } from "./metadata";

export interface AclConfig extends TerraformMetaArguments {
  /**
   * The whole tailnet policy file, as JSON or HuJSON (comments are kept). The resource replaces
   * every section of the policy, not only `acls`. The API validates it, `tests` and `sshTests`
   * included, when it is set: with provider 0.29.2 that is at apply, so `terraform plan` can pass
   * a policy the apply then fails on (nothing is changed when it does).
   */
  readonly acl: string;
  /**
   * Replace a policy that Terraform did not create. Without it the first apply on a tailnet whose
   * policy was ever edited fails with "Overwrite Protected" (HTTP 412) until the policy is
   * imported (`terraform import tailscale_acl.<name> acl`).
   * @default - false
   */
  readonly overwriteExistingContent?: boolean;
  /**
   * Put Tailscale's default policy back on `terraform destroy`.
   * @default - false: the policy stays as it was
   */
  readonly resetAclOnDestroy?: boolean;
}

/** `tailscale_acl`: the tailnet policy file (docs/resources/acl.md). Import ID: `acl`. */
export class Acl extends TerraformResource {
  static readonly tfResourceType = "tailscale_acl";

  private readonly config: AclConfig;

  constructor(scope: Construct, id: string, config: AclConfig) {
    super(scope, id, resourceBase(Acl.tfResourceType, config));
    this.config = { ...config };
  }

  get aclInput(): string {
    return this.config.acl;
  }
  get overwriteExistingContentInput(): boolean | undefined {
    return this.config.overwriteExistingContent;
  }
  get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {
      acl: stringToTerraform(this.config.acl),
      overwrite_existing_content: booleanToTerraform(this.config.overwriteExistingContent),
      reset_acl_on_destroy: booleanToTerraform(this.config.resetAclOnDestroy),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return definedHcl({
      acl: { value: stringToHclTerraform(this.config.acl), isBlock: false, type: "simple", storageClassType: "string" },
      overwrite_existing_content: {
        value: booleanToHclTerraform(this.config.overwriteExistingContent),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      reset_acl_on_destroy: {
        value: booleanToHclTerraform(this.config.resetAclOnDestroy),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
    });
  }
}
