import { readFileSync } from "node:fs";
import { Construct, type IConstruct } from "constructs";

/** From Terraform's working directory (<out>/stacks/<stack>, cdktf's layout) back to the output directory. */
export const OUT_FROM_STACK_DIR = "../..";

/** Path below the output directory, e.g. shelfbridge/config.yaml; and what the file holds. */
export type RenderedFileProps =
  | {
      readonly path: string;
      /** The file's text; a function is called once, at synth time, after the whole tree is built. */
      readonly content: string | (() => string);
    }
  | {
      readonly path: string;
      /**
       * A file outside the output to put there unchanged (a built bundle): hard-linked where the
       * file system allows, else copied, and never read into a string on the way.
       */
      readonly copyOf: string;
    };

/**
 * A file the stack renders beside the Terraform JSON. Constructs own their files: rendering is a
 * pure function of the construct's props, and synth writes every RenderedFile in the tree.
 */
export class RenderedFile extends Construct {
  readonly path: string;
  /** The file it is a copy of, for a copied file (RenderedFileProps.copyOf). */
  readonly copyOf?: string;
  private source: string | (() => string);

  constructor(scope: Construct, id: string, props: RenderedFileProps) {
    super(scope, id);
    if (props.path.startsWith("/") || props.path.split("/").includes("..")) {
      throw new Error(`rendered file path "${props.path}" must stay inside the output directory`);
    }
    this.path = props.path;
    if ("copyOf" in props) {
      const copyOf = props.copyOf;
      this.copyOf = copyOf;
      this.source = () => readFileSync(copyOf, "utf8");
    } else {
      this.source = props.content;
    }
  }

  /** Rendered on first read and kept: Terraform's upload and the file on disk read it both. A copy is read only when asked. */
  get content(): string {
    if (typeof this.source === "function") this.source = this.source();
    return this.source;
  }

  static isRenderedFile(x: IConstruct): x is RenderedFile {
    return x instanceof RenderedFile;
  }

  /** Every rendered file below scope, sorted by path (duplicate paths are a bug). */
  static all(scope: IConstruct): RenderedFile[] {
    const files = scope.node.findAll().filter(RenderedFile.isRenderedFile);
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f.path)) throw new Error(`two constructs render ${f.path}`);
      seen.add(f.path);
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
