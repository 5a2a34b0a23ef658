import { Construct } from "constructs";
import type { SecretRef } from "../../config/secret";
import { RenderedFile } from "../rendered-file";
import { renderRcloneConf } from "./render";

export const RCLONE_CONF_PATH = "rclone/rclone.conf";

export interface RcloneConfigProps {
  /** The Koofr account (or a Koofr-compatible server at `endpoint`) and its app password's variable. */
  readonly koofr: { readonly user: string; readonly endpoint: string; readonly password: SecretRef };
  /** Folder on Koofr holding the encrypted backup. */
  readonly remotePath: string;
  /** The variables holding the crypt remote's password and salt (rclone's password2). */
  readonly crypt: { readonly password: SecretRef; readonly salt: SecretRef };
}

/**
 * The backup's rclone remotes: Koofr, and a crypt remote over a folder on it. Names and contents
 * are encrypted before they leave the server.
 */
export class RcloneConfig extends Construct {
  /** The Koofr remote. */
  static readonly STORAGE = "koofr";
  /** The encrypted view of it: `rclone ls backup:` lists the backup in plain names. */
  static readonly CRYPT = "backup";

  readonly file: RenderedFile;
  /** The secrets the backup job needs in its environment, by their own names. */
  readonly secrets: readonly SecretRef[];

  constructor(scope: Construct, id: string, props: RcloneConfigProps) {
    super(scope, id);
    this.secrets = [props.koofr.password, props.crypt.password, props.crypt.salt];
    this.file = new RenderedFile(this, "File", {
      path: RCLONE_CONF_PATH,
      content: renderRcloneConf({ storageRemote: RcloneConfig.STORAGE, cryptRemote: RcloneConfig.CRYPT, ...props }),
    });
  }
}
