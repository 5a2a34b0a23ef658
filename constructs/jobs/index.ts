import { Construct } from "constructs";
import type { StackConfig } from "../../config/resolve";
import type { SecretRef } from "../../config/secret";
import { syncthingFolders } from "../../config/syncthing-folders";
import { Container, type VolumeMount } from "../container";
import { Crontab, type CronJob } from "../cron";
import { RcloneConfig } from "../rclone";
import { RenderedFile } from "../rendered-file";
import type { OptionalSecret } from "../secrets";
import { JOBS_IMAGE } from "./image";
import { projectImage } from "../images";
import { reportLocation } from "./report";
import { externalSchedules, scheduledJobs } from "./schedule";
import { renderStackCopy } from "./stack-copy";

export interface JobsProps {
  /** The whole config: the container reads a copy of it, and the jobs come from it. */
  readonly config: StackConfig;
  /** The Tailscale sidecar: jobs reach Audiobookshelf on 127.0.0.1 and nothing listens. */
  readonly network: Container;
  /** Jobs added by other components beyond those scheduledJobs() derives. @default - none */
  readonly jobs?: readonly CronJob[];
  /** Secrets those jobs read from the environment. @default - none */
  readonly secrets?: readonly (SecretRef | OptionalSecret)[];
  /** Host directories those jobs need. @default - none */
  readonly volumes?: readonly VolumeMount[];
  /** Plain settings those jobs need. @default - none */
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
    const { config } = props;
    const backup = config.backup?.enabled ? config.backup : undefined;

    this.crontab = new Crontab(this, "Crontab", {
      timezone: config.server.timezone,
      jobs: [...scheduledJobs(config), ...(props.jobs ?? [])],
      notes: externalSchedules(config),
    });
    if (backup) {
      this.rclone = new RcloneConfig(this, "Rclone", { koofr: backup.koofr, remotePath: backup.remotePath, crypt: backup.crypt });
    }
    const stackCopy = new RenderedFile(this, "StackCopy", { path: "jobs/stack.yaml", content: renderStackCopy(config) });

    // `docker exec jobs shelfstack doctor` asks the server's Syncthing about its folders with this key.
    const doctorSecrets = config.syncthing.enabled ? [config.syncthing.apiKey] : [];
    const secrets = [...(this.rclone?.secrets ?? []), ...etlSecrets(config), ...doctorSecrets, ...(props.secrets ?? [])];
    this.container = new Container(this, "Container", {
      name: "jobs",
      ...projectImage(this, "jobs", JOBS_IMAGE),
      user: config.server.user,
      environment: {
        TZ: config.server.timezone,
        SHELFSTACK_CONFIG: `${JOBS_CONFIG_DIR}/stack.yaml`,
        SHELFSTACK_CRONTAB: `${JOBS_CONFIG_DIR}/crontab`,
        ...(this.rclone ? { RCLONE_CONFIG: `${JOBS_CONFIG_DIR}/rclone.conf` } : {}),
        ...props.environment,
      },
      secrets: Object.fromEntries(secrets.map((ref) => [ref.env, ref])),
      volumes: [...mounts(config), ...(props.volumes ?? [])],
      configFiles: [
        { containerPath: `${JOBS_CONFIG_DIR}/stack.yaml`, file: stackCopy },
        { containerPath: `${JOBS_CONFIG_DIR}/crontab`, file: this.crontab.file },
        ...(this.rclone ? [{ containerPath: `${JOBS_CONFIG_DIR}/rclone.conf`, file: this.rclone.file }] : []),
      ],
      networkOf: props.network,
    });
  }
}

/**
 * The ETL's: the Hardcover token when it reads Hardcover, and the database's connection string,
 * which may stay unset (the ETL then loads the embedded database under <appdata>/jobs).
 */
function etlSecrets(config: StackConfig): (SecretRef | OptionalSecret)[] {
  if (!config.etl.enabled) return [];
  return [
    { ...config.etl.database, optional: true },
    ...(config.etl.hardcover ? [config.shelfbridge.hardcoverToken] : []),
  ];
}

/** The library and the readers' statistics read-only; the snapshot repository and the jobs' state writable. */
function mounts(config: StackConfig): VolumeMount[] {
  const { paths } = config.server;
  const report = reportLocation(config);
  const same = (path: string, readOnly: boolean): VolumeMount => ({ hostPath: path, containerPath: path, readOnly });
  const statistics = syncthingFolders(config)
    .filter((f) => f.content === "koreader-settings" && !isBelow(f.server.path, paths.statistics))
    .map((f) => f.server.path);
  return [
    same(paths.ebooks, true),
    same(paths.audiobooks, true),
    ...[paths.statistics, ...statistics].map((p) => same(p, true)),
    same(paths.snapshots, false),
    same(`${paths.appdata}/jobs`, false),
    // Its own mount as well, though below the one above: the sidecar mounts it too, and a
    // directory Docker creates for that is root's until the host-directories task hands it over.
    ...(report ? [same(report.hostDir, false)] : []),
  ];
}

function isBelow(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir.replace(/\/+$/, "")}/`);
}
