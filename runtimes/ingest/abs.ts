import { readFileSync } from "node:fs";

export type LibraryKind = "ebooks" | "audiobooks";

export interface AbsTarget {
  /** Audiobookshelf as the runtime reaches it, e.g. http://127.0.0.1:80 in the tailnet namespace. */
  readonly url: string;
  /** The folder of each library as Audiobookshelf sees it (its container's mount points). */
  readonly folders: Readonly<Record<LibraryKind, string>>;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The API key: the file named by ABS_API_KEY_FILE (written by `shelfstack bootstrap`, read anew on
 * every call so a key written after the container started is picked up), else ABS_API_KEY.
 */
export function absApiKey(env: NodeJS.ProcessEnv): string | undefined {
  if (env.ABS_API_KEY_FILE) {
    try {
      const key = readFileSync(env.ABS_API_KEY_FILE, "utf8").trim();
      if (key) return key;
    } catch {
      // Not written yet: the bootstrap creates it once Audiobookshelf is set up.
    }
  }
  return env.ABS_API_KEY?.trim() || undefined;
}

interface AbsLibrary {
  readonly id: string;
  readonly name?: string;
  readonly folders?: readonly { readonly fullPath?: string }[];
}

const trimSlash = (p: string) => p.replace(/\/+$/, "") || "/";

/**
 * Asks Audiobookshelf to scan the libraries over the given folders (`POST /api/libraries/:id/scan`,
 * the id found by listing libraries and matching the folder). Returns the kinds still owed a scan:
 * Audiobookshelf down, no key yet, or no such library yet is a reason to try later, never an error.
 */
export async function requestScans(target: AbsTarget, kinds: readonly LibraryKind[], log: (line: string) => void): Promise<LibraryKind[]> {
  if (kinds.length === 0) return [];
  const key = absApiKey(target.env);
  if (!key) {
    log("Audiobookshelf scan postponed: no API key yet (ABS_API_KEY_FILE / ABS_API_KEY)");
    return [...kinds];
  }
  const base = target.url.replace(/\/+$/, "");
  const call = (path: string, method: string) => fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(15_000) });
  let libraries: AbsLibrary[];
  try {
    const res = await call("/api/libraries", "GET");
    if (!res.ok) throw new Error(`GET /api/libraries answered ${res.status}${res.status === 401 ? " (the API key was refused)" : ""}`);
    const body = (await res.json()) as { libraries?: AbsLibrary[] } | AbsLibrary[];
    libraries = Array.isArray(body) ? body : (body.libraries ?? []);
  } catch (error) {
    log(`Audiobookshelf scan postponed: ${reason(error)}; will ask again`);
    return [...kinds];
  }
  const pending: LibraryKind[] = [];
  for (const kind of kinds) {
    const folder = trimSlash(target.folders[kind]);
    const library = libraries.find((l) => (l.folders ?? []).some((f) => f.fullPath && trimSlash(f.fullPath) === folder));
    if (!library) {
      log(`Audiobookshelf has no library over ${folder} yet (shelfstack bootstrap creates it); its scan is postponed`);
      pending.push(kind);
      continue;
    }
    try {
      const res = await call(`/api/libraries/${encodeURIComponent(library.id)}/scan`, "POST");
      if (!res.ok) throw new Error(`the scan request answered ${res.status}`);
      log(`asked Audiobookshelf to scan ${library.name ?? library.id} (${folder})`);
    } catch (error) {
      log(`Audiobookshelf scan of ${folder} postponed: ${reason(error)}; will ask again`);
      pending.push(kind);
    }
  }
  return pending;
}

function reason(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
