import { Construct, type IConstruct } from "constructs";
import { TerraformStack, TerraformVariable } from "cdktf";
import type { SecretRef } from "../config/secret";

/** A secret the container can do without (e.g. DATABASE_URL: unset means the embedded database). */
export interface OptionalSecret extends SecretRef {
  readonly optional: true;
}

function isOptional(ref: SecretRef | OptionalSecret): ref is OptionalSecret {
  return (ref as Partial<OptionalSecret>).optional === true;
}

/**
 * Where secrets enter the stack: one `sensitive` Terraform variable per environment variable
 * named in stack.yaml (set it as TF_VAR_<NAME>), and `${NAME:?…}` in compose. The tree never
 * holds a secret's value, so neither cdktf.out nor any rendered file can.
 */
export class Secrets extends Construct {
  private readonly variables = new Map<string, TerraformVariable>();

  /** The stack's one Secrets construct. */
  static of(scope: IConstruct): Secrets {
    const stack = TerraformStack.of(scope);
    return (stack.node.tryFindChild("Secrets") as Secrets | undefined) ?? new Secrets(stack, "Secrets");
  }

  /** The Terraform expression for a secret, e.g. "${var.KOOFR_APP_PASSWORD}". */
  terraform(ref: SecretRef | OptionalSecret, description?: string): string {
    let variable = this.variables.get(ref.env);
    if (!variable) {
      // Scoped to the stack so the variable is named exactly like the environment variable.
      variable = new TerraformVariable(TerraformStack.of(this), ref.env, {
        type: "string",
        sensitive: true,
        description: description ?? `secret, from the environment (export TF_VAR_${ref.env})`,
        // An optional secret may stay unset: its empty default is no secret.
        ...(isOptional(ref) ? { default: "" } : {}),
      });
      this.variables.set(ref.env, variable);
    }
    return variable.stringValue;
  }

  /** The compose interpolation: required, with a message that says how to provide it; or empty when unset, for an optional one. */
  static compose(ref: SecretRef | OptionalSecret): string {
    return isOptional(ref) ? `\${${ref.env}:-}` : `\${${ref.env}:?set ${ref.env} in the environment (see README, Deploying)}`;
  }

  /** Names of every secret the stack uses, sorted. */
  get names(): string[] {
    return [...this.variables.keys()].sort();
  }
}
