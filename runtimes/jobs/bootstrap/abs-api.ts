/**
 * The few Audiobookshelf API calls the bootstrap needs, with the shapes observed against
 * Audiobookshelf 2.36.0 (../shared/facts/abs-opds-shelfbridge-calibre.md). Nothing else.
 */

export interface AbsStatus {
  readonly app?: string;
  readonly serverVersion?: string;
  /** False until the root user exists. */
  readonly isInit: boolean;
}

export interface AbsUser {
  readonly id: string;
  readonly username: string;
  readonly type: string;
  /** JWT for `Authorization: Bearer` (expires after 1 h by default). */
  readonly accessToken?: string;
  /** The legacy token without expiry; used when accessToken is absent. */
  readonly token?: string;
}

export interface AbsLibrary {
  readonly id: string;
  readonly name: string;
  readonly mediaType: string;
  readonly folders: readonly { readonly id?: string; readonly fullPath: string }[];
  readonly settings?: { readonly metadataPrecedence?: readonly string[] };
}

export interface NewLibrary {
  readonly name: string;
  readonly mediaType: "book";
  readonly folders: readonly { readonly fullPath: string }[];
  readonly settings: { readonly metadataPrecedence: readonly string[] };
}

export interface AbsApiKey {
  readonly id: string;
  readonly name: string;
  readonly userId: string;
  readonly isActive: boolean;
  /** ISO date, or null when the key never expires. */
  readonly expiresAt: string | null;
}

/** An answer other than the one expected: what was asked, what came back. */
export class AbsHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    body: string,
  ) {
    super(`Audiobookshelf answered ${method} ${path} with ${status}${body ? `: ${body.slice(0, 200)}` : ""}`);
    this.name = "AbsHttpError";
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

export class AbsApi {
  /** @param baseUrl e.g. http://127.0.0.1:80 (no trailing slash needed) */
  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, options: { token?: string; body?: unknown; json?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(new URL(path, this.baseUrl.replace(/\/*$/, "/")), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new AbsHttpError(method, path, response.status, text);
    return (options.json === false ? text : JSON.parse(text)) as T;
  }

  status(): Promise<AbsStatus> {
    return this.call("GET", "status");
  }

  /** Creates the root user on a fresh server. Audiobookshelf answers 500 once a root user exists. */
  async init(username: string, password: string): Promise<void> {
    await this.call("POST", "init", { body: { newRoot: { username, password } }, json: false });
  }

  async login(username: string, password: string): Promise<AbsUser> {
    const answer = await this.call<{ user: AbsUser }>("POST", "login", { body: { username, password } });
    return answer.user;
  }

  async libraries(token: string): Promise<AbsLibrary[]> {
    return (await this.call<{ libraries: AbsLibrary[] }>("GET", "api/libraries", { token })).libraries;
  }

  createLibrary(token: string, library: NewLibrary): Promise<AbsLibrary> {
    return this.call("POST", "api/libraries", { token, body: library });
  }

  /** Creating a library does not scan it; this does (in the background on the server). */
  async scanLibrary(token: string, id: string): Promise<void> {
    await this.call("POST", `api/libraries/${encodeURIComponent(id)}/scan`, { token, json: false });
  }

  async apiKeys(token: string): Promise<AbsApiKey[]> {
    return (await this.call<{ apiKeys: AbsApiKey[] }>("GET", "api/api-keys", { token })).apiKeys;
  }

  /** `isActive: true` must be sent (the server stores `!!isActive`), and `userId` (400 without). */
  async createApiKey(token: string, name: string, userId: string): Promise<AbsApiKey & { apiKey: string }> {
    const answer = await this.call<{ apiKey: AbsApiKey & { apiKey: string } }>("POST", "api/api-keys", {
      token,
      body: { name, userId, isActive: true },
    });
    return answer.apiKey;
  }

  async deleteApiKey(token: string, id: string): Promise<void> {
    await this.call("DELETE", `api/api-keys/${encodeURIComponent(id)}`, { token, json: false });
  }

  /** Whether a token (an API key) is accepted by the server right now. */
  async accepts(token: string): Promise<boolean> {
    try {
      await this.call("GET", "api/me", { token });
      return true;
    } catch (error) {
      if (error instanceof AbsHttpError && (error.status === 401 || error.status === 403)) return false;
      throw error;
    }
  }
}
