import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { readFileSync } from "node:fs";

export interface FakeContainer {
  State: string;
  Status: string;
}

/**
 * A stand-in for the Docker Engine API on a unix socket: GET /containers/json?all=true with the
 * fields the real one returns (Names with a leading slash, State, Status with the health verdict).
 */
export class FakeEngine {
  readonly containers = new Map<string, FakeContainer>();
  private server?: Server;
  constructor(readonly socket: string) {}

  async listen(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.method === "GET" && /^(\/v[\d.]+)?\/containers\/json\?all=(true|1)$/.test(req.url ?? "")) {
        const list = [...this.containers].map(([name, c], i) => ({ Id: `${i}`.padStart(64, "0"), Names: [`/${name}`], ...c }));
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(list));
      } else res.writeHead(404).end('{"message":"page not found"}');
    });
    await new Promise<void>((resolve) => this.server!.listen(this.socket, resolve));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** An HTTPS name on loopback with a certificate for "localhost", trusted through NODE_EXTRA_CA_CERTS. */
export async function tlsName(dir: string): Promise<{ port: number; ca: string; server: TlsServer }> {
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
    { stdio: "ignore" },
  );
  const server = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as { port: number }).port, ca: cert, server };
}
