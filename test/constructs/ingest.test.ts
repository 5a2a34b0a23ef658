import { Ingest } from "../../constructs/ingest";
import { INGEST_IMAGE } from "../../constructs/ingest/image";
import { useImageOverrides } from "../../constructs/images";
import { bareStack, envOf, network, renderedFiles, synthesize, terraformContainer } from "./helpers";

const props = {
  ingestDir: "/drop",
  failedDir: "/drop-failed",
  ebooksDir: "/books",
  audiobooksDir: "/audio",
  user: "1001:1002",
  timezone: "UTC",
  pollSeconds: 1200,
  stableSeconds: 5,
  fetchMetadata: false,
  absUrl: "http://127.0.0.1:80",
  absApiKey: { client: "ingest" as const, keyName: "shelfstack ingest", hostDir: "/keys/ingest" },
};

describe("Ingest, built alone from plain props", () => {
  const stack = bareStack();
  new Ingest(stack, "Ingest", { ...props, network: network(stack) });
  const json = synthesize(stack);
  const container = terraformContainer(json, "ingest");

  test("each host folder at its fixed place inside, and its own key directory read-only", () => {
    expect(container.volumes).toEqual([
      { host_path: "/drop", container_path: "/ingest", read_only: false },
      { host_path: "/drop-failed", container_path: "/ingest-failed", read_only: false },
      { host_path: "/books", container_path: "/ebooks", read_only: false },
      { host_path: "/audio", container_path: "/audiobooks", read_only: false },
      { host_path: "/keys/ingest", container_path: "/run/shelfstack/abs-key", read_only: true },
    ]);
    expect(envOf(container)).toEqual({ TZ: "UTC", ABS_API_KEY_FILE: "/run/shelfstack/abs-key/api-key" });
    expect(container.user).toBe("1001:1002");
  });

  test("no --fetch-metadata unless asked; the heartbeat may be three polls old (20 minutes at 1200 s)", () => {
    expect(container.command).not.toContain("--fetch-metadata");
    expect(container.command).toEqual(expect.arrayContaining(["--poll", "1200", "--stable", "5"]));
    expect(container.healthcheck).toMatchObject({
      test: ["CMD-SHELL", "find /tmp/shelfstack-ingest.alive -mmin -60 | grep -q ."],
      interval: "1m0s",
      start_period: "1m0s",
    });
  });

  test("its image is built from the context it writes, unless stack.yaml's images: names one", () => {
    expect(Object.values(json.resource.docker_image).find((i) => i.name === INGEST_IMAGE)).toHaveProperty("build");
    expect([...renderedFiles(stack).keys()]).toContain("images/ingest/Dockerfile");

    const other = bareStack();
    useImageOverrides(other, { ingest: "mirror.example/ingest:9" });
    new Ingest(other, "Ingest", { ...props, network: network(other) });
    const image = Object.values(synthesize(other).resource.docker_image).find((i) => i.name === "mirror.example/ingest:9");
    expect(image).toBeDefined();
    expect(image).not.toHaveProperty("build");
    expect(renderedFiles(other).size).toBe(0);
  });
});
