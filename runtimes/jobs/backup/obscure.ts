import { execFile } from "node:child_process";

/**
 * rclone accepts only obscured passwords, from its config file and from RCLONE_CONFIG_* alike.
 * `rclone obscure -` reads the plaintext from stdin, so it never shows in a process listing.
 * rclone reads only the first line, and obscures "-" itself when stdin is empty: both refused here.
 */
export function obscure(plaintext: string, rclone = "rclone"): Promise<string> {
  if (plaintext === "" || /[\r\n]/.test(plaintext)) {
    return Promise.reject(new Error("an rclone password must be one non-empty line"));
  }
  return new Promise((resolve, reject) => {
    const child = execFile(rclone, ["obscure", "-"], { encoding: "utf8" }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") reject(new Error(`${rclone} is not installed (apt-get install rclone)`));
      else if (error) reject(new Error(`rclone obscure failed: ${stderr.trim() || error.message}`));
      else resolve(stdout.trim());
    });
    child.stdin!.on("error", () => undefined); // rclone gone before reading: reported by the callback
    child.stdin!.end(plaintext);
  });
}
