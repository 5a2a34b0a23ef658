import { rm, stat } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { fail, type Context } from "./context";
import { containedIn, copyTreeVerified, listFiles } from "./files";
import { isAudio } from "./formats";
import { placementFor } from "./placement";
import type { Unit } from "./scan";
import { readAudiobookTags } from "./tags";

/**
 * Places one audiobook (a file, or a folder of parts with its cover) as `Author/[Series/]Title/`
 * in the audiobook library, from its tags. The folder appears there whole (copied, verified,
 * renamed into place) before the source is removed; if the same files are already there (a
 * rerun after an interruption, or the same book dropped twice) only the source is removed.
 */
export async function ingestAudiobook(ctx: Context, unit: Unit): Promise<void> {
  const rels = unit.isDir ? await listFiles(unit.path, false) : [basename(unit.path)];
  const root = unit.isDir ? unit.path : dirname(unit.path);
  const parts = rels.filter(isAudio).sort(naturalCompare);
  let tags;
  try {
    tags = await readAudiobookTags(join(root, parts[0]));
  } catch (error) {
    return fail(ctx, unit.path, unit.name, `not a readable audio file (${parts[0]}): ${(error as Error).message}`);
  }
  const fallback = unit.isDir ? basename(unit.path) : basename(unit.path, extname(unit.path));
  const folder = placementFor(tags, fallback);
  const dest = join(ctx.audiobooksDir, folder);

  if (await exists(dest)) {
    const there = unit.isDir ? dest : join(dest, basename(unit.path));
    if (await containedIn(unit.path, there)) {
      await rm(unit.path, { recursive: true, force: true });
      ctx.report.add("duplicate", unit.name, `already in the audiobook library at ${folder}/ (identical files); removed from the ingest folder`);
      return;
    }
    return fail(
      ctx,
      unit.path,
      unit.name,
      `another audiobook is already at ${folder}/ in the audiobook library (not merged) — fix the album/artist tags, or remove the old one first`,
      "duplicate",
    );
  }

  ctx.log(`placing audiobook ${unit.name} (${parts.length} audio file${parts.length === 1 ? "" : "s"}) at ${folder}/`);
  await copyTreeVerified(
    rels.map((rel) => ({ src: join(root, rel), rel })),
    dest,
  );
  await rm(unit.path, { recursive: true, force: true });
  ctx.report.add("ingested", unit.name, `audiobook → ${folder}/`);
  ctx.changed.add("audiobooks");
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** "Part 2" before "Part 10". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
}
