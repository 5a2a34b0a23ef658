import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { parseStack } from "../../config/load";
import { ABS_KEY_MOUNT, ABS_LIBRARY_PATHS } from "../../config/abs-keys";
import { RenderedFile } from "../../constructs/rendered-file";
import { INGEST_IMAGE } from "../../constructs/ingest/image";
import { ReadingStack } from "../../stacks/reading-stack";
import { optionsFrom, INGEST_FLAGS } from "../../runtimes/ingest/options";

const EXAMPLE = join(__dirname, "../../examples/stack.yaml");

/** The example stack, its text edited first when a test needs other settings. */
function build(edit: (text: string) => string = (t) => t) {
  const config = parseStack(edit(readFileSync(EXAMPLE, "utf8")), EXAMPLE);
  const stack = new ReadingStack(Testing.app(), "shelfstack", config);
  const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const compose = parse(RenderedFile.all(stack).find((f) => f.path === "docker-compose.yml")!.content) as { services: Record<string, Record<string, unknown>> };
  const container = Object.values(json.resource.docker_container).find((c) => c.name === "ingest");
  return { json, compose, container };
}

describe("the ingest container (Terraform and compose, from one description)", () => {
  const { json, compose, container } = build();

  test("runs the image built from runtimes/ingest as server.user, in the Tailscale namespace, publishing nothing", () => {
    expect(container).toBeDefined();
    const image = Object.values(json.resource.docker_image).find((i) => i.name === INGEST_IMAGE);
    expect(image).toMatchObject({ name: "localhost/shelfstack-ingest:0.1.0", keep_locally: true });
    expect(container).toMatchObject({
      user: "1000:1000",
      restart: "unless-stopped",
      network_mode: expect.stringMatching(/^container:\$\{docker_container\.Tailscale_Container_\w+\.id\}$/),
    });
    expect(container!.ports).toBeUndefined();
  });

  test("mounts the four folders from server.paths and only its own key directory, read-only", () => {
    expect(container!.volumes).toEqual([
      { host_path: "/srv/shelfstack/ingest", container_path: "/ingest", read_only: false },
      { host_path: "/srv/shelfstack/ingest-failed", container_path: "/ingest-failed", read_only: false },
      { host_path: "/srv/shelfstack/library/ebooks", container_path: "/ebooks", read_only: false },
      { host_path: "/srv/shelfstack/library/audiobooks", container_path: "/audiobooks", read_only: false },
      { host_path: "/srv/shelfstack/appdata/abs-keys/ingest", container_path: ABS_KEY_MOUNT, read_only: true },
    ]);
  });

  test("its command line is `shelfstack ingest`'s flags, and parses back into the options the runtime uses", () => {
    const command = container!.command as string[];
    const { values } = parseArgs({ args: command, options: INGEST_FLAGS, strict: true });
    expect(optionsFrom(values, {}, {})).toEqual({
      ingestDir: "/ingest",
      libraryDir: "/ebooks",
      audiobooksDir: "/audiobooks",
      failedDir: "/ingest-failed",
      once: false,
      pollSeconds: 30,
      stableSeconds: 10,
      fetchMetadata: false,
      absUrl: "http://127.0.0.1:80",
      absFolders: { ebooks: "/ebooks", audiobooks: "/audiobooks" },
      batchSize: 100,
      heartbeat: "/tmp/shelfstack-ingest.alive",
    });
    // The ingest container mounts each library where Audiobookshelf has it, so the folder it asks
    // Audiobookshelf to scan is the one it wrote to.
    const abs = Object.values(json.resource.docker_container).find((c) => c.name === "audiobookshelf")!;
    expect(abs.volumes).toEqual(
      expect.arrayContaining([
        { host_path: "/srv/shelfstack/library/ebooks", container_path: ABS_LIBRARY_PATHS.ebooks, read_only: false },
        { host_path: "/srv/shelfstack/library/audiobooks", container_path: ABS_LIBRARY_PATHS.audiobooks, read_only: false },
      ]),
    );
  });

  test("the API key comes from the bootstrap's key file, never from a value in the output", () => {
    expect((container!.env as string[]).sort()).toEqual(["ABS_API_KEY_FILE=/run/shelfstack/abs-key/api-key", "TZ=Europe/Berlin"]);
    expect(compose.services.ingest.environment).toEqual({ ABS_API_KEY_FILE: "/run/shelfstack/abs-key/api-key", TZ: "Europe/Berlin" });
  });

  test("compose has the same service: network of the sidecar, same volumes and command, a heartbeat health check without `$`", () => {
    const service = compose.services.ingest;
    expect(service).toMatchObject({
      image: INGEST_IMAGE,
      network_mode: "service:tailscale",
      user: "1000:1000",
      command: container!.command,
      volumes: [
        "/srv/shelfstack/ingest:/ingest",
        "/srv/shelfstack/ingest-failed:/ingest-failed",
        "/srv/shelfstack/library/ebooks:/ebooks",
        "/srv/shelfstack/library/audiobooks:/audiobooks",
        `/srv/shelfstack/appdata/abs-keys/ingest:${ABS_KEY_MOUNT}:ro`,
      ],
    });
    expect(service.ports).toBeUndefined();
    const test = (service.healthcheck as { test: string[] }).test;
    expect(test).toEqual(["CMD-SHELL", "find /tmp/shelfstack-ingest.alive -mmin -10 | grep -q ."]);
  });

  test("stack.yaml's ingest settings reach the command; ingest.enabled: false removes the container", () => {
    const tuned = build((t) => `${t}\ningest:\n  pollSeconds: 600\n  stableSeconds: 30\n  fetchMetadata: true\n`);
    const command = tuned.container!.command as string[];
    expect(command.slice(command.indexOf("--poll"), command.indexOf("--poll") + 4)).toEqual(["--poll", "600", "--stable", "30"]);
    expect(command).toContain("--fetch-metadata");
    expect(tuned.compose.services.ingest.healthcheck).toMatchObject({ test: ["CMD-SHELL", "find /tmp/shelfstack-ingest.alive -mmin -30 | grep -q ."] });
    const off = build((t) => `${t}\ningest:\n  enabled: false\n`);
    expect(off.container).toBeUndefined();
    expect(off.compose.services.ingest).toBeUndefined();
  });
});
