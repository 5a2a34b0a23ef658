// The Container construct on its own: one description, read by Terraform and by compose.
import { Construct } from "constructs";
import { Container, goDuration } from "../../constructs/container";
import { RenderedFile } from "../../constructs/rendered-file";
import { bareStack as stack, synthesize as synth, terraformContainer as containerJson, type Synthesized } from "./helpers";

const resourceId = (json: Synthesized, name: string) => Object.entries(json.resource.docker_container).find(([, c]) => c.name === name)![0];

describe("Container: one description, two deploy paths", () => {
  test("a service: restarted unless stopped, with sorted settings and secrets from the environment", () => {
    const s = stack();
    const c = new Container(s, "App", {
      image: "example/app:1.2.3",
      environment: { TZ: "Europe/Berlin", A_FIRST: "1" },
      secrets: { TOKEN: { env: "APP_TOKEN" }, JOINED: ["user:", { env: "APP_PASSWORD" }] },
      user: "1000:1000",
    });
    const json = synth(s);
    const tf = containerJson(json, "app");
    expect(c.name).toBe("app"); // the construct id, lower-cased, by default
    expect(tf.restart).toBe("unless-stopped");
    expect(tf.env).toEqual(["A_FIRST=1", "JOINED=user:${var.APP_PASSWORD}", "TOKEN=${var.APP_TOKEN}", "TZ=Europe/Berlin"]);
    expect(json.variable?.APP_TOKEN?.sensitive).toBe(true);
    expect(Object.values(json.resource.docker_image)[0]).toMatchObject({ name: "example/app:1.2.3", keep_locally: true });

    const service = c.toComposeService();
    expect(service).toMatchObject({ image: "example/app:1.2.3", container_name: "app", restart: "unless-stopped", user: "1000:1000" });
    expect(service.environment).toEqual({
      A_FIRST: "1",
      JOINED: "user:${APP_PASSWORD:?set APP_PASSWORD in the environment (see README, Deploying)}",
      TOKEN: "${APP_TOKEN:?set APP_TOKEN in the environment (see README, Deploying)}",
      TZ: "Europe/Berlin",
    });
  });

  test("a key that is both a setting and a secret is refused", () => {
    expect(() => new Container(stack(), "App", { image: "x:1", environment: { TOKEN: "plain" }, secrets: { TOKEN: { env: "T" } } })).toThrow(
      "app: TOKEN is both a setting and a secret",
    );
  });

  test("each attribute in the form the docker provider reads it back", () => {
    const s = stack();
    const net = new Container(s, "Net", { image: "net:1", capAdd: ["NET_ADMIN"], devices: ["/dev/net/tun"] });
    new Container(s, "App", {
      image: "app:1",
      networkOf: net,
      volumes: [
        { hostPath: "/srv/data", containerPath: "/data" },
        { hostPath: "/srv/ro", containerPath: "/ro", readOnly: true },
      ],
      healthCheck: { test: ["CMD", "true"], intervalSeconds: 60, startPeriodSeconds: 90 },
    });
    const json = synth(s);
    const app = containerJson(json, "app");
    expect(app.network_mode).toBe(`container:\${docker_container.${resourceId(json, "net")}.id}`);
    expect(app.volumes).toEqual([
      { host_path: "/srv/data", container_path: "/data", read_only: false },
      { host_path: "/srv/ro", container_path: "/ro", read_only: true },
    ]);
    expect(app.healthcheck).toEqual({ test: ["CMD", "true"], interval: "1m0s", timeout: "5s", retries: 3, start_period: "1m30s", start_interval: "0s" });
    expect(containerJson(json, "net").devices).toEqual([{ host_path: "/dev/net/tun", container_path: "/dev/net/tun", permissions: "rwm" }]);
    expect(containerJson(json, "net").capabilities).toEqual({ add: ["NET_ADMIN"] });
  });

  test("compose: the sidecar's namespace by service name, ro volumes, health check in seconds", () => {
    const s = stack();
    const net = new Container(s, "Net", { image: "net:1" });
    const app = new Container(s, "App", {
      image: "app:1",
      networkOf: net,
      volumes: [{ hostPath: "/srv/ro", containerPath: "/ro", readOnly: true }],
      healthCheck: { test: ["CMD", "true"] },
    });
    expect(app.toComposeService()).toMatchObject({
      network_mode: "service:net",
      depends_on: { net: { condition: "service_started" } },
      volumes: ["/srv/ro:/ro:ro"],
      healthcheck: { test: ["CMD", "true"], interval: "30s", timeout: "5s", retries: 3, start_period: "30s" },
    });
  });

  test("a one-shot task: Terraform waits for it and fails the apply on a non-zero exit; dependants start after it", () => {
    const s = stack();
    const task = new Container(s, "Prepare", { image: "busybox:1", command: ["true"], runOnce: true });
    const app = new Container(s, "App", { image: "app:1" });
    app.startAfter(task);
    const json = synth(s);
    const tf = containerJson(json, "prepare");
    expect(tf).toMatchObject({ restart: "no", must_run: false, attach: true, network_mode: "none" });
    expect((tf.lifecycle as { postcondition: { condition: string }[] }).postcondition[0].condition).toBe("${self.exit_code == 0}");
    // A bare address: Terraform refuses an interpolation in depends_on.
    expect(containerJson(json, "app").depends_on).toEqual([`docker_container.${resourceId(json, "prepare")}`]);
    expect(app.toComposeService().depends_on).toEqual({ prepare: { condition: "service_completed_successfully" } });
    expect(task.toComposeService()).toMatchObject({ restart: "no", network_mode: "none" });
    expect(() => task.startAfter(app)).toThrow("prepare can only start after a one-shot task, and app is a service");
  });

  test("literal text stays literal: $ in compose, ${ and %{ in an uploaded file", () => {
    const s = stack();
    const file = new RenderedFile(s, "Conf", { path: "app/conf", content: "a ${b} %{c} $d\n" });
    const c = new Container(s, "App", { image: "app:1", command: ["sh", "-c", "echo $HOME"], configFiles: [{ containerPath: "/etc/app.conf", file }] });
    const json = synth(s);
    expect(containerJson(json, "app").upload).toEqual([{ file: "/etc/app.conf", content: "a $${b} %%{c} $d\n" }]);
    expect(c.toComposeService()).toMatchObject({ command: ["sh", "-c", "echo $$HOME"], volumes: ["./app/conf:/etc/app.conf:ro"] });
  });

  test("an uploaded file is read at synth, so one built before its content is complete uploads the final text", () => {
    const s = stack();
    const lines: string[] = [];
    const file = new RenderedFile(s, "Conf", { path: "app/conf", content: () => lines.join("\n") });
    new Container(s, "App", { image: "app:1", configFiles: [{ containerPath: "/etc/app.conf", file }] });
    lines.push("added", "after the container");
    expect(containerJson(synth(s), "app").upload).toEqual([{ file: "/etc/app.conf", content: "added\nafter the container" }]);
  });

  test("a file from the deploying machine is uploaded by path: its content is in neither the output nor the state", () => {
    const s = stack();
    const c = new Container(s, "App", { image: "app:1", localFiles: [{ containerPath: "/k/key.pem", localPath: "~/keys/key.pem" }] });
    expect(containerJson(synth(s), "app").upload).toEqual([{ file: "/k/key.pem", source: '${pathexpand("~/keys/key.pem")}' }]);
    expect(c.toComposeService().volumes).toEqual(["~/keys/key.pem:/k/key.pem:ro"]);
  });

  test("what other constructs read from a container: its user and its host directories", () => {
    const parent = new Construct(stack(), "P");
    const c = new Container(parent, "App", { image: "app:1", user: "1000:1000", volumes: [{ hostPath: "/srv/a", containerPath: "/a" }] });
    expect(c.user).toBe("1000:1000");
    expect(c.volumes.map((v) => v.hostPath)).toEqual(["/srv/a"]);
    expect(c.runOnce).toBe(false);
  });
});

describe("goDuration", () => {
  test.each([
    [0, "0s"],
    [30, "30s"],
    [60, "1m0s"],
    [90, "1m30s"],
    [3600, "1h0m0s"],
    [3725, "1h2m5s"],
  ])("%i s is %s", (seconds, text) => expect(goDuration(seconds)).toBe(text));
  test("refuses what is not whole seconds", () => {
    expect(() => goDuration(1.5)).toThrow("whole seconds");
    expect(() => goDuration(-1)).toThrow("whole seconds");
  });
});
