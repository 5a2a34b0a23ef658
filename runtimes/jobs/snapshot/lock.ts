import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";

export class LockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * An exclusive lock file holding the owner's pid. The scheduler never starts a job twice, but a
 * person may run `shelfstack snapshot` by hand at the same moment; a lock left by a killed run
 * (its pid gone) is taken over.
 */
export function acquireLock(file: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (pid && pid !== process.pid && alive(pid)) throw new LockedError(`another snapshot is running (pid ${pid})`);
      rmSync(file, { force: true });
    }
  }
  throw new LockedError(`could not take the lock ${file}`);
}
