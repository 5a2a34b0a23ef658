import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A fault the stand-in serves instead of a page, `times` times. */
export interface Fault {
  readonly page: number;
  readonly kind: "429" | "500" | "malformed" | "401";
  times: number;
}

export interface StandIn {
  readonly url: string;
  /** Every request: which page, when (ms), and the Authorization header. */
  readonly requests: { page: number; at: number; authorization: string | undefined }[];
  faults: Fault[];
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function fault(standIn: StandIn, page: number, res: ServerResponse): boolean {
  const f = standIn.faults.find((x) => x.page === page && x.times > 0);
  if (!f) return false;
  f.times--;
  if (f.kind === "429") res.writeHead(429, { "retry-after": "1", "content-type": "application/json" }).end('{"error":"rate limited"}');
  else if (f.kind === "500") res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>");
  else if (f.kind === "401") res.writeHead(401, { "content-type": "application/json" }).end('{"error":"Unauthorized"}');
  // A page cut off mid-body, as a proxy that drops the connection would leave it.
  else res.writeHead(200, { "content-type": "application/json" }).end('{"total": 3, "sessions": [{"id": "x", "startedAt": ');
  return true;
}

/**
 * Audiobookshelf's GET /api/me/listening-sessions: `{total, numPages, page, itemsPerPage,
 * sessions}`, sessions sorted by updatedAt descending, page 0-based (server/controllers/MeController.js).
 */
export async function absStandIn(sessions: object[], apiKey: string): Promise<StandIn> {
  const standIn: StandIn = { url: "", requests: [], faults: [], close: async () => undefined };
  const { server, url } = await listen((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const page = Number(u.searchParams.get("page") ?? "0");
    standIn.requests.push({ page, at: Date.now(), authorization: req.headers.authorization });
    if (u.pathname !== "/api/me/listening-sessions") return void res.writeHead(404).end("Not Found");
    if (req.headers.authorization !== `Bearer ${apiKey}`) return void res.writeHead(401).end("Unauthorized");
    if (fault(standIn, page, res)) return;
    const perPage = Number(u.searchParams.get("itemsPerPage") ?? "10");
    const sorted = [...sessions].sort((a, b) => (b as { updatedAt: number }).updatedAt - (a as { updatedAt: number }).updatedAt);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        total: sorted.length,
        numPages: Math.ceil(sorted.length / perPage),
        page,
        itemsPerPage: perPage,
        sessions: sorted.slice(page * perPage, (page + 1) * perPage),
      }),
    );
  });
  return Object.assign(standIn, { url, close: () => new Promise<void>((r) => server.close(() => r())) });
}

/** Hardcover's POST /v1/graphql for the `me { user_books(limit, offset) }` query the ETL sends. */
export async function hardcoverStandIn(userBooks: object[], token: string): Promise<StandIn & { queries: string[] }> {
  const standIn = { url: "", requests: [], faults: [], queries: [] as string[], close: async () => undefined } as StandIn & { queries: string[] };
  const { server, url } = await listen((req, res, body) => {
    let parsed: { query?: string; variables?: { limit?: number; offset?: number } } = {};
    try {
      parsed = JSON.parse(body);
    } catch {
      return void res.writeHead(400).end('{"errors":[{"message":"invalid json"}]}');
    }
    const limit = parsed.variables?.limit ?? 100;
    const page = Math.floor((parsed.variables?.offset ?? 0) / limit);
    standIn.requests.push({ page, at: Date.now(), authorization: req.headers.authorization });
    standIn.queries.push(parsed.query ?? "");
    if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== "/v1/graphql") return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${token}`) {
      return void res.writeHead(401, { "content-type": "application/json" }).end('{"error":"Unable to verify token"}');
    }
    if (fault(standIn, page, res)) return;
    const offset = parsed.variables?.offset ?? 0;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { me: [{ user_books: userBooks.slice(offset, offset + limit) }] } }));
  });
  return Object.assign(standIn, { url: `${url}/v1/graphql`, close: () => new Promise<void>((r) => server.close(() => r())) });
}
