import { Testing, TerraformStack } from "cdktf";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE, tmp } from "../helpers/cli";
import { describeWithTool } from "../helpers/tools";
import { TERRAFORM_INSTALL, terraform, withBuiltinResources } from "../helpers/terraform";
import { parseStack } from "../../config/load";
import { Container } from "../../constructs/container";
import { ReadingStack } from "../../stacks/reading-stack";

type Block = Record<string, unknown>;
interface Json {
  resource: Record<string, Record<string, Block>>;
}

describe("a one-shot task gates the apply", () => {
  const json = JSON.parse(Testing.synth(new ReadingStack(Testing.app(), "shelfstack", parseStack(readFileSync(EXAMPLE, "utf8"))))) as Json;
  const tasks = Object.entries(json.resource.docker_container).filter(([, c]) => c.restart === "no");

  test("every one-shot container is waited for and must exit 0", () => {
    expect(tasks.length).toBeGreaterThanOrEqual(1);
    for (const [, task] of tasks) {
      expect(task).toMatchObject({ attach: true, must_run: false });
      const conditions = (task.lifecycle as { postcondition: { condition: string; error_message: string }[] }).postcondition;
      expect(conditions).toEqual([{ condition: "${self.exit_code == 0}", error_message: expect.stringContaining(task.name as string) }]);
    }
  });

  test("services that start after a task depend on it", () => {
    const [taskId] = tasks[0];
    const after = Object.values(json.resource.docker_container).filter((c) => (c.depends_on as string[] | undefined)?.includes(`docker_container.${taskId}`));
    expect(after.length).toBeGreaterThanOrEqual(4);
  });
});

/** A task and a service that starts after it, applied by real Terraform with terraform_data standing in for Docker. */
function applyWithTaskExitCode(exitCode: number) {
  const app = Testing.app();
  const stack = new TerraformStack(app, "gate");
  const task = new Container(stack, "Task", { name: "task", image: "busybox:1.36.1", command: ["false"], runOnce: true });
  const service = new Container(stack, "Service", { name: "service", image: "busybox:1.36.1" });
  service.startAfter(task);
  const standIn = withBuiltinResources(JSON.parse(Testing.synth(stack))) as Json;
  const [taskKey] = Object.keys(standIn.resource.terraform_data).filter((k) => k.startsWith("docker_container__Task"));
  // What the provider reads from Docker once the attached task has ended.
  (standIn.resource.terraform_data[taskKey].input as Block).exit_code = exitCode;
  const dir = tmp("shelfstack-gate-");
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(standIn, null, 2));
  const init = terraform(dir, ["init", "-backend=false", "-input=false", "-no-color"]);
  expect(init.status).toBe(0);
  const apply = terraform(dir, ["apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1"]);
  const state = terraform(dir, ["state", "list", "-no-color"]);
  return { apply, created: state.output.split("\n").filter(Boolean) };
}

describeWithTool("terraform", TERRAFORM_INSTALL, "terraform apply stops at a failed one-shot task", () => {
  test("exit code 1: the apply fails naming the task, and the service is never created", () => {
    const { apply, created } = applyWithTaskExitCode(1);
    expect(apply.status).not.toBe(0);
    expect(apply.output).toMatch(/Resource postcondition failed/);
    expect(apply.output).toMatch(/task exited with code 1/);
    expect(created.some((a) => a.includes("docker_container__Service"))).toBe(false);
  });

  test("exit code 0: the service is created after the task", () => {
    const { apply, created } = applyWithTaskExitCode(0);
    expect(apply.output).toMatch(/Apply complete!/);
    expect(apply.status).toBe(0);
    expect(created.some((a) => a.includes("docker_container__Service"))).toBe(true);
  });
});
