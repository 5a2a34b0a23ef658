import { request } from "node:http";
import { request as httpsRequest } from "node:https";

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * One GET with a deadline, over TCP or a unix socket (the Docker Engine API). Certificates are
 * checked as Node always does: a name that answers with a bad certificate is an error here.
 */
export function get(url: string, options: { headers?: Record<string, string>; socketPath?: string; timeoutMs?: number } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const send = u.protocol === "https:" ? httpsRequest : request;
    const req = send(
      { method: "GET", hostname: u.hostname, port: u.port || undefined, path: `${u.pathname}${u.search}`, headers: options.headers, socketPath: options.socketPath },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 5000, () => req.destroy(new Error(`no answer within ${(options.timeoutMs ?? 5000) / 1000} s`)));
    req.on("error", reject);
    req.end();
  });
}

/** Network errors that mean "no path to it from here", as opposed to "it answered wrong". */
export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return ["ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ENOENT", "EACCES"].includes(code);
}
