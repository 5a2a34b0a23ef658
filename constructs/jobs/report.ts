import type { StackConfig } from "../../config/resolve";
import { reportDir } from "../../config/report";

/** Where the reading report lives: written by the jobs container, served by the Tailscale sidecar. */
export interface ReportLocation {
  /** On the server, below the jobs container's writable state (mounted there at the same path). */
  readonly hostDir: string;
  /** Inside the sidecar, mounted read-only: tailscaled serves it from its own file system. */
  readonly sidecarDir: string;
  /** The serve mount point; a trailing slash, so relative links resolve below it. */
  readonly mount: string;
  /** Where a reader opens it on the tailnet. */
  readonly url: string;
}

/** The report comes with the ETL (its warehouse is what it draws): none without it. */
export function reportLocation(config: StackConfig): ReportLocation | undefined {
  if (!config.etl.enabled) return undefined;
  return {
    hostDir: reportDir(config),
    sidecarDir: "/srv/shelfstack-report",
    mount: "/report/",
    url: `${config.serverUrl}/report/`,
  };
}
