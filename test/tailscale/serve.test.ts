import { renderServeConfig } from "../../constructs/tailscale/serve";

describe("serve.json (TS_SERVE_CONFIG)", () => {
  const text = renderServeConfig({
    routes: [
      { mount: "/opds", proxy: "http://127.0.0.1:3010/opds" },
      { mount: "/", proxy: "http://127.0.0.1:80" },
    ],
  });

  test("is ipn.ServeConfig: HTTPS on 443, web handlers by mount point on whatever name the node joined as", () => {
    // containerboot replaces ${TS_CERT_DOMAIN}: serve keeps matching if the node joins as shelf-1.
    expect(JSON.parse(text)).toEqual({
      TCP: { "443": { HTTPS: true } },
      Web: {
        "${TS_CERT_DOMAIN}:443": {
          Handlers: { "/": { Proxy: "http://127.0.0.1:80" }, "/opds": { Proxy: "http://127.0.0.1:3010/opds" } },
        },
      },
    });
  });

  test("names no machine: the one placeholder is containerboot's", () => {
    expect(text.match(/[$%]\{[^}]*\}/g)).toEqual(["${TS_CERT_DOMAIN}"]);
    expect(text).not.toMatch(/ts\.net/);
  });

  test("TCP forwards sit beside HTTPS, never on its port; a mount point is used once", () => {
    const forwards = JSON.parse(renderServeConfig({ routes: [], tcpForwards: { 22000: "127.0.0.1:22000" } }));
    expect(forwards.TCP).toEqual({ "443": { HTTPS: true }, "22000": { TCPForward: "127.0.0.1:22000" } });
    expect(() => renderServeConfig({ routes: [], tcpForwards: { 443: "127.0.0.1:1" } })).toThrow(/already the HTTPS port/);
    expect(() =>
      renderServeConfig({
        routes: [
          { mount: "/", proxy: "1" },
          { mount: "/", proxy: "2" },
        ],
      }),
    ).toThrow(/two routes on \//);
  });
});
