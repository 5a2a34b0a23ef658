import { open, readdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { containedIn, freeName, moveVerified } from "./files";

/**
 * Moves what could not be ingested to the failed folder, with `<name>.reason.txt` beside it. The
 * reason is written first, so a file never sits there unexplained; an identical copy already in
 * the failed folder (a move cut short) is reused, so a rerun never doubles it.
 */
export async function moveToFailed(failedDir: string, path: string, name: string, reason: string): Promise<string> {
  const existing = await identicalIn(failedDir, path);
  const target = existing ?? (await freeName(failedDir, basename(path)));
  await writeReason(`${target}.reason.txt`, name, reason);
  if (existing) await rm(path, { recursive: true, force: true });
  else await moveVerified(path, target);
  return target;
}

async function writeReason(file: string, name: string, reason: string): Promise<void> {
  const text = [
    `${name} was not ingested.`,
    "",
    `Why: ${reason}`,
    "",
    "What to do: fix or replace the file and drop it into the ingest folder again. Files here are",
    "never retried on their own; delete this one and its .reason.txt when you are done.",
    "",
  ].join("\n");
  const handle = await open(file, "w");
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function identicalIn(failedDir: string, path: string): Promise<string | undefined> {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [base.slice(0, dot), base.slice(dot)] : [base, ""];
  const names = await readdir(failedDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n === base || (n.startsWith(`${stem} (`) && n.endsWith(ext)))) {
    const candidate = join(failedDir, name);
    if ((await containedIn(path, candidate)) && (await containedIn(candidate, path))) return candidate;
  }
  return undefined;
}
