import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { UserError } from "../../config/errors";
import { pidAlive } from "../../config/pid";

export class LockedError extends UserError {}

/**
 * An exclusive lock file holding the owner's pid, for work that two processes must never do at
 * once (the scheduler never starts a job twice, but a person may run the same command by hand).
 * A lock left by a killed run (its pid gone) is taken over; a live one is a LockedError that
 * names the other process, in the words of `holder` (e.g. "another snapshot is running").
 */
export function acquireLock(file: string, holder: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new LockedError(`${holder} (pid ${pid}; lock file ${file})`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new LockedError(`could not take the lock ${file}`);
}
