import { AbsOpds } from "../../constructs/abs-opds";
import { ABS_KEY_ENTRYPOINT_PATH } from "../../constructs/setup/abs-key";
import { bareStack, envOf, network, renderedFiles, synthesize, terraformContainer } from "./helpers";

describe("AbsOpds, built alone from plain props", () => {
  const stack = bareStack();
  const opds = new AbsOpds(stack, "Opds", {
    absUrl: "http://127.0.0.1:80",
    user: "reader",
    password: { env: "MY_OPDS_PASSWORD" },
    absApiKey: { client: "abs-opds", keyName: "shelfstack abs-opds", hostDir: "/keys/abs-opds" },
    runAs: "1001:1002",
    network: network(stack),
  });
  const json = synthesize(stack);
  const container = terraformContainer(json, "abs-opds");

  test("settings in the environment, the password from a sensitive variable, no key value anywhere", () => {
    expect(envOf(container)).toEqual({
      ABS_URL: "http://127.0.0.1:80",
      USE_PROXY: "true",
      PORT: "3010",
      OPDS_USER: "reader",
      OPDS_PASSWORD: "${var.MY_OPDS_PASSWORD}",
      ABS_API_KEY_FILE: "/run/shelfstack/abs-key/api-key",
    });
    expect(json.variable?.MY_OPDS_PASSWORD).toMatchObject({ sensitive: true });
    expect(Object.keys(json.variable ?? {})).toEqual(["MY_OPDS_PASSWORD"]);
  });

  test("starts through the key entrypoint, which builds OPDS_USERS and then runs the image's npm start", () => {
    expect(container.entrypoint).toEqual(["/bin/sh", ABS_KEY_ENTRYPOINT_PATH]);
    expect(container.command).toEqual(["npm", "start"]);
    const script = renderedFiles(stack).get("abs-opds/entrypoint.sh")!;
    expect(script).toContain("OPDS_USERS");
    expect((container.upload as { file: string }[]).map((u) => u.file)).toEqual([ABS_KEY_ENTRYPOINT_PATH]);
  });

  test("mounts only its own key directory, read-only, runs as the user that can read it, in the network's namespace", () => {
    expect(container.volumes).toEqual([{ host_path: "/keys/abs-opds", container_path: "/run/shelfstack/abs-key", read_only: true }]);
    expect(container.user).toBe("1001:1002");
    expect(container.network_mode).toMatch(/^container:/);
    expect(opds.container.name).toBe("abs-opds");
  });
});
