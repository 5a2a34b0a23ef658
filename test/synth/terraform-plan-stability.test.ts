import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { EXAMPLE } from "../helpers/cli";
import { parseStack } from "../../config/load";
import { ReadingStack } from "../../stacks/reading-stack";
import { goDuration } from "../../constructs/container";
import { largeStackYaml } from "../helpers/large-stack";

/**
 * Plan stability: after an apply, `terraform plan` compares what we wrote with what the docker
 * provider (kreuzwerker/docker 3.6.2) reads back from Docker (20.10). Any difference is an update
 * on every plan, or a replacement when the attribute is ForceNew. Each rule below is the
 * provider's read-back for one attribute we emit; an attribute without a rule fails the test, so
 * a new attribute cannot go unchecked.
 *
 * | attribute | read back as | source (internal/provider/…) |
 * |---|---|---|
 * | container name | `strings.TrimLeft(container.Name, "/")` | resource_docker_container_funcs.go, resourceDockerContainerRead |
 * | container image | `container.Image`: the image ID (sha256:…), so we write docker_image's image_id | same |
 * | restart | `HostConfig.RestartPolicy.Name`, as given ("no", "unless-stopped") | same |
 * | command, entrypoint, user | `Config.Cmd`, `Config.Entrypoint`, `Config.User`, as given | same |
 * | network_mode (ForceNew) | `HostConfig.NetworkMode`: Docker stores `container:<id>` for `container:<name>`; "" and "default" are equal (DiffSuppressFunc in resource_docker_container.go) | same |
 * | capabilities.add | `HostConfig.CapAdd`, as given (a set) | same |
 * | devices (ForceNew set) | `{host_path: PathOnHost, container_path: PathInContainer, permissions: CgroupPermissions}`; create fills an empty permissions with "rwm" (deviceSetToDockerDevices) | same, and resource_docker_container_structures.go |
 * | healthcheck.interval/timeout/start_period/start_interval | `time.Duration.String()` of the parsed value: 60s → "1m0s" | resource_docker_container_funcs.go |
 * | healthcheck.test, retries | `Config.Healthcheck.Test`, `.Retries`, as given | same |
 * | env, volumes, upload, must_run, attach | not read back ("We decided not to set the environment variables…", "// volumes", "upload can't be imported", "must_run can't be imported", "// attach"): the state keeps what we wrote | same |
 * | docker_image name, keep_locally, build, triggers | not read back: resourceDockerImageRead sets only the ID (image_id) | resource_docker_image_funcs.go |
 */

type Value = unknown;
type Block = Record<string, Value>;
type Rule = (value: Value, resource: Block) => Value;

const SIDECAR_ID = /^container:\$\{docker_container\.[A-Za-z0-9_]+\.id\}$/;
const same: Rule = (v) => v;
const notReadBack: Rule = (v) => v;
/** Docker parses the duration and the provider prints it with Go's time.Duration.String. */
const duration: Rule = (v) => goDuration(parseDuration(v as string));

function parseDuration(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?$/.exec(text);
  if (!m || text === "") throw new Error(`not a duration Docker parses the way this test does: ${text}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

const CONTAINER: Record<string, Rule> = {
  name: (v) => (v as string).replace(/^\/+/, ""),
  // The container's image is read back as an image ID: only a reference to docker_image's ID is stable.
  image: (v) => (/^\$\{docker_image\.[A-Za-z0-9_]+\.image_id\}$/.test(v as string) ? v : `sha256:<id of ${String(v)}>`),
  restart: same,
  command: same,
  entrypoint: same,
  user: same,
  network_mode: (v) => {
    const mode = v as string;
    if (mode === "" || mode === "default") return mode;
    if (mode.startsWith("container:")) return SIDECAR_ID.test(mode) ? mode : `container:<id of ${mode.slice("container:".length)}>`;
    return mode;
  },
  capabilities: (v) => v,
  devices: (v) => (v as Block[]).map((d) => ({ ...d, container_path: d.container_path || d.host_path, permissions: d.permissions || "rwm" })),
  healthcheck: (v) => {
    const hc = v as Block;
    const back: Block = { test: hc.test, retries: hc.retries };
    for (const key of ["interval", "timeout", "start_period", "start_interval"]) if (key in hc) back[key] = duration(hc[key], hc);
    return Object.fromEntries(Object.keys(hc).map((k) => [k, back[k]]));
  },
  env: notReadBack,
  volumes: notReadBack,
  upload: notReadBack,
  must_run: notReadBack,
  attach: notReadBack,
};
const IMAGE: Record<string, Rule> = {
  name: notReadBack,
  keep_locally: notReadBack,
  build: notReadBack,
  triggers: notReadBack,
};
/** Terraform's own meta-arguments: no provider reads them. */
const META = new Set(["depends_on", "lifecycle", "provider", "count", "for_each", "//"]);

function resources(yaml: string) {
  const stack = new ReadingStack(Testing.app(), "shelfstack", parseStack(yaml));
  return JSON.parse(Testing.synth(stack)).resource as Record<string, Record<string, Block>>;
}

const stacks: [string, string][] = [
  ["the example", readFileSync(EXAMPLE, "utf8")],
  ["a 50-device stack", largeStackYaml(50)],
];

describe.each(stacks)("plan stability, %s: every attribute is written as the provider reads it back", (_name, yaml) => {
  const json = resources(yaml);
  const cases: [string, string, string, Record<string, Rule>][] = [];
  for (const [type, rules] of [
    ["docker_container", CONTAINER],
    ["docker_image", IMAGE],
  ] as const) {
    for (const [name, body] of Object.entries(json[type] ?? {})) {
      for (const attribute of Object.keys(body)) if (!META.has(attribute)) cases.push([type, name, attribute, rules]);
    }
  }

  test("the stack has the resources this test is about", () => {
    expect(Object.keys(json.docker_container).length).toBeGreaterThanOrEqual(6);
    expect(cases.map(([, , a]) => a)).toEqual(expect.arrayContaining(["network_mode", "devices", "healthcheck", "image"]));
  });

  test.each(cases)("%s.%s.%s", (_type, name, attribute, rules) => {
    const rule = rules[attribute];
    if (!rule) throw new Error(`${attribute} has no read-back rule: find how the provider reads it, then add it to the table`);
    const written = (json[_type] as Record<string, Block>)[name][attribute];
    expect(rule(written, (json[_type] as Record<string, Block>)[name])).toEqual(written);
  });
});

describe("Go's time.Duration.String, as the provider prints durations", () => {
  test.each([
    [0, "0s"],
    [5, "5s"],
    [30, "30s"],
    [60, "1m0s"],
    [90, "1m30s"],
    [600, "10m0s"],
    [3600, "1h0m0s"],
    [3725, "1h2m5s"],
  ])("%ds → %s", (seconds, printed) => {
    expect(goDuration(seconds)).toBe(printed);
  });

  test("the read-back model catches what the issue reported", () => {
    expect(CONTAINER.network_mode("container:tailscale", {})).not.toBe("container:tailscale");
    expect(CONTAINER.devices([{ host_path: "/dev/net/tun", container_path: "/dev/net/tun" }], {})).toEqual([
      { host_path: "/dev/net/tun", container_path: "/dev/net/tun", permissions: "rwm" },
    ]);
    expect(CONTAINER.healthcheck({ test: ["CMD"], interval: "60s" }, {})).toEqual({ test: ["CMD"], interval: "1m0s" });
  });
});
