import { absKeysDir } from "../../../config/abs-keys";
import { ABS_LOCAL_URL } from "../../../config/ports";
import type { StackConfig } from "../../../config/resolve";
import { AbsApi } from "./abs-api";
import { bootstrap, type BootstrapReport } from "./bootstrap";
import { BootstrapError } from "./errors";
import { declaredState } from "./declared";
import { KeyFiles } from "./key-files";
import { redactUrl } from "../../redact";

export { BootstrapError } from "./errors";
export { NotReachableError } from "./wait";

/** Audiobookshelf from any container in the tailnet sidecar's namespace (it listens on 80 there). */
export const DEFAULT_ABS_URL = ABS_LOCAL_URL;

export interface RunOptions {
  /** @default - $ABS_URL, else http://127.0.0.1:80 */
  readonly url?: string;
  /** @default - $ABS_KEYS_DIR (set in the jobs container: /run/shelfstack/abs-keys), else <appdata>/abs-keys on the host */
  readonly keysDir?: string;
  /** @default - audiobookshelf.bootstrapTimeoutSeconds */
  readonly timeoutSeconds?: number;
  /** @default - process.env */
  readonly env?: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/** `shelfstack bootstrap` and the jobs runtime's start-up job: everything from stack.yaml and the environment. */
export async function runBootstrap(config: StackConfig, options: RunOptions): Promise<BootstrapReport> {
  const env = options.env ?? process.env;
  const passwordEnv = config.audiobookshelf.rootPassword.env;
  const password = env[passwordEnv];
  if (!password) {
    throw new BootstrapError(`${passwordEnv} is not set — it holds the password of Audiobookshelf's root user (audiobookshelf.rootPassword)`);
  }
  const [uid, gid] = config.server.user.split(":").map(Number);
  const keysDir = options.keysDir ?? env.ABS_KEYS_DIR ?? absKeysDir(config);
  return bootstrap({
    api: new AbsApi(absUrl(options.url !== undefined ? "--url" : "ABS_URL", options.url ?? env.ABS_URL ?? DEFAULT_ABS_URL)),
    declared: declaredState(config),
    password,
    passwordEnv,
    keys: new KeyFiles(keysDir, { uid, gid }),
    timeoutSeconds: options.timeoutSeconds ?? config.audiobookshelf.bootstrapTimeoutSeconds,
    log: options.log,
  });
}

/** Audiobookshelf's address: an http(s) URL without credentials (the bootstrap logs in itself). */
function absUrl(source: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BootstrapError(`${source} ${redactUrl(value)} is not a URL — write e.g. ${DEFAULT_ABS_URL}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new BootstrapError(`${source} ${redactUrl(value)} is not an http:// or https:// URL — write e.g. ${DEFAULT_ABS_URL}`);
  if (url.username || url.password) {
    throw new BootstrapError(
      `${source} ${redactUrl(value)} holds credentials — remove the user:password@ part; the bootstrap logs in as the root user (audiobookshelf.rootPassword)`,
    );
  }
  return value;
}
