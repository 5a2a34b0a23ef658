import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { parse } from "yaml";
import { EXAMPLE, tmp } from "../helpers/cli";
import { describeWhen, hasTool } from "../helpers/tools";
import { loadStack } from "../../config/load";
import { ReadingStack } from "../../stacks/reading-stack";
import { RenderedFile } from "../../constructs/rendered-file";
import { HostDirectories } from "../../constructs/host-directories";

const config = loadStack(EXAMPLE);
const stack = new ReadingStack(Testing.app(), "shelfstack", config);
const json = JSON.parse(Testing.synth(stack)) as { resource: { docker_container: Record<string, Record<string, unknown>> } };
const containers = Object.entries(json.resource.docker_container);
const [taskId, task] = containers.find(([, c]) => c.name === "prepare-host-directories")!;
const compose = parse(RenderedFile.all(stack).find((f) => f.path === "docker-compose.yml")!.content) as {
  services: Record<string, { user?: string; depends_on?: Record<string, { condition: string }>; restart?: string }>;
};

describe("host directories are prepared before the first start", () => {
  test("Terraform runs the task once and waits for it; every container running as server.user depends on it", () => {
    expect(task).toMatchObject({ restart: "no", must_run: false, attach: true, network_mode: "none" });
    const mounted = (task.volumes as { host_path: string }[]).map((v) => v.host_path);
    for (const dir of [config.server.paths.ebooks, config.server.paths.snapshots, `${config.server.paths.appdata}/audiobookshelf/config`]) {
      expect(mounted).toContain(dir);
    }
    const unprivileged = containers.filter(([, c]) => c.user === config.server.user);
    expect(unprivileged.length).toBeGreaterThanOrEqual(4);
    for (const [, c] of unprivileged) {
      expect(c.depends_on).toContain(`docker_container.${taskId}`);
      for (const v of (c.volumes ?? []) as { host_path: string }[]) expect(mounted).toContain(v.host_path);
    }
  });

  test("compose starts them only after the task completed successfully", () => {
    expect(compose.services["prepare-host-directories"].restart).toBe("no");
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.user !== config.server.user) continue;
      expect([name, service.depends_on?.["prepare-host-directories"]]).toEqual([name, { condition: "service_completed_successfully" }]);
    }
  });
});

const needs = !hasTool("busybox", ["true"]) ? "busybox is not installed (apt-get install busybox)" : process.getuid?.() !== 0 ? "needs root (chown)" : undefined;
describeWhen(needs, "the task's script (busybox sh, as root like the container)", () => {
  const run = (dir: string) => execFileSync("busybox", ["sh", "-c", HostDirectories.script("1000:1000"), "prepare", dir]);

  test("takes only what Docker just created: root-owned and without files", () => {
    const host = tmp();
    const fresh = join(host, "fresh");
    mkdirSync(join(fresh, "nested"), { recursive: true });
    const withData = join(host, "library");
    mkdirSync(withData);
    writeFileSync(join(withData, "book.epub"), "bytes");
    const someoneElses = join(host, "other");
    mkdirSync(someoneElses);
    chownSync(someoneElses, 1234, 1234);
    run(host);
    const owner = (p: string) => `${statSync(p).uid}:${statSync(p).gid}`;
    expect(owner(fresh)).toBe("1000:1000");
    expect(owner(join(fresh, "nested"))).toBe("1000:1000");
    expect(owner(withData)).toBe("0:0");
    expect(owner(join(withData, "book.epub"))).toBe("0:0");
    expect(owner(someoneElses)).toBe("1234:1234");
    // Running again changes nothing.
    run(host);
    expect(owner(withData)).toBe("0:0");
  });
});
