import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { EXAMPLE } from "../helpers/cli";
import { parseStack, StackError } from "../../config/load";
import { ReadingStack } from "../../stacks/reading-stack";
import { RenderedFile } from "../../constructs/rendered-file";
import { version } from "../../package.json";

const example = readFileSync(EXAMPLE, "utf8");

function synthOf(yaml: string) {
  const stack = new ReadingStack(Testing.app(), "shelfstack", parseStack(yaml));
  const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
  const compose = parse(RenderedFile.all(stack).find((f) => f.path === "docker-compose.yml")!.content) as {
    services: Record<string, { image: string }>;
  };
  const terraformImages = Object.values(json.resource.docker_image)
    .map((i) => i.name as string)
    .sort();
  const composeImages = Object.fromEntries(Object.entries(compose.services).map(([name, s]) => [name, s.image]));
  return { terraformImages, composeImages };
}

const DEFAULTS = {
  tailscale: "tailscale/tailscale:v1.96.1",
  audiobookshelf: "ghcr.io/advplyr/audiobookshelf:2.36.0",
  "abs-opds": "ghcr.io/vito0912/abs-opds:2.0.2",
  shelfbridge: "ghcr.io/rohit-purandare/shelfbridge:1.23.13",
  syncthing: "syncthing/syncthing:1.30.0",
  "prepare-host-directories": "busybox:1.36.1",
  jobs: `localhost/shelfstack-jobs:${version}`,
  ingest: `localhost/shelfstack-ingest:${version}`,
};

const DIGEST = "sha256:" + "ab".repeat(32);
const OVERRIDES = {
  tailscale: "mirror.example.com:5000/tailscale/tailscale:v1.96.1",
  audiobookshelf: `ghcr.io/advplyr/audiobookshelf@${DIGEST}`,
  absOpds: `localhost/abs-opds:2.0.2@${DIGEST}`,
  shelfbridge: "mirror.example.com/shelfbridge:1.23.13",
  syncthing: "localhost/syncthing:1.19.2",
  busybox: "mirror.example.com/library/busybox:1.36.1",
  jobs: "registry.example.com/me/shelfstack-jobs:7.0.0",
  ingest: "registry.example.com/me/shelfstack-ingest:7.0.0",
};
const SERVICE_OF: Record<keyof typeof OVERRIDES, keyof typeof DEFAULTS> = {
  tailscale: "tailscale",
  audiobookshelf: "audiobookshelf",
  absOpds: "abs-opds",
  shelfbridge: "shelfbridge",
  syncthing: "syncthing",
  busybox: "prepare-host-directories",
  jobs: "jobs",
  ingest: "ingest",
};

const withImages = (images: Record<string, string>) =>
  `${example}\nimages:\n${Object.entries(images)
    .map(([k, v]) => `  ${k}: "${v}"`)
    .join("\n")}\n`;

describe("stack.yaml images: overrides the pinned images", () => {
  test("without it, every container keeps its pin (compose and Terraform agree)", () => {
    const { composeImages, terraformImages } = synthOf(example);
    // shelfbridge is off in the example
    const expected = Object.fromEntries(Object.entries(DEFAULTS).filter(([name]) => name in composeImages));
    expect(composeImages).toEqual(expected);
    expect(Object.keys(composeImages)).toEqual(expect.arrayContaining(["tailscale", "jobs", "ingest", "syncthing", "abs-opds"]));
    for (const image of Object.values(expected)) expect(terraformImages.join("\n")).toContain(image);
  });

  test("every key replaces its image in both renderers, and only its own", () => {
    const enabled = example.replace(/^shelfbridge:.*$/m, "") + "\nshelfbridge:\n  enabled: true\n  userId: alice\n  hardcoverToken: { env: HARDCOVER_TOKEN }\n";
    const base = synthOf(enabled).composeImages;
    for (const [key, ref] of Object.entries(OVERRIDES) as [keyof typeof OVERRIDES, string][]) {
      const { composeImages, terraformImages } = synthOf(withImages({ [key]: ref }).replace(example, enabled));
      expect(composeImages).toEqual({ ...base, [SERVICE_OF[key]]: ref });
      expect(terraformImages).toContain(ref);
      expect(terraformImages).not.toContain(DEFAULTS[SERVICE_OF[key]]);
    }
  });

  test.each([
    ["tailscale", "tailscale/tailscale", /not a pinned image reference/],
    ["tailscale", "tailscale/tailscale:latest", /latest is not a pin/],
    ["jobs", "Localhost/Jobs:1", /not a pinned image reference/],
    ["syncthing", "syncthing/syncthing:1.30.0 ", /not a pinned image reference/],
    ["busybox", "busybox@sha256:abc", /not a pinned image reference/],
  ])("images.%s: %j is refused, naming the field and its line", (key, ref, says) => {
    const yaml = withImages({ [key]: ref });
    const line = yaml.split("\n").findIndex((l) => l.startsWith(`  ${key}:`)) + 1;
    let error: unknown;
    try {
      parseStack(yaml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackError);
    const message = (error as Error).message;
    expect(message).toContain(`images.${key}`);
    expect(message).toContain(`:${line}`);
    expect(message).toMatch(says);
  });

  test("an unknown image name is refused", () => {
    expect(() => parseStack(withImages({ calibre: "calibre:6" }))).toThrow(/images\.calibre.*unknown key/s);
  });
});
