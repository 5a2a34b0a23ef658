import { Aspects, type IAspect } from "cdktf";
import { Construct, type IConstruct } from "constructs";
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
 * deploy needs no `mkdir`/`chown` by hand.
 *
 * It only takes a directory that is owned by root and holds no file (what Docker just created):
 * existing data and deliberate ownership are never changed.
 *
 * It looks at its siblings at synth, as a cdktf aspect, once the whole tree is built: it may be
 * added before or after the containers it prepares for.
 */
export class HostDirectories extends Construct implements IAspect {
  /** The shell script the task runs, with the directory holding the mounts as $1 (for tests). */
  static readonly script = (owner: string): string => {
    const [uid, gid] = owner.split(":");
    // One line: cdktf's HCL output (synth --hcl) cannot hold a multi-line string in a list.
    return 'set -eu; for d in "$1"/*; do ' + `if [ "$(stat -c %u:%g "$d")" = 0:0 ] && [ -z "$(find "$d" -type f | head -n 1)" ]; then chown -R ${uid}:${gid} "$d"; fi; ` + "done";
  };

  private readonly owner: string;
  private visited = false;
  private prepared?: Container;

  constructor(scope: Construct, id: string, props: HostDirectoriesProps) {
    super(scope, id);
    this.owner = props.owner;
    Aspects.of(this).add(this);
  }

  /** The one-shot task; undefined until synth, and when no container of the owner mounts anything. */
  get task(): Container | undefined {
    return this.prepared;
  }

  /** cdktf calls this at synth (Testing.synth and app.synth alike), for this node and each below it. */
  visit(node: IConstruct): void {
    // Testing.synth and app.synth each run the aspects: the task is made once.
    if (node !== this || this.visited) return;
    this.visited = true;
    const consumers = this.node
      .scope!.node.findAll()
      .filter(Container.isContainer)
      .filter((c) => c.user === this.owner);
    const dirs = [...new Set(consumers.flatMap((c) => c.volumes.map((v) => v.hostPath)))].sort();
    if (dirs.length === 0) return;
    const task = new Container(this, "Task", {
      name: "prepare-host-directories",
      image: imageFor(this, "busybox"),
      command: ["sh", "-c", HostDirectories.script(this.owner), "prepare", "/host"],
      volumes: dirs.map((hostPath, i) => ({ hostPath, containerPath: `/host/${i}` })),
      runOnce: true,
    });
    for (const consumer of consumers) consumer.startAfter(task);
    this.prepared = task;
  }
}
