import { ABS_KEY_FILE, absKeyHandoffs, absKeysDir } from "../../config/abs-keys";
import type { StackConfig } from "../../config/resolve";
import type { SecretRef } from "../../config/secret";
import type { VolumeMount } from "../container";

/**
 * What the jobs container needs to run `shelfstack bootstrap` at every start (its entry, @reboot,
 * is in the job catalogue, config/jobs.ts) and to hand the ETL its key: the root password, the keys
 * directory writable at the same path as on the host (so stack.yaml's paths hold inside), and
 * ABS_API_KEY_FILE naming the ETL's own key.
 */
export function bootstrapJobProps(config: StackConfig): {
  secrets: SecretRef[];
  volumes: VolumeMount[];
  environment: Record<string, string>;
} {
  const keys = absKeysDir(config);
  const etl = absKeyHandoffs(config).find((h) => h.client === "etl");
  return {
    secrets: [config.audiobookshelf.rootPassword],
    volumes: [{ hostPath: keys, containerPath: keys, readOnly: false }],
    environment: etl ? { ABS_API_KEY_FILE: `${etl.hostDir}/${ABS_KEY_FILE}` } : {},
  };
}
