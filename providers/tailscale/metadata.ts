import type { TerraformMetaArguments, TerraformResourceConfig } from "cdktf";

/**
 * What every hand-written tailscale binding tells cdktf: the provider's registry source and the
 * version these bindings were written against (terraform-provider-tailscale v0.29.2, its
 * docs/index.md and docs/resources/*.md). cdktf writes `providerVersion` into
 * `required_providers`, as the prebuilt docker bindings do, so `terraform init` is reproducible.
 */
export const TAILSCALE_PROVIDER = {
  providerName: "tailscale",
  providerVersion: "0.29.2",
  providerVersionConstraint: "~> 0.29",
} as const;

export const TAILSCALE_PROVIDER_SOURCE = "tailscale/tailscale";

/** One attribute as `synthesizeHclAttributes()` describes it (the shape cdktf's generated bindings use). */
export interface HclAttribute {
  readonly value: unknown;
  readonly isBlock: false;
  readonly type: "simple" | "list" | "set";
  readonly storageClassType: "string" | "boolean" | "number" | "stringList";
}

/** Drops unset attributes, as generated bindings do, so HCL and JSON list the same ones. */
export function definedHcl(attrs: Record<string, HclAttribute>): Record<string, HclAttribute> {
  return Object.fromEntries(Object.entries(attrs).filter(([, a]) => a.value !== undefined));
}

/** What every tailscale resource passes to TerraformResource: its type and the meta-arguments. */
export function resourceBase(terraformResourceType: string, config: TerraformMetaArguments): TerraformResourceConfig {
  const { provider, dependsOn, count, lifecycle, provisioners, connection, forEach } = config;
  return {
    terraformResourceType,
    terraformGeneratorMetadata: TAILSCALE_PROVIDER,
    provider,
    dependsOn,
    count,
    lifecycle,
    provisioners,
    connection,
    forEach,
  };
}
