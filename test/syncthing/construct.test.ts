import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { loadStack, parseStack } from "../../config/load";
import { Container } from "../../constructs/container";
import { RenderedFile } from "../../constructs/rendered-file";
import { ReadingStack } from "../../stacks/reading-stack";
import { EXAMPLE } from "../helpers/cli";
import { largeStackYaml } from "../helpers/large-stack";
import { describeWhen } from "../helpers/tools";
import { Sandbox, sandboxProblem } from "./syncthing-process";

const stack = new ReadingStack(Testing.app(), "shelfstack", loadStack(EXAMPLE));
const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
const files = new Map(RenderedFile.all(stack).map((f) => [f.path, f.content]));
const tf = Object.values(json.resource.docker_container).find((c) => c.name === "syncthing")!;
const compose = (parse(files.get("docker-compose.yml")!) as { services: Record<string, Record<string, unknown>> }).services.syncthing;
const server = stack.node
  .findAll()
  .filter(Container.isContainer)
  .find((c) => c.name === "syncthing")!;

describe("the server's Syncthing container", () => {
  test("in the Tailscale sidecar's namespace, no port published, GUI on loopback, API key from a secret", () => {
    expect(tf.network_mode).toBe("container:${docker_container.Tailscale_Container_32B0B4FB.id}");
    expect(tf.ports).toBeUndefined();
    expect(tf.env).toEqual(["PGID=1000", "PUID=1000", "STGUIADDRESS=127.0.0.1:8384", "STGUIAPIKEY=${var.SYNCTHING_API_KEY}", "TZ=Europe/Berlin"]);
    expect(compose.network_mode).toBe("service:tailscale");
    expect((compose.environment as Record<string, string>).STGUIAPIKEY).toBe("${SYNCTHING_API_KEY:?set SYNCTHING_API_KEY in the environment (see README, Deploying)}");
  });

  test("state volume, and each folder root mounted at its own path", () => {
    expect(compose.volumes).toEqual([
      "/srv/shelfstack/appdata/syncthing:/var/syncthing",
      "/srv/shelfstack/library/ebooks:/srv/shelfstack/library/ebooks",
      "/srv/shelfstack/statistics/palma:/srv/shelfstack/statistics/palma",
      "./syncthing/server/config.xml:/shelfstack/config.xml:ro",
      "./syncthing/server/start.sh:/shelfstack/start.sh:ro",
      "./syncthing/server/ignores/koreader-settings.stignore:/shelfstack/ignores/koreader-settings.stignore:ro",
      "./syncthing/server/ignores/library.stignore:/shelfstack/ignores/library.stignore:ro",
    ]);
    expect((tf.upload as { file: string }[]).map((u) => u.file).sort()).toEqual([
      "/shelfstack/config.xml",
      "/shelfstack/ignores/koreader-settings.stignore",
      "/shelfstack/ignores/library.stignore",
      "/shelfstack/start.sh",
    ]);
  });

  test("synth writes the server's and the Palma's config.xml, one ignore file per content and side, and nothing for the iPhone", () => {
    expect([...files.keys()].filter((p) => p.startsWith("syncthing/"))).toEqual([
      "syncthing/ignores/koreader-settings.stignore",
      "syncthing/ignores/library.stignore",
      "syncthing/palma/config.xml",
      "syncthing/server/config.xml",
      "syncthing/server/ignores/koreader-settings.stignore",
      "syncthing/server/ignores/library.stignore",
      "syncthing/server/start.sh",
    ]);
  });

  test("a thousand readers share those ignore files: the output grows by two files per reader", () => {
    const big = new ReadingStack(Testing.app(), "shelfstack", parseStack(largeStackYaml(1000)));
    const paths = RenderedFile.all(big).map((f) => f.path);
    expect(paths.filter((p) => p.endsWith(".stignore"))).toHaveLength(4);
    expect(paths.filter((p) => /^syncthing\/reader\d+\//.test(p))).toEqual(Array.from({ length: 1000 }, (_, i) => `syncthing/reader${i}/config.xml`).sort());
  });

  test("until syncthing.serverId is set, the Palma's config says why it lists no server", () => {
    expect(files.get("syncthing/palma/config.xml")).toContain("<!-- The server is not listed yet: run `shelfstack syncthing identity` before the first deploy");
    expect(files.get("syncthing/server/config.xml")).not.toContain("not listed yet");
  });

  test("no rendered Syncthing file holds an API key or a GUI password", () => {
    for (const [path, content] of files) {
      if (!path.startsWith("syncthing/")) continue;
      expect(content).not.toMatch(/<apikey>|<password>|<user>/i);
    }
  });
});

describeWhen(sandboxProblem(), "the start script, run against the rendered files", () => {
  let sandbox: Sandbox;
  let entrypointLog: string;

  beforeAll(() => {
    sandbox = new Sandbox("shelfstack-ststart-");
    // What the container sees: each rendered file where Terraform uploads it (compose mounts the same paths).
    for (const f of server.configFiles) {
      mkdirSync(dirname(sandbox.path(f.containerPath)), { recursive: true });
      writeFileSync(sandbox.path(f.containerPath), f.file.content);
    }
    // The image's entrypoint stands in as a script that records how it was called.
    // (/bin is the image's, so the sandbox gets its own: sh, and the stand-in entrypoint.)
    mkdirSync(sandbox.path("bin"), { recursive: true });
    symlinkSync("/usr/bin/sh", sandbox.path("bin/sh"));
    writeFileSync(sandbox.path("bin/entrypoint.sh"), '#!/bin/sh\necho "$PUID:$PGID $*" > /entrypoint.log\n');
    chmodSync(sandbox.path("bin/entrypoint.sh"), 0o755);
    const [entrypoint, script] = server.entrypoint!;
    const r = spawnSync("unshare", ["-m", "--propagation", "private", "sh", join(__dirname, "sandbox.sh"), sandbox.root, entrypoint, script], {
      env: { PATH: "/usr/bin:/usr/sbin", PUID: "1000", PGID: "1000" },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`start script failed: ${r.stderr}`);
    entrypointLog = readFileSync(sandbox.path("entrypoint.log"), "utf8");
  });
  afterAll(() => sandbox?.remove());

  test("config.xml is in Syncthing's home, byte for byte", () => {
    expect(readFileSync(sandbox.path("var/syncthing/config/config.xml"), "utf8")).toBe(files.get("syncthing/server/config.xml"));
  });

  test("each folder root holds its .stignore, and belongs to PUID:PGID", () => {
    for (const [root, content] of [
      ["srv/shelfstack/library/ebooks", "library"],
      ["srv/shelfstack/statistics/palma", "koreader-settings"],
    ]) {
      expect(readFileSync(sandbox.path(`${root}/.stignore`), "utf8")).toBe(files.get(`syncthing/server/ignores/${content}.stignore`));
      expect(statSync(sandbox.path(root)).uid).toBe(1000);
    }
  });

  test("then hands over to the image's entrypoint: Syncthing serve on that home", () => {
    expect(entrypointLog).toBe("1000:1000 /bin/syncthing serve --home=/var/syncthing/config --no-browser\n");
  });
});
