import { z } from "zod";

/** An environment variable name: where a secret's value comes from at deploy or run time. */
export const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, {
    message: "not an environment variable name — use capitals, digits and _ (e.g. KOOFR_APP_PASSWORD)",
  });

export interface SecretRef {
  readonly env: string;
}

/**
 * A secret field. stack.yaml never holds a secret's value: the field names the environment
 * variable it comes from, `{ env: NAME }`. A plain string is refused, since it would be the
 * value itself, committed next to the rest of the stack.
 */
export function secret(defaultEnv: string) {
  const ref = z.object({ env: envName }).strict();
  return z.preprocess(
    (value, ctx) => {
      if (typeof value === "string") {
        ctx.addIssue({
          code: "custom",
          message: `is a secret and must not be written in stack.yaml — name the environment variable it comes from instead: { env: ${defaultEnv} }`,
        });
        return z.NEVER;
      }
      return value;
    },
    ref.default({ env: defaultEnv }),
  );
}
