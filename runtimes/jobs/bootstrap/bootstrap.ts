import { AbsHttpError, type AbsApi } from "./abs-api";
import type { DeclaredState } from "./declared";
import { BootstrapError } from "./errors";
import type { KeyFiles } from "./key-files";
import { reconcileKeys } from "./keys";
import { libraryDifferences, matchLibrary } from "./libraries";
import { waitForServer } from "./wait";

export interface BootstrapOptions {
  readonly api: AbsApi;
  readonly declared: DeclaredState;
  readonly password: string;
  /** Where the password comes from, for messages (e.g. "ABS_ROOT_PASSWORD"). */
  readonly passwordEnv: string;
  readonly keys: KeyFiles;
  readonly timeoutSeconds: number;
  readonly log: (line: string) => void;
}

export interface BootstrapReport {
  /** What this run changed, in order. Empty: the server was already in the declared state. */
  readonly changes: readonly string[];
  /** Where the server differs from stack.yaml and was left as it is. */
  readonly differences: readonly string[];
}

/**
 * Brings Audiobookshelf to the state stack.yaml declares: a root user, the two libraries, one API
 * key per client written to its key file. Safe to run at any time and to kill at any point:
 * everything it finds is reused, nothing is created twice, and a library that differs from
 * stack.yaml is reported, never changed.
 */
export async function bootstrap(o: BootstrapOptions): Promise<BootstrapReport> {
  const changes: string[] = [];
  const differences: string[] = [];
  const note = (line: string) => {
    changes.push(line);
    o.log(line);
  };
  const { api, declared } = o;
  const root = declared.rootUser;

  const status = await waitForServer(api, o.timeoutSeconds, o.log);
  if (!status.isInit) {
    try {
      await api.init(root, o.password);
      note(`created the root user "${root}"`);
    } catch (error) {
      // Another run initialized it in between: carry on as with any initialized server.
      if (!(error instanceof AbsHttpError && error.status === 500 && (await api.status()).isInit)) throw error;
    }
  }

  const user = await login(o);
  const token = user.accessToken ?? user.token;
  if (!token) throw new Error("Audiobookshelf's login answer holds no token (user.accessToken)");
  if (user.type !== "root" && user.type !== "admin") {
    throw new BootstrapError(`"${root}" is a ${user.type} on this Audiobookshelf, not an admin — set audiobookshelf.rootUser to the root user`);
  }

  const libraries = await api.libraries(token);
  for (const want of declared.libraries) {
    const { found, sameName } = matchLibrary(want, libraries);
    if (found) {
      differences.push(...libraryDifferences(want, found, sameName));
      continue;
    }
    const created = await api.createLibrary(token, want);
    libraries.push(created);
    await api.scanLibrary(token, created.id);
    note(`created the library "${want.name}" over ${want.folders[0].fullPath} and started its scan`);
  }

  await reconcileKeys(api, token, user.id, declared, o.keys, note);
  for (const d of differences) o.log(`differs from stack.yaml: ${d}`);
  return { changes, differences };
}

async function login(o: BootstrapOptions) {
  try {
    return await o.api.login(o.declared.rootUser, o.password);
  } catch (error) {
    if (error instanceof AbsHttpError && error.status === 401) {
      throw new BootstrapError(
        `Audiobookshelf refused the login of "${o.declared.rootUser}": either ${o.passwordEnv} is not that user's password, or the server's root user has another name (audiobookshelf.rootUser)`,
      );
    }
    if (error instanceof AbsHttpError && error.status === 429) {
      throw new BootstrapError(`Audiobookshelf is rate-limiting logins (40 per 10 minutes by default) — wait a few minutes and run it again`);
    }
    throw error;
  }
}
