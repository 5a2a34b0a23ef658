import type { StackConfig } from "./resolve";

/**
 * How Audiobookshelf API keys reach the containers that need them, without a person and without
 * the key ever entering a rendered file or Terraform state: `shelfstack bootstrap` creates one key
 * per client and writes it to `<keys dir>/<client>/api-key` on the server; each client's container
 * mounts only its own directory, read-only, and reads the file at start. Shared by the constructs
 * (mounts) and the bootstrap runtime (writes), which may not import each other.
 */

/** The shelfstack components that talk to Audiobookshelf, each with its own API key. */
export const ABS_KEY_CLIENTS = ["abs-opds", "etl", "ingest", "shelfbridge"] as const;
export type AbsKeyClient = (typeof ABS_KEY_CLIENTS)[number];

/** The key's name in Audiobookshelf (Settings → API Keys): how the bootstrap finds it again. */
export function absKeyName(client: AbsKeyClient): string {
  return `shelfstack ${client}`;
}

export interface AbsKeyHandoff {
  readonly client: AbsKeyClient;
  /** The key's name in Audiobookshelf (Settings → API Keys): how the bootstrap finds it again. */
  readonly keyName: string;
  /** Host directory that holds this client's key file. */
  readonly hostDir: string;
}

/** The key file's name inside each client's directory. */
export const ABS_KEY_FILE = "api-key";
/** Where a client container sees its own key directory (read-only). */
export const ABS_KEY_MOUNT = "/run/shelfstack/abs-key";
/** The key file as a client container sees it: the value of its ABS_API_KEY_FILE. */
export const ABS_KEY_PATH = `${ABS_KEY_MOUNT}/${ABS_KEY_FILE}`;
/** Where the container that runs the bootstrap sees the whole keys directory (read-write). */
export const ABS_KEYS_MOUNT = "/run/shelfstack/abs-keys";

/** Where Audiobookshelf sees its libraries: the bootstrap creates the libraries over these folders. */
export const ABS_LIBRARY_PATHS = { ebooks: "/ebooks", audiobooks: "/audiobooks" } as const;

/** The host directory with every client's key (private: 0700, owned by server.user). */
export function absKeysDir(config: StackConfig): string {
  return `${config.server.paths.appdata}/abs-keys`;
}

/** The clients that need a key in this stack (those enabled in stack.yaml), sorted by name. */
export function absKeyHandoffs(config: StackConfig): AbsKeyHandoff[] {
  const enabled: Record<AbsKeyClient, boolean> = {
    "abs-opds": config.opds.enabled,
    etl: config.etl.enabled,
    ingest: config.ingest.enabled,
    shelfbridge: config.shelfbridge.enabled,
  };
  const dir = absKeysDir(config);
  return ABS_KEY_CLIENTS.filter((client) => enabled[client]).map((client) => ({
    client,
    keyName: absKeyName(client),
    hostDir: `${dir}/${client}`,
  }));
}

/** One client's hand-off; throws if the client is disabled in this stack (a wiring bug). */
export function absKeyHandoff(config: StackConfig, client: AbsKeyClient): AbsKeyHandoff {
  const found = absKeyHandoffs(config).find((h) => h.client === client);
  if (!found) throw new Error(`${client} is disabled in stack.yaml, so it gets no Audiobookshelf API key`);
  return found;
}
