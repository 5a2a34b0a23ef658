import { renderServeConfig } from "../../constructs/tailscale/serve";

describe("serve.json (TS_SERVE_CONFIG)", () => {
  const text = renderServeConfig({
    fqdn: "shelf.tail1234.ts.net",
    routes: [
      { mount: "/opds", proxy: "http://127.0.0.1:3010/opds" },
      { mount: "/", proxy: "http://127.0.0.1:80" },
    ],
  });

  test("is ipn.ServeConfig: HTTPS on 443, web handlers by mount point on the MagicDNS name", () => {
    expect(JSON.parse(text)).toEqual({
      TCP: { "443": { HTTPS: true } },
      Web: {
        "shelf.tail1234.ts.net:443": {
          Handlers: { "/": { Proxy: "http://127.0.0.1:80" }, "/opds": { Proxy: "http://127.0.0.1:3010/opds" } },
        },
      },
    });
  });

  test("holds nothing Terraform would read as its own template", () => {
    expect(text).not.toMatch(/[$%]\{/);
  });

  test("TCP forwards sit beside HTTPS, never on its port; a mount point is used once", () => {
    const forwards = JSON.parse(renderServeConfig({ fqdn: "a.b.ts.net", routes: [], tcpForwards: { 22000: "127.0.0.1:22000" } }));
    expect(forwards.TCP).toEqual({ "443": { HTTPS: true }, "22000": { TCPForward: "127.0.0.1:22000" } });
    expect(() => renderServeConfig({ fqdn: "a.b.ts.net", routes: [], tcpForwards: { 443: "127.0.0.1:1" } })).toThrow(/already the HTTPS port/);
    expect(() => renderServeConfig({ fqdn: "a.b.ts.net", routes: [{ mount: "/", proxy: "1" }, { mount: "/", proxy: "2" }] })).toThrow(/two routes on \//);
  });
});
