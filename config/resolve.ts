import type { Device, StackInput } from "./schema";
import type { StackSource } from "./load";

/** A device with every default filled in. */
export interface ResolvedDevice extends Device {
  readonly owner: string;
  readonly tailnetName: string;
}

export interface ServerPaths {
  readonly ebooks: string;
  readonly audiobooks: string;
  readonly ingest: string;
  readonly failed: string;
  readonly statistics: string;
  readonly snapshots: string;
  readonly appdata: string;
}

/** The typed, defaulted model every construct and runtime reads: StackInput plus derived values. */
export interface StackConfig extends Omit<StackInput, "devices" | "server"> {
  readonly server: StackInput["server"] & { readonly paths: ServerPaths };
  readonly devices: readonly ResolvedDevice[];
  /** https://<hostname>.<tailnet> — where Audiobookshelf answers over Tailscale. */
  readonly serverUrl: string;
  /** <hostname>.<tailnet>: the server's MagicDNS name. */
  readonly serverFqdn: string;
  /** The file it was loaded from (set by config/load.ts; absent for configs built in code). */
  readonly source?: StackSource;
}

/** Fills defaults that depend on other fields (paths below dataDir, a device's owner). */
export function resolve(input: StackInput): StackConfig {
  const { dataDir } = input.server;
  const p = input.server.paths;
  const paths: ServerPaths = {
    ebooks: p.ebooks ?? `${dataDir}/library/ebooks`,
    audiobooks: p.audiobooks ?? `${dataDir}/library/audiobooks`,
    ingest: p.ingest ?? `${dataDir}/ingest`,
    failed: p.failed ?? `${dataDir}/ingest-failed`,
    statistics: p.statistics ?? `${dataDir}/statistics`,
    snapshots: p.snapshots ?? `${dataDir}/statistics-snapshots`,
    appdata: p.appdata ?? `${dataDir}/appdata`,
  };
  const serverFqdn = `${input.server.hostname}.${input.tailnet.name}`;
  return {
    ...input,
    server: { ...input.server, paths },
    devices: input.devices.map((d) => ({ ...d, owner: d.owner ?? input.tailnet.owner, tailnetName: d.tailnetName ?? d.name })),
    serverFqdn,
    serverUrl: `https://${serverFqdn}`,
  };
}
