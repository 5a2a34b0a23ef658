import { Audiobookshelf } from "../../constructs/audiobookshelf";
import { useImageOverrides } from "../../constructs/images";
import { bareStack, envOf, network, synthesize, terraformContainer } from "./helpers";

const props = {
  version: "2.36.0",
  timezone: "Europe/Berlin",
  appdataDir: "/data/app",
  ebooksDir: "/data/books",
  audiobooksDir: "/data/audio",
  user: "1001:1002",
};

describe("Audiobookshelf, built alone from plain props", () => {
  const stack = bareStack();
  const abs = new Audiobookshelf(stack, "Abs", { ...props, network: network(stack) });
  const json = synthesize(stack);
  const container = terraformContainer(json, "audiobookshelf");

  test("runs the pinned version as the given user, in the network's namespace, publishing nothing", () => {
    expect(Object.values(json.resource.docker_image).map((i) => i.name)).toContain("ghcr.io/advplyr/audiobookshelf:2.36.0");
    expect(container.user).toBe("1001:1002");
    expect(container.network_mode).toMatch(/^container:\$\{docker_container\.Net_\w+\.id\}$/);
    expect(container.ports).toBeUndefined();
    expect(envOf(container)).toEqual({ TZ: "Europe/Berlin" });
  });

  test("config and metadata below appdata, each library at the path the other containers use", () => {
    expect(container.volumes).toEqual([
      { host_path: "/data/app/audiobookshelf/config", container_path: "/config", read_only: false },
      { host_path: "/data/app/audiobookshelf/metadata", container_path: "/metadata", read_only: false },
      { host_path: "/data/books", container_path: "/ebooks", read_only: false },
      { host_path: "/data/audio", container_path: "/audiobooks", read_only: false },
    ]);
  });

  test("answers its own health check on the loopback address it tells others", () => {
    expect(abs.localUrl).toBe("http://127.0.0.1:80");
    expect((container.healthcheck as { test: string[] }).test).toEqual(["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:80/healthcheck || exit 1"]);
  });

  test("an images: override replaces the pin", () => {
    const other = bareStack();
    useImageOverrides(other, { audiobookshelf: "mirror.example/abs@sha256:" + "a".repeat(64) });
    new Audiobookshelf(other, "Abs", { ...props, network: network(other) });
    expect(Object.values(synthesize(other).resource.docker_image).map((i) => i.name)).toContain("mirror.example/abs@sha256:" + "a".repeat(64));
  });
});
