/**
 * tailscale/serve.json: the sidecar's `tailscale serve` configuration (TS_SERVE_CONFIG), in the
 * JSON form of tailscaled's ipn.ServeConfig (tailscale/tailscale ipn/serve.go): `TCP` maps a
 * port to a handler, `Web` maps "<name>:<port>" to HTTP handlers by mount point. Checked against
 * that source:
 * - The Web key is containerboot's literal ${TS_CERT_DOMAIN}, which it replaces with the name the
 *   node actually joined as (a second server joins as shelf-1, not shelf). The Terraform upload
 *   escapes it (terraformLiteral), so the uploaded file is this one byte for byte.
 * - A Proxy handler gets the request with its mount point trimmed (ipnlocal serveWebHandler,
 *   tailscale#6571), so /opds proxies to http://127.0.0.1:3010/opds to keep abs-opds' paths.
 * Syncthing's sync port has no entry: with kernel networking the tailnet address reaches it
 * directly, TCP and QUIC alike (a serve TCP forward would carry TCP only).
 */
export interface ServeRoute {
  /** URL path prefix on the HTTPS name, e.g. "/" or "/opds". */
  readonly mount: string;
  /** Where tailscaled proxies it, e.g. http://127.0.0.1:80. One of proxy and path. */
  readonly proxy?: string;
  /**
   * A directory tailscaled serves itself (a static `Path` handler: files below the mount, its
   * index.html for the mount). The path is in the sidecar's file system.
   */
  readonly path?: string;
}

/** Replaced by the sidecar's containerboot with the node's MagicDNS name (its certificate's name). */
export const CERT_DOMAIN_PLACEHOLDER = "${TS_CERT_DOMAIN}";

export interface ServeConfigProps {
  /** The port tailscaled answers HTTPS on, with the node's certificate. @default - 443 */
  readonly httpsPort?: number;
  /** What each mount point on the HTTPS name serves; each mount point once. */
  readonly routes: readonly ServeRoute[];
  /** Plain TCP forwards: tailnet port → local address. @default - none */
  readonly tcpForwards?: Readonly<Record<number, string>>;
}

export function renderServeConfig(props: ServeConfigProps): string {
  const port = props.httpsPort ?? 443;
  const mounts = props.routes.map((r) => r.mount);
  const duplicate = mounts.find((m, i) => mounts.indexOf(m) !== i);
  if (duplicate) throw new Error(`serve config: two routes on ${duplicate}`);
  const tcp: Record<string, object> = { [port]: { HTTPS: true } };
  for (const [p, target] of Object.entries(props.tcpForwards ?? {})) {
    if (Number(p) === port) throw new Error(`serve config: port ${p} is already the HTTPS port`);
    tcp[p] = { TCPForward: target };
  }
  for (const r of props.routes) {
    if (!r.proxy === !r.path) throw new Error(`serve config: the route on ${r.mount} needs exactly one of proxy and path`);
    if (r.path && !r.path.startsWith("/")) throw new Error(`serve config: the route on ${r.mount} serves ${r.path}, which must be an absolute path`);
  }
  const handlers = Object.fromEntries([...props.routes].sort((a, b) => (a.mount < b.mount ? -1 : 1)).map((r) => [r.mount, r.proxy ? { Proxy: r.proxy } : { Path: r.path }]));
  const config = {
    TCP: Object.fromEntries(Object.entries(tcp).sort(([a], [b]) => Number(a) - Number(b))),
    Web: { [`${CERT_DOMAIN_PLACEHOLDER}:${port}`]: { Handlers: handlers } },
  };
  return JSON.stringify(config, null, 2) + "\n";
}
