import { Construct } from "constructs";
import { ABS_KEY_MOUNT, ABS_KEY_PATH, type AbsKeyHandoff } from "../../config/abs-keys";
import type { ContainerProps, VolumeMount } from "../container";
import { RenderedFile } from "../rendered-file";
import { renderAbsKeyEntrypoint, type ShellPart } from "./abs-key-entrypoint";

/**
 * The hand-off of an Audiobookshelf API key to one client container (config/abs-keys.ts): its own
 * key directory, mounted read-only, and ABS_API_KEY_FILE naming the file in it. Clients built in
 * this repo (ingest, etl) read that file themselves; third-party images get an entrypoint that
 * does (AbsKeyEntrypoint).
 */
export function absKeyFile(handoff: AbsKeyHandoff): { volume: VolumeMount; environment: Record<string, string> } {
  return {
    volume: { hostPath: handoff.hostDir, containerPath: ABS_KEY_MOUNT, readOnly: true },
    environment: { ABS_API_KEY_FILE: ABS_KEY_PATH },
  };
}

export interface AbsKeyEntrypointProps {
  /** Whose key, and the host directory it arrives in (config/abs-keys.ts). */
  readonly handoff: AbsKeyHandoff;
  /** The rendered script's path below the output directory, e.g. abs-opds/entrypoint.sh. */
  readonly path: string;
  /** Environment variables the image reads the key from, built from ABS_API_KEY and other variables. */
  readonly exports: Readonly<Record<string, readonly ShellPart[]>>;
  /** The image's own entrypoint + command, run once the key is in the environment. */
  readonly command: readonly string[];
}

/** Where the entrypoint script sits in the container. */
export const ABS_KEY_ENTRYPOINT_PATH = "/shelfstack/abs-key-entrypoint.sh";

/** Wraps a third-party image's start so it reads its Audiobookshelf API key from the key file. */
export class AbsKeyEntrypoint extends Construct {
  readonly file: RenderedFile;
  /** Spread into the container's props (merge `environment` and `volumes` with the container's own). */
  readonly containerProps: Required<Pick<ContainerProps, "entrypoint" | "command" | "configFiles" | "volumes" | "environment">>;

  constructor(scope: Construct, id: string, props: AbsKeyEntrypointProps) {
    super(scope, id);
    const service = props.handoff.client;
    this.file = new RenderedFile(this, "Script", { path: props.path, content: renderAbsKeyEntrypoint({ service, exports: props.exports }) });
    const keyFile = absKeyFile(props.handoff);
    this.containerProps = {
      // Run with sh: the uploaded/bind-mounted file needs no exec bit.
      entrypoint: ["/bin/sh", ABS_KEY_ENTRYPOINT_PATH],
      command: [...props.command],
      configFiles: [{ containerPath: ABS_KEY_ENTRYPOINT_PATH, file: this.file }],
      volumes: [keyFile.volume],
      environment: keyFile.environment,
    };
  }
}
