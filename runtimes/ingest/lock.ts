import { link, mkdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { pidAlive } from "../../config/pid";

/** Another pass holds the ingest folder: this one does nothing (it is not an error). */
export class IngestBusy extends Error {}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The holder touches the lock this often; a lock untouched for STALE_MS belongs to a killed pass. */
const BEAT_MS = 15_000;
const STALE_MS = 120_000;

/**
 * One ingest pass at a time over an ingest folder: the container's watcher and a person's
 * `shelfstack ingest --once` on the server both run passes there. A pid says nothing across
 * the container boundary (the container's pid 7 is some other process on the host), so the lock
 * also names its host, and its holder keeps its mtime fresh: a pid is checked only on its own
 * host; elsewhere a lock that stopped beating is taken over.
 */
export async function lockIngest(stateDir: string): Promise<() => Promise<void>> {
  await mkdir(stateDir, { recursive: true });
  const file = join(stateDir, "lock");
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written aside, then linked into place: a lock file is never seen half-written.
    const mine = `${file}.${process.pid}.new`;
    await writeFile(mine, text);
    try {
      await link(mine, file);
      await rm(mine, { force: true });
      const beat = setInterval(() => void utimes(file, new Date(), new Date()).catch(() => undefined), BEAT_MS);
      beat.unref();
      return async () => {
        clearInterval(beat);
        // Only our own lock goes (a pass that outlived STALE_MS may have been taken over).
        if ((await readFile(file, "utf8").catch(() => "")) === text) await rm(file, { force: true });
      };
    } catch (error) {
      await rm(mine, { force: true });
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const raw = await readFile(file, "utf8").catch(() => undefined);
    if (raw === undefined) continue; // released meanwhile
    const found = parseHolder(raw);
    if (found && (await holds(found, file))) {
      throw new IngestBusy(`another ingest pass is running (pid ${found.pid} on ${found.host}, since ${found.since}; lock file ${file})`);
    }
    await breakStale(file, raw);
  }
  throw new IngestBusy(`could not take the lock ${file} (other passes keep taking it)`);
}

function parseHolder(raw: string): Holder | undefined {
  try {
    const h = JSON.parse(raw) as Holder;
    if (Number.isInteger(h.pid) && typeof h.host === "string") return h;
  } catch {
    // Not a lock this code wrote: nobody holds it.
  }
  return undefined;
}

async function holds(h: Holder, file: string): Promise<boolean> {
  if (h.host === hostname()) return h.pid !== process.pid && pidAlive(h.pid);
  const mtime = await stat(file).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  return Date.now() - mtime < STALE_MS;
}

/**
 * Moves a stale lock aside with one rename (of two passes breaking it at once, one wins the
 * rename), then removes it — unless what was moved is not the stale lock read before (another
 * pass took the lock in between): then it is put back.
 */
async function breakStale(file: string, stale: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}`;
  try {
    await rename(file, aside);
  } catch {
    return; // gone already: try again
  }
  const moved = await readFile(aside, "utf8").catch(() => "");
  if (moved === stale) await rm(aside, { force: true });
  else await rename(aside, file).catch(() => undefined);
}
