import { chownSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ABS_KEY_FILE, type AbsKeyClient } from "../../../config/abs-keys";
import { BootstrapError } from "./errors";

/**
 * The key files on the server: `<dir>/<client>/api-key`, one private directory per client so
 * each container mounts only its own key. A file is replaced whole (temporary file, fsync,
 * rename), so a reader or a crash never sees half a key.
 */
export class KeyFiles {
  /**
   * @param dir the keys directory
   * @param owner uid/gid the files belong to when the bootstrap runs as root (the containers
   *   that read them run as server.user)
   */
  constructor(
    readonly dir: string,
    private readonly owner?: { uid: number; gid: number },
  ) {}

  path(client: AbsKeyClient): string {
    return join(this.dir, client, ABS_KEY_FILE);
  }

  /** The key in a client's file, or undefined when there is none (a blank file counts as none). */
  read(client: AbsKeyClient): string | undefined {
    try {
      return readFileSync(this.path(client), "utf8").trim() || undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  write(client: AbsKeyClient, key: string): void {
    try {
      this.writeFile(client, key);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EACCES" && code !== "EPERM") throw error;
      const owner = this.owner ? `-o ${this.owner.uid} -g ${this.owner.gid}` : `-o ${process.getuid?.() ?? "$(id -u)"}`;
      throw new BootstrapError(
        `cannot write ${this.path(client)} (${code}): the keys directory must belong to server.user — on the server: sudo install -d ${owner} -m 700 ${this.dir} ${join(this.dir, client)}`,
      );
    }
  }

  private writeFile(client: AbsKeyClient, key: string): void {
    const clientDir = join(this.dir, client);
    this.ensureDir(this.dir);
    this.ensureDir(clientDir);
    const target = this.path(client);
    const tmp = `${target}.tmp-${process.pid}`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      // No newline: every reader (shell $(cat), Node readFileSync) gets exactly the key.
      writeSync(fd, key);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.chown(tmp);
    renameSync(tmp, target);
    syncDir(clientDir);
  }

  remove(client: AbsKeyClient): boolean {
    const target = this.path(client);
    const existed = this.read(client) !== undefined;
    rmSync(target, { force: true });
    return existed;
  }

  private ensureDir(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.chown(dir);
  }

  private chown(path: string): void {
    if (this.owner && process.getuid?.() === 0) chownSync(path, this.owner.uid, this.owner.gid);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
