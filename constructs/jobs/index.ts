import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import { Container, type VolumeMount } from "../container";
import { Crontab, type CronJob } from "../cron";
import { RcloneConfig, type RcloneConfigProps } from "../rclone";
import { RenderedFile } from "../rendered-file";
import type { OptionalSecret } from "../secrets";
import { JOBS_IMAGE } from "./image";
import { projectImage } from "../images";

export interface JobsProps {
  /** The Tailscale sidecar: jobs reach Audiobookshelf on 127.0.0.1 and nothing listens. */
  readonly network: Container;
  /** The time zone the crontab's schedules are read in, and the container's TZ (IANA name). */
  readonly timezone: string;
  /** uid:gid the jobs run as (server.user), so what they write stays the server user's. */
  readonly user: string;
  /** The stack.yaml the container reads (renderStackCopy): its paths hold inside, as every host directory is mounted at the same path. */
  readonly stackCopy: string;
  /** The crontab's lines (the job catalogue's, config/jobs.ts). */
  readonly jobs: readonly CronJob[];
  /** Comment lines for schedules other containers run themselves. @default - none */
  readonly notes?: readonly string[];
  /** The backup's rclone remotes: with them, rclone.conf and the backup's secrets. @default - none: no rclone.conf */
  readonly backup?: RcloneConfigProps;
  /** Secrets the jobs read from the environment, beyond the backup's. @default - none */
  readonly secrets?: readonly (SecretRef | OptionalSecret)[];
  /** Host directories the jobs need, each mounted as given. @default - none */
  readonly volumes?: readonly VolumeMount[];
  /** Plain settings the jobs need, beside TZ and where the rendered files are. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Where the rendered config lands inside the container (its working directory). */
export const JOBS_CONFIG_DIR = "/etc/shelfstack";

/**
 * The jobs runtime: one container that runs the crontab (snapshot, backup, ETL, start-up jobs)
 * with the files it needs — the crontab, rclone.conf, and a copy of stack.yaml. Host directories
 * are mounted at the same path inside, so the paths in that stack.yaml hold in the container too.
 */
export class Jobs extends Construct {
  readonly container: Container;
  readonly crontab: Crontab;
  readonly rclone?: RcloneConfig;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    this.crontab = new Crontab(this, "Crontab", { timezone: props.timezone, jobs: props.jobs, notes: props.notes });
    if (props.backup) this.rclone = new RcloneConfig(this, "Rclone", props.backup);
    const stackCopy = new RenderedFile(this, "StackCopy", { path: "jobs/stack.yaml", content: props.stackCopy });

    const secrets = [...(this.rclone?.secrets ?? []), ...(props.secrets ?? [])];
    this.container = new Container(this, "Container", {
      name: "jobs",
      ...projectImage(this, "jobs", JOBS_IMAGE),
      user: props.user,
      environment: {
        TZ: props.timezone,
        SHELFSTACK_CONFIG: `${JOBS_CONFIG_DIR}/stack.yaml`,
        SHELFSTACK_CRONTAB: `${JOBS_CONFIG_DIR}/crontab`,
        ...(this.rclone ? { RCLONE_CONFIG: `${JOBS_CONFIG_DIR}/rclone.conf` } : {}),
        ...props.environment,
      },
      secrets: Object.fromEntries(secrets.map((ref) => [ref.env, ref])),
      volumes: props.volumes,
      configFiles: [
        { containerPath: `${JOBS_CONFIG_DIR}/stack.yaml`, file: stackCopy },
        { containerPath: `${JOBS_CONFIG_DIR}/crontab`, file: this.crontab.file },
        ...(this.rclone ? [{ containerPath: `${JOBS_CONFIG_DIR}/rclone.conf`, file: this.rclone.file }] : []),
      ],
      networkOf: props.network,
    });
  }
}
