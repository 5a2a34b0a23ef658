import { Construct } from "constructs";
import { Container } from "./container";
import { imageFor } from "./images";

export interface HostDirectoriesProps {
  /** uid:gid the stack's unprivileged containers run as (server.user). */
  readonly owner: string;
}

/**
 * Docker creates a missing bind-mount directory on the server owned by root, which a container
 * running as server.user then cannot write. This one-shot task mounts every directory those
 * containers use and hands each freshly created one to the owner before they start, so the first
 * deploy needs no `mkdir`/`chown` by hand. Add it after every other container.
 *
 * It only takes a directory that is owned by root and holds no file (what Docker just created):
 * existing data and deliberate ownership are never changed.
 */
export class HostDirectories extends Construct {
  /** The shell script the task runs, with the directory holding the mounts as $1 (for tests). */
  static readonly script = (owner: string): string => {
    const [uid, gid] = owner.split(":");
    // One line: cdktf's HCL output (synth --hcl) cannot hold a multi-line string in a list.
    return (
      'set -eu; for d in "$1"/*; do ' +
      `if [ "$(stat -c %u:%g "$d")" = 0:0 ] && [ -z "$(find "$d" -type f | head -n 1)" ]; then chown -R ${uid}:${gid} "$d"; fi; ` +
      "done"
    );
  };

  readonly task?: Container;

  constructor(scope: Construct, id: string, props: HostDirectoriesProps) {
    super(scope, id);
    const consumers = scope.node.findAll().filter(Container.isContainer).filter((c) => c.props.user === props.owner);
    const dirs = [...new Set(consumers.flatMap((c) => (c.props.volumes ?? []).map((v) => v.hostPath)))].sort();
    if (dirs.length === 0) return;
    const mounts = dirs.map((hostPath, i) => ({ hostPath, containerPath: `/host/${i}` }));
    this.task = new Container(this, "Task", {
      name: "prepare-host-directories",
      image: imageFor(this, "busybox"),
      command: ["sh", "-c", HostDirectories.script(props.owner), "prepare", "/host"],
      volumes: mounts,
      runOnce: true,
    });
    for (const consumer of consumers) consumer.startAfter(this.task);
  }
}
