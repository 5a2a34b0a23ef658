import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for the Audiobookshelf 2.36.0 API the bootstrap uses, answering with the
 * status codes and bodies observed against the real server and read in its source
 * (../shared/facts/abs-opds-shelfbridge-calibre.md; ApiKeyController, LibraryController,
 * TokenManager): `/status` isInit, `/init` 200 then 500, `/login` with `user.accessToken`, JWT API
 * keys `{keyId, name, type: "api"}` that need `userId` and `isActive: true`, 401 for a bad token.
 */

interface User {
  id: string;
  username: string;
  password: string;
  type: "root" | "admin" | "user";
}

export interface StandInLibrary {
  id: string;
  name: string;
  folders: { id: string; fullPath: string; libraryId: string; addedAt: number }[];
  displayOrder: number;
  icon: string;
  mediaType: string;
  provider: string;
  settings: Record<string, unknown>;
  lastScan: number | null;
  createdAt: number;
  lastUpdate: number;
}

export interface StandInKey {
  id: string;
  name: string;
  description: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  isActive: boolean;
  permissions: null;
  userId: string;
  createdByUserId: string;
  createdAt: string;
  updatedAt: string;
}

export interface RequestRecord {
  readonly method: string;
  readonly path: string;
  readonly status: number;
}

const DEFAULT_PRECEDENCE = ["folderStructure", "audioMetatags", "nfoFile", "txtFiles", "opfFile", "absMetadata"];

function bookSettings(): Record<string, unknown> {
  return {
    coverAspectRatio: 1,
    disableWatcher: false,
    autoScanCronExpression: null,
    skipMatchingMediaWithAsin: false,
    skipMatchingMediaWithIsbn: false,
    audiobooksOnly: false,
    epubsAllowScriptedContent: false,
    hideSingleBookSeries: false,
    onlyShowLaterBooksInContinueSeries: false,
    metadataPrecedence: [...DEFAULT_PRECEDENCE],
    markAsFinishedPercentComplete: null,
    markAsFinishedTimeRemaining: 10,
  };
}

export class AbsStandIn {
  readonly users: User[] = [];
  readonly libraries: StandInLibrary[] = [];
  readonly apiKeys: StandInKey[] = [];
  /** Library ids in the order scans were asked for. */
  readonly scans: string[] = [];
  readonly requests: RequestRecord[] = [];
  /**
   * When it returns "after" for a request, the change is made but no answer is ever sent; "before":
   * neither (the client gets killed meanwhile).
   */
  hangOn?: (method: string, path: string) => "before" | "after" | undefined;
  private readonly secret = randomUUID();
  private server?: Server;
  private readonly hung: ServerResponse[] = [];
  private hangListeners: (() => void)[] = [];

  /** Listens on 127.0.0.1 (port 0: any free port); returns the base URL. */
  async listen(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(port, "127.0.0.1", () => resolve());
    });
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Resolves once a request matched `hangOn` (and was applied). */
  whenHung(): Promise<void> {
    return this.hung.length ? Promise.resolve() : new Promise((resolve) => this.hangListeners.push(resolve));
  }

  // ---- seeding (half- and fully-initialized servers) ------------------------------------------

  addUser(username: string, password: string, type: User["type"] = "root"): User {
    const user = { id: randomUUID(), username, password, type };
    this.users.push(user);
    return user;
  }

  addLibrary(name: string, fullPath: string, settings: Record<string, unknown> = {}, mediaType = "book"): StandInLibrary {
    const id = randomUUID();
    const now = Date.now();
    const library: StandInLibrary = {
      id,
      name,
      folders: [{ id: randomUUID(), fullPath, libraryId: id, addedAt: now }],
      displayOrder: this.libraries.length + 1,
      icon: "database",
      mediaType,
      provider: "google",
      settings: { ...bookSettings(), ...settings },
      lastScan: null,
      createdAt: now,
      lastUpdate: now,
    };
    this.libraries.push(library);
    return library;
  }

  /** Creates a key as POST /api/api-keys does; returns the key (the JWT) and its record. */
  addApiKey(name: string, userId: string, isActive = true): { key: string; record: StandInKey } {
    const id = randomUUID();
    const now = new Date().toISOString();
    const record: StandInKey = {
      id,
      name,
      description: null,
      expiresAt: null,
      lastUsedAt: null,
      isActive,
      permissions: null,
      userId,
      createdByUserId: userId,
      createdAt: now,
      updatedAt: now,
    };
    this.apiKeys.push(record);
    return { key: this.sign({ keyId: id, name, type: "api", iat: Math.floor(Date.now() / 1000) }), record };
  }

  get root(): User | undefined {
    return this.users.find((u) => u.type === "root");
  }

  // ---- tokens --------------------------------------------------------------------------------

  private sign(payload: object): string {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}`;
    return `${unsigned}.${createHmac("sha256", this.secret).update(unsigned).digest("base64url")}`;
  }

  private verify(token: string): Record<string, unknown> | undefined {
    const [header, payload, signature] = token.split(".");
    if (!header || !payload || !signature) return undefined;
    const expected = createHmac("sha256", this.secret).update(`${header}.${payload}`).digest("base64url");
    if (expected !== signature) return undefined;
    return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  }

  /** TokenManager.jwtAuthCheck: an API key acts as its user while active; an access token while unexpired. */
  private authenticate(req: IncomingMessage): User | undefined {
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7) : undefined;
    const payload = token && this.verify(token);
    if (!payload) return undefined;
    if (payload.type === "api") {
      const key = this.apiKeys.find((k) => k.id === payload.keyId);
      if (!key?.isActive) return undefined;
      return this.users.find((u) => u.id === key.userId);
    }
    if (typeof payload.exp === "number" && payload.exp < Date.now() / 1000) return undefined;
    return this.users.find((u) => u.id === payload.userId);
  }

  // ---- routes --------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/audiobookshelf/, "");
    const hang = this.hangOn?.(method, path);
    const answer = hang === "before" ? { status: 0, body: "" } : this.route(method, path, body, req);
    this.requests.push({ method, path, status: answer.status });
    if (hang) {
      this.hung.push(res);
      for (const l of this.hangListeners.splice(0)) l();
      return;
    }
    if (typeof answer.body === "string") {
      res.writeHead(answer.status, { "Content-Type": "text/plain; charset=utf-8" }).end(answer.body);
    } else {
      res.writeHead(answer.status, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(answer.body));
    }
  }

  private route(method: string, path: string, body: Record<string, unknown>, req: IncomingMessage): { status: number; body: unknown } {
    const text = (status: number, message: string) => ({ status, body: message });
    const json = (payload: unknown, status = 200) => ({ status, body: payload });

    if (method === "GET" && path === "/healthcheck") return text(200, "");
    if (method === "GET" && path === "/ping") return json({ success: true });
    if (method === "GET" && path === "/status") {
      return json({ app: "audiobookshelf", serverVersion: "2.36.0", isInit: !!this.root, language: "en-us", authMethods: ["local"], authFormData: {} });
    }
    if (method === "POST" && path === "/init") {
      if (this.root) return text(500, "Internal Server Error");
      const newRoot = (body.newRoot ?? {}) as { username?: string; password?: string };
      this.addUser(newRoot.username || "root", newRoot.password ?? "", "root");
      return text(200, "OK");
    }
    if (method === "POST" && path === "/login") {
      const user = this.users.find((u) => u.username === body.username && u.password === body.password);
      if (!user) return text(401, "Unauthorized");
      const accessToken = this.sign({ userId: user.id, username: user.username, type: "access", exp: Math.floor(Date.now() / 1000) + 3600 });
      return json({
        user: { id: user.id, username: user.username, type: user.type, isActive: true, token: this.sign({ userId: user.id, username: user.username }), accessToken },
        userDefaultLibraryId: this.libraries[0]?.id ?? null,
        serverSettings: {},
        ereaderDevices: [],
        Source: "docker",
      });
    }
    if (!path.startsWith("/api/")) return text(404, "Not Found");

    const user = this.authenticate(req);
    if (!user) return text(401, "Unauthorized");
    const admin = user.type === "root" || user.type === "admin";

    if (method === "GET" && path === "/api/me") return json({ id: user.id, username: user.username, type: user.type });
    if (method === "GET" && path === "/api/libraries") return json({ libraries: this.libraries });
    if (method === "POST" && path === "/api/libraries") {
      if (!admin) return text(403, "Forbidden");
      if (!body.name || typeof body.name !== "string") return text(400, "Invalid request. Name must be a string");
      const folders = body.folders as { fullPath?: string; path?: string }[] | undefined;
      if (!Array.isArray(folders) || folders.some((f) => typeof (f?.fullPath || f?.path) !== "string")) {
        return text(400, "Invalid request. Folders must be a non-empty array of objects with path string");
      }
      const settings = (body.settings ?? {}) as Record<string, unknown>;
      const library = this.addLibrary(body.name, String(folders[0].fullPath || folders[0].path), {}, typeof body.mediaType === "string" ? body.mediaType : "book");
      for (const f of folders.slice(1)) library.folders.push({ id: randomUUID(), fullPath: String(f.fullPath || f.path), libraryId: library.id, addedAt: Date.now() });
      if (Array.isArray(settings.metadataPrecedence)) library.settings.metadataPrecedence = [...settings.metadataPrecedence];
      return json(library);
    }
    const scan = /^\/api\/libraries\/([^/]+)\/scan$/.exec(path);
    if (method === "POST" && scan) {
      if (!admin) return text(403, "Forbidden");
      if (!this.libraries.some((l) => l.id === scan[1])) return text(404, "Not Found");
      this.scans.push(scan[1]);
      return text(200, "OK");
    }
    if (path === "/api/api-keys" || path.startsWith("/api/api-keys/")) {
      if (!admin) return text(403, "Forbidden");
      const withUser = (k: StandInKey) => {
        const u = this.users.find((x) => x.id === k.userId);
        return { ...k, user: u && { id: u.id, username: u.username, type: u.type } };
      };
      if (method === "GET" && path === "/api/api-keys") return json({ apiKeys: this.apiKeys.map(withUser) });
      if (method === "POST" && path === "/api/api-keys") {
        if (!body.name || typeof body.name !== "string") return text(400, "Bad Request");
        if (!body.userId || typeof body.userId !== "string") return text(400, "Bad Request");
        const owner = this.users.find((u) => u.id === body.userId);
        if (!owner) return text(400, "Bad Request");
        if (owner.type === "root" && user.type !== "root") return text(403, "Forbidden");
        const { key, record } = this.addApiKey(body.name, owner.id, !!body.isActive);
        record.createdByUserId = user.id;
        return json({ apiKey: { apiKey: key, ...withUser(record) } });
      }
      const one = /^\/api\/api-keys\/([^/]+)$/.exec(path);
      const index = one ? this.apiKeys.findIndex((k) => k.id === one[1]) : -1;
      if (method === "DELETE" && one) {
        if (index < 0) return text(404, "Not Found");
        this.apiKeys.splice(index, 1);
        return text(200, "OK");
      }
      if (method === "PATCH" && one) {
        if (index < 0) return text(404, "Not Found");
        if (typeof body.isActive === "boolean") this.apiKeys[index].isActive = body.isActive;
        return json({ apiKey: withUser(this.apiKeys[index]) });
      }
    }
    return text(404, "Not Found");
  }
}
