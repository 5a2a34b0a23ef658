// HostDirectories on its own: it may be built before or after the containers it prepares for.
import { Container } from "../../constructs/container";
import { HostDirectories } from "../../constructs/host-directories";
import { bareStack, synthesize } from "./helpers";

type TfContainer = { name: string; volumes?: { host_path: string }[]; depends_on?: string[] } & Record<string, unknown>;
type Json = { resource: { docker_container: Record<string, TfContainer> } };
const byName = (json: Json) => new Map(Object.entries(json.resource.docker_container).map(([id, c]) => [c.name, { id, ...c }]));

function build(order: "before" | "after") {
  const stack = bareStack();
  const containers = () => {
    new Container(stack, "Library", { image: "a:1", user: "1000:1000", volumes: [{ hostPath: "/srv/books", containerPath: "/books" }] });
    new Container(stack, "Shared", {
      image: "b:1",
      user: "1000:1000",
      volumes: [
        { hostPath: "/srv/books", containerPath: "/b" },
        { hostPath: "/srv/state", containerPath: "/s" },
      ],
    });
    new Container(stack, "Root", { image: "c:1", volumes: [{ hostPath: "/srv/root-only", containerPath: "/r" }] });
  };
  if (order === "after") containers();
  const dirs = new HostDirectories(stack, "HostDirectories", { owner: "1000:1000" });
  if (order === "before") containers();
  const json = synthesize(stack) as unknown as Json;
  return { stack, dirs, json, containers: byName(json) };
}

describe.each(["before", "after"] as const)("HostDirectories built %s the containers", (order) => {
  const { dirs, containers } = build(order);
  const task = containers.get("prepare-host-directories")!;

  test("mounts each directory a container running as the owner uses, once, and nothing else", () => {
    expect(task.volumes!.map((v) => v.host_path)).toEqual(["/srv/books", "/srv/state"]);
  });

  test("those containers start after it, in Terraform and in compose; the others do not wait", () => {
    for (const name of ["library", "shared"]) expect(containers.get(name)!.depends_on).toEqual([`docker_container.${task.id}`]);
    expect(containers.get("root")!.depends_on).toBeUndefined();
    const library = dirs.node
      .scope!.node.findAll()
      .filter(Container.isContainer)
      .find((c) => c.name === "library")!;
    expect(library.toComposeService().depends_on).toEqual({ "prepare-host-directories": { condition: "service_completed_successfully" } });
  });
});

test("the same Terraform whichever order the stack is built in, but for the construct paths", () => {
  const strip = (json: Json) =>
    JSON.stringify(
      Object.values(json.resource.docker_container)
        .map(({ depends_on, ...c }) => ({ ...c, waits: Boolean(depends_on) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  expect(strip(build("before").json)).toBe(strip(build("after").json));
});

test("no task when no container of the owner mounts anything", () => {
  const stack = bareStack();
  const dirs = new HostDirectories(stack, "HostDirectories", { owner: "1000:1000" });
  new Container(stack, "Root", { image: "c:1", volumes: [{ hostPath: "/srv/r", containerPath: "/r" }] });
  synthesize(stack);
  expect(dirs.task).toBeUndefined();
});
