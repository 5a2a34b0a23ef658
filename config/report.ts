import type { StackConfig } from "./resolve";

/**
 * The reading report's folder on the server, below the jobs container's writable state: the ETL
 * job writes it there (`etl --report`), the Tailscale sidecar serves it at /report/.
 */
export function reportDir(config: StackConfig): string {
  return `${config.server.paths.appdata}/jobs/report`;
}
