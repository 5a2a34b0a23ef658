import { TailscaleSidecar } from "../../constructs/tailscale/sidecar";
import { RenderedFile } from "../../constructs/rendered-file";
import { bareStack, envOf, synthesize, terraformContainer } from "./helpers";

const base = { hostname: "shelf", stateDir: "/data/ts", authKey: "${tailscale_tailnet_key.k.key}" };

describe("TailscaleSidecar, built alone from plain props", () => {
  test("the bare sidecar: kernel networking, the state directory, the auth key from Terraform, nothing served", () => {
    const stack = bareStack();
    const sidecar = new TailscaleSidecar(stack, "Ts", base);
    const json = synthesize(stack);
    const container = terraformContainer(json, "tailscale");
    expect(envOf(container)).toEqual({
      TS_AUTHKEY: "${tailscale_tailnet_key.k.key}",
      TS_AUTH_ONCE: "true",
      TS_HOSTNAME: "shelf",
      TS_STATE_DIR: "/var/lib/tailscale",
      TS_USERSPACE: "false",
    });
    expect(container.volumes).toEqual([{ host_path: "/data/ts", container_path: "/var/lib/tailscale", read_only: false }]);
    expect(container.capabilities).toEqual({ add: ["NET_ADMIN", "NET_RAW"] });
    expect(container.devices).toEqual([{ host_path: "/dev/net/tun", container_path: "/dev/net/tun", permissions: "rwm" }]);
    expect(container.upload).toBeUndefined();
    // Terraform makes the key: no variable to set.
    expect(json.variable).toBeUndefined();
    const service = sidecar.container.toComposeService() as { environment: Record<string, string> };
    expect(service.environment.TS_AUTHKEY).toBe("${TAILSCALE_AUTH_KEY:?set TAILSCALE_AUTH_KEY in the environment (see README, Deploying)}");
    expect(service.environment.TS_SERVE_CONFIG).toBeUndefined();
  });

  test("a serve config is uploaded and named in TS_SERVE_CONFIG; served directories are mounted; compose's key variable is the one given", () => {
    const stack = bareStack();
    const file = new RenderedFile(stack, "Serve", { path: "tailscale/serve.json", content: "{}\n" });
    const sidecar = new TailscaleSidecar(stack, "Ts", {
      ...base,
      serveConfig: { containerPath: "/config/serve.json", file },
      servedDirs: [{ hostPath: "/data/report", containerPath: "/srv/report", readOnly: true }],
      composeAuthKey: { env: "MY_TS_KEY" },
    });
    const container = terraformContainer(synthesize(stack), "tailscale");
    expect(envOf(container).TS_SERVE_CONFIG).toBe("/config/serve.json");
    expect(container.upload).toEqual([{ file: "/config/serve.json", content: "{}\n" }]);
    expect(container.volumes).toEqual([
      { host_path: "/data/ts", container_path: "/var/lib/tailscale", read_only: false },
      { host_path: "/data/report", container_path: "/srv/report", read_only: true },
    ]);
    const service = sidecar.container.toComposeService() as { environment: Record<string, string> };
    expect(service.environment.TS_AUTHKEY).toMatch(/^\$\{MY_TS_KEY:\?/);
  });
});
