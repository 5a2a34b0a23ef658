import { z } from "zod";

/** Variables a process, the deploy tools or the containers already use: a secret must not take their value. */
const RESERVED_ENV = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "PWD",
  "OLDPWD",
  "HOSTNAME",
  "TZ",
  "LANG",
  "LANGUAGE",
  "TERM",
  "IFS",
  "PS1",
  "PS2",
  "PS4",
  "ENV",
  "CDPATH",
  "TMPDIR",
  "TEMP",
  "TMP",
  "UID",
  "GID",
  "PUID",
  "PGID",
  "UMASK",
  "SHLVL",
  "MAIL",
  "DISPLAY",
  "EDITOR",
  "CI",
  "STACK_FILE",
  "STGUIAPIKEY",
  "STHOMEDIR",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "CONFIG_PATH",
  "METADATA_PATH",
  "PORT",
  "NODE_ENV",
  "ABS_URL",
  "USE_PROXY",
  "OPDS_USERS",
]);
const RESERVED_ENV_PREFIXES = ["LC_", "LD_", "NODE_", "NPM_", "TF_", "CDKTF_", "DOCKER_", "COMPOSE_", "SSH_", "XDG_", "GIT_", "BASH_", "TS_", "RCLONE_CONFIG", "SYSTEMD_", "DBUS_"];

/** An environment variable name: where a secret's value comes from at deploy or run time. */
export const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, {
    message: "not an environment variable name — use capitals, digits and _ (e.g. KOOFR_APP_PASSWORD)",
  })
  .superRefine((name, ctx) => {
    if (RESERVED_ENV.has(name) || RESERVED_ENV_PREFIXES.some((p) => name.startsWith(p))) {
      ctx.addIssue({
        code: "custom",
        message: `${name} is a variable the shell, Docker, Terraform or a container sets for itself — the secret would be that value; name one of its own, e.g. SHELFSTACK_${name.replace(/^_+/, "")}`,
      });
    }
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
