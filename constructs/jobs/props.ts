import type { StackConfig } from "../../config/resolve";
import type { SecretRef } from "../../config/secret";
import { syncthingFolders } from "../../config/syncthing-folders";
import type { VolumeMount } from "../container";
import type { OptionalSecret } from "../secrets";
import { bootstrapJobProps } from "../setup/bootstrap-job";
import type { JobsProps } from "./index";
import { reportLocation } from "./report";
import { externalSchedules, scheduledJobs } from "./schedule";
import { renderStackCopy } from "./stack-copy";

/**
 * Jobs' props from stack.yaml, everything but the network: the job catalogue's lines, the backup,
 * the stack.yaml copy, and what each job needs in the container (the ETL's and doctor's secrets,
 * the library and statistics mounts, and bootstrap's key hand-off).
 */
export function jobsProps(config: StackConfig): Omit<JobsProps, "network"> {
  const backup = config.backup?.enabled ? config.backup : undefined;
  const bootstrap = bootstrapJobProps(config);
  // `docker exec jobs shelfstack doctor` asks the server's Syncthing about its folders with this key.
  const doctorSecrets = config.syncthing.enabled ? [config.syncthing.apiKey] : [];
  return {
    timezone: config.server.timezone,
    user: config.server.user,
    stackCopy: renderStackCopy(config),
    jobs: scheduledJobs(config),
    notes: externalSchedules(config),
    backup: backup && { koofr: backup.koofr, remotePath: backup.remotePath, crypt: backup.crypt },
    secrets: [...etlSecrets(config), ...doctorSecrets, ...bootstrap.secrets],
    volumes: [...mounts(config), ...bootstrap.volumes],
    environment: bootstrap.environment,
  };
}

/**
 * The ETL's: the Hardcover token when it reads Hardcover, and the database's connection string,
 * which may stay unset (the ETL then loads the embedded database under <appdata>/jobs).
 */
function etlSecrets(config: StackConfig): (SecretRef | OptionalSecret)[] {
  if (!config.etl.enabled) return [];
  return [{ ...config.etl.database, optional: true }, ...(config.etl.hardcover ? [config.shelfbridge.hardcoverToken] : [])];
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
