import { parse } from "yaml";
import { Shelfbridge } from "../../constructs/shelfbridge";
import { ABS_KEY_ENTRYPOINT_PATH } from "../../constructs/setup/abs-key";
import { bareStack, envOf, network, renderedFiles, synthesize, terraformContainer } from "./helpers";

describe("Shelfbridge, built alone from plain props", () => {
  const stack = bareStack();
  new Shelfbridge(stack, "Sb", {
    userId: "alice",
    absUrl: "http://127.0.0.1:80",
    absApiKey: { client: "shelfbridge", keyName: "shelfstack shelfbridge", hostDir: "/keys/shelfbridge" },
    hardcoverToken: { env: "HC_TOKEN" },
    schedule: "15 4 * * *",
    timezone: "UTC",
    minProgressThreshold: 7,
    autoAddBooks: true,
    dryRun: true,
    appdataDir: "/data/app",
    network: network(stack),
  });
  const json = synthesize(stack);
  const container = terraformContainer(json, "shelfbridge");
  const configYaml = renderedFiles(stack).get("shelfbridge/config.yaml")!;

  test("config.yaml holds exactly the global settings from the props, and no user or token", () => {
    expect(parse(configYaml)).toEqual({
      global: { sync_schedule: "15 4 * * *", timezone: "UTC", min_progress_threshold: 7, auto_add_books: true, dry_run: true, prevent_progress_regression: true },
    });
  });

  test("the user from the environment, the Hardcover token from a sensitive variable, the Audiobookshelf key from its file", () => {
    expect(envOf(container)).toEqual({
      SHELFBRIDGE_USER_0_ID: "alice",
      SHELFBRIDGE_USER_0_ABS_URL: "http://127.0.0.1:80",
      SHELFBRIDGE_USER_0_HARDCOVER_TOKEN: "${var.HC_TOKEN}",
      TZ: "UTC",
      ABS_API_KEY_FILE: "/run/shelfstack/abs-key/api-key",
    });
    expect(Object.keys(json.variable ?? {})).toEqual(["HC_TOKEN"]);
  });

  test("its state below appdata, its key read-only; config and entrypoint uploaded; the image's own start wrapped", () => {
    expect(container.volumes).toEqual([
      { host_path: "/data/app/shelfbridge/data", container_path: "/app/data", read_only: false },
      { host_path: "/keys/shelfbridge", container_path: "/run/shelfstack/abs-key", read_only: true },
    ]);
    expect((container.upload as { file: string }[]).map((u) => u.file)).toEqual(["/app/config/config.yaml", ABS_KEY_ENTRYPOINT_PATH]);
    expect(container.entrypoint).toEqual(["/bin/sh", ABS_KEY_ENTRYPOINT_PATH]);
    expect(container.command).toEqual(["/usr/local/bin/docker-entrypoint.sh", "npm", "start"]);
    // It drops to PUID:PGID itself after reading the key: no user is set on the container.
    expect(container.user).toBeUndefined();
  });
});
