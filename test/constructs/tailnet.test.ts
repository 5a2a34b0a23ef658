import { StackError } from "../../config/load";
import { Tailnet, type TailnetProps } from "../../constructs/tailscale/tailnet";
import { renderedFiles, bareStack, synthesize } from "./helpers";

const devices = [
  { name: "kobo", kind: "android-ereader" as const, owner: "alice@example.com" },
  { name: "phone", kind: "ios" as const, owner: "alice@example.com" },
];
const base: TailnetProps = { owner: "alice@example.com", serverTag: "tag:shelf", devices };

function build(props: Partial<TailnetProps> = {}) {
  const stack = bareStack();
  const tailnet = new Tailnet(stack, "Tailnet", { ...base, ...props });
  return { stack, tailnet };
}

describe("Tailnet, built alone from plain props", () => {
  test("the defaults: the API key variable, MagicDNS on, overwrite off, /opds served", () => {
    const { stack, tailnet } = build();
    const json = synthesize(stack) as unknown as { provider: { tailscale: Record<string, unknown>[] }; resource: Record<string, Record<string, Record<string, unknown>>> };
    expect(json.provider.tailscale[0]).toMatchObject({ api_key: "${var.TAILSCALE_API_KEY}" });
    expect(tailnet.dns).toBeDefined();
    expect(Object.values(json.resource.tailscale_acl)[0]).toMatchObject({ overwrite_existing_content: false });
    expect(Object.values(json.resource.tailscale_tailnet_key)[0]).toMatchObject({ tags: ["tag:shelf"], reusable: false, preauthorized: true });
    const serve = JSON.parse(renderedFiles(stack).get("tailscale/serve.json")!) as { Web: Record<string, { Handlers: Record<string, unknown> }> };
    expect(Object.keys(serve.Web["${TS_CERT_DOMAIN}:443"].Handlers)).toEqual(["/", "/opds"]);
  });

  test("opds off and a static directory: serve.json has / and the directory, not /opds", () => {
    const { stack } = build({ opds: false, staticDirs: [{ mount: "/report/", path: "/srv/report" }] });
    const serve = JSON.parse(renderedFiles(stack).get("tailscale/serve.json")!) as { Web: Record<string, { Handlers: Record<string, unknown> }> };
    expect(serve.Web["${TS_CERT_DOMAIN}:443"].Handlers).toEqual({ "/": { Proxy: "http://127.0.0.1:80" }, "/report/": { Path: "/srv/report" } });
  });

  test("an access declared with allow() becomes a rule for its peers only, and the policy names the variables it was given", () => {
    const { stack, tailnet } = build({ apiKey: { env: "MY_TS_API" } });
    tailnet.allow({ name: "sync", port: 22000, peers: [devices[0]], why: "the e-reader syncs" });
    expect(tailnet.policy.text).toContain("the e-reader syncs");
    expect((tailnet.policy.policy.acls ?? []).some((r) => r.dst.includes("tag:shelf:22000"))).toBe(true);
    expect(renderedFiles(stack).get("tailscale/policy.hujson")).toBe(tailnet.policy.text);
    expect(synthesize(stack).variable).toHaveProperty("MY_TS_API");
  });

  test("refuses an allow() after the policy was generated, and an extra rule that breaks the stack's promises", () => {
    const { tailnet } = build();
    void tailnet.policy;
    expect(() => tailnet.allow({ name: "late", port: 1, peers: [], why: "" })).toThrow(/after the policy was generated/);
    const open = build({ extraAcls: [{ action: "accept", src: ["tag:shelf"], dst: ["alice@example.com:22"] }] }).tailnet;
    expect(() => open.policy).toThrow(StackError);
  });
});
