import type { StackConfig } from "../../config/resolve";
import { checkAudiobookshelf } from "./audiobookshelf";
import type { Check } from "./check";
import { checkDisks } from "./disk";
import { checkContainers } from "./docker";
import { checkJobs } from "./jobs";
import { checkSyncthing } from "./syncthing";
import { checkCertificate } from "./tls";

export interface DoctorOptions {
  readonly config: StackConfig;
  /** Docker host: unix:///path is spoken to; others are reported not checked. @default server.dockerHost */
  readonly dockerHost?: string;
  /** The rendered docker-compose.yml, for the list of containers. */
  readonly composeFile?: string;
  /** The rendered crontab. */
  readonly crontab: string;
  readonly statusDir: string;
  /** Where Audiobookshelf answers: its tailnet URL from the laptop, http://127.0.0.1:80 beside it. */
  readonly absUrl: string;
  readonly absKeysDir?: string;
  readonly syncthingUrl: string;
  readonly syncthingApiKey?: string;
  /** @default 48 */
  readonly readerSeenWithinHours?: number;
  /** @default 1 GiB */
  readonly minFreeBytes?: number;
  /** Host and port of the tailnet HTTPS name. @default serverFqdn:443 */
  readonly httpsHost?: string;
  readonly httpsPort?: number;
  readonly now?: Date;
}

/** Every check, in a fixed order (containers, Audiobookshelf, Syncthing, jobs, disks, HTTPS). */
export async function runDoctor(options: DoctorOptions): Promise<Check[]> {
  const { config } = options;
  const now = options.now ?? new Date();
  const [containers, abs, syncthing, certificate] = await Promise.all([
    checkContainers({ dockerHost: options.dockerHost ?? config.server.dockerHost, composeFile: options.composeFile }),
    checkAudiobookshelf(config, options.absUrl, options.absKeysDir),
    checkSyncthing(config, { url: options.syncthingUrl, apiKey: options.syncthingApiKey, seenWithinHours: options.readerSeenWithinHours ?? 48, now }),
    checkCertificate(options.httpsHost ?? config.serverFqdn, options.httpsPort ?? 443),
  ]);
  return [
    ...containers,
    ...abs,
    ...syncthing,
    ...checkJobs({ crontab: options.crontab, statusDir: options.statusDir, now }),
    ...checkDisks(config, options.minFreeBytes ?? 1024 ** 3),
    certificate,
  ];
}
