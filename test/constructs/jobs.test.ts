import { readFileSync } from "node:fs";
import { parseStack } from "../../config/load";
import { Jobs, JOBS_CONFIG_DIR } from "../../constructs/jobs";
import { jobsProps } from "../../constructs/jobs/props";
import type { JobsProps } from "../../constructs/jobs";
import { EXAMPLE } from "../helpers/cli";
import { bareStack, envOf, network, renderedFiles, synthesize, terraformContainer } from "./helpers";

const base: Omit<JobsProps, "network"> = {
  timezone: "America/New_York",
  user: "1001:1002",
  stackCopy: "# a copy\nserver: {}\n",
  jobs: [{ name: "snapshot", schedule: "0 3 * * *", summary: "takes a snapshot" }],
};
const backup = {
  koofr: { user: "bob@example.com", endpoint: "https://app.koofr.net", password: { env: "K_PW" } },
  remotePath: "enc",
  crypt: { password: { env: "C_PW" }, salt: { env: "C_SALT" } },
};

function build(props: Partial<JobsProps> = {}) {
  const stack = bareStack();
  const jobs = new Jobs(stack, "Jobs", { ...base, ...props, network: network(stack) });
  const json = synthesize(stack);
  return { jobs, json, files: renderedFiles(stack), container: terraformContainer(json, "jobs") };
}

describe("Jobs, built alone from plain props", () => {
  test("without a backup: the crontab and the stack.yaml copy, no rclone.conf, no rclone setting", () => {
    const { jobs, files, container } = build({ notes: ["shelfbridge runs itself"] });
    expect(jobs.rclone).toBeUndefined();
    expect([...files.keys()].filter((p) => !p.startsWith("images/"))).toEqual(["cron/crontab", "jobs/stack.yaml"]);
    expect(files.get("jobs/stack.yaml")).toBe(base.stackCopy);
    expect(files.get("cron/crontab")).toContain("CRON_TZ=America/New_York\n");
    expect(files.get("cron/crontab")).toContain("0 3 * * * shelfstack snapshot\n");
    expect(files.get("cron/crontab")).toContain("\n# shelfbridge runs itself\n");
    expect(envOf(container)).toEqual({
      TZ: "America/New_York",
      SHELFSTACK_CONFIG: `${JOBS_CONFIG_DIR}/stack.yaml`,
      SHELFSTACK_CRONTAB: `${JOBS_CONFIG_DIR}/crontab`,
    });
    expect((container.upload as { file: string; content: string }[]).map((u) => u.file)).toEqual(["/etc/shelfstack/stack.yaml", "/etc/shelfstack/crontab"]);
    expect(container.user).toBe("1001:1002");
    expect(container.volumes).toBeUndefined();
  });

  test("with a backup: rclone.conf uploaded and named in RCLONE_CONFIG, its three secrets beside the others, each once", () => {
    const { jobs, files, container, json } = build({ backup, secrets: [{ env: "EXTRA" }, { env: "K_PW" }, { env: "DATABASE_URL", optional: true }] });
    expect(jobs.rclone?.file.path).toBe("rclone/rclone.conf");
    expect(files.get("rclone/rclone.conf")).toContain("user = bob@example.com\n");
    const env = envOf(container);
    expect(env.RCLONE_CONFIG).toBe("/etc/shelfstack/rclone.conf");
    for (const name of ["K_PW", "C_PW", "C_SALT", "EXTRA", "DATABASE_URL"]) expect(env[name]).toBe(`\${var.${name}}`);
    expect(Object.keys(json.variable ?? {}).sort()).toEqual(["C_PW", "C_SALT", "DATABASE_URL", "EXTRA", "K_PW"]);
    expect(json.variable?.DATABASE_URL).toHaveProperty("default", "");
    expect((container.upload as { file: string }[]).map((u) => u.file)).toContain("/etc/shelfstack/rclone.conf");
  });

  test("volumes and settings exactly as given, in the network's namespace; compose mounts the same files", () => {
    const volumes = [{ hostPath: "/lib", containerPath: "/lib", readOnly: true }];
    const { jobs, container } = build({ volumes, environment: { ABS_API_KEY_FILE: "/keys/etl/api-key" } });
    expect(container.volumes).toEqual([{ host_path: "/lib", container_path: "/lib", read_only: true }]);
    expect(envOf(container).ABS_API_KEY_FILE).toBe("/keys/etl/api-key");
    expect(container.network_mode).toMatch(/^container:/);
    const service = jobs.container.toComposeService() as { volumes: string[]; network_mode: string };
    expect(service.volumes).toEqual(["/lib:/lib:ro", "./jobs/stack.yaml:/etc/shelfstack/stack.yaml:ro", "./cron/crontab:/etc/shelfstack/crontab:ro"]);
    expect(service.network_mode).toBe("service:net");
  });

  test("refuses a job the crontab could not run, before anything is written", () => {
    expect(() => build({ jobs: [{ name: "snapshot", schedule: "0 3 * * *", summary: "s", args: ["two words"] }] })).toThrow(/argument "two words" must be one word/);
  });
});

describe("jobsProps: what the jobs need, from stack.yaml", () => {
  const text = readFileSync(EXAMPLE, "utf8");
  const names = (props: ReturnType<typeof jobsProps>) => (props.secrets ?? []).map((s) => s.env);

  test("the ETL's, doctor's and bootstrap's secrets; the key directory writable at its own path; the ETL's key file", () => {
    const props = jobsProps(parseStack(text, "stack.yaml"));
    expect(names(props)).toEqual(["DATABASE_URL", "HARDCOVER_TOKEN", "SYNCTHING_API_KEY", "ABS_ROOT_PASSWORD"]);
    expect(props.secrets?.[0]).toMatchObject({ optional: true });
    expect(props.volumes?.at(-1)).toEqual({ hostPath: "/srv/shelfstack/appdata/abs-keys", containerPath: "/srv/shelfstack/appdata/abs-keys", readOnly: false });
    expect(props.environment).toEqual({ ABS_API_KEY_FILE: "/srv/shelfstack/appdata/abs-keys/etl/api-key" });
    expect(props.backup?.remotePath).toBeDefined();
  });

  test("without Syncthing or the ETL, neither's secret; without a backup section, no backup", () => {
    const props = jobsProps(
      parseStack(`${text.replace(/\nbackup:\n  koofr:\n    user: alice@example.com\n/, "\n")}\nsyncthing:\n  enabled: false\netl:\n  enabled: false\n`, "stack.yaml"),
    );
    expect(names(props)).toEqual(["ABS_ROOT_PASSWORD"]);
    expect(props.environment).toEqual({});
    expect(props.backup).toBeUndefined();
  });
});
