import type { AbsLibrary, NewLibrary } from "./abs-api";

const LEAVE_AS_IS = "shelfstack leaves an existing library as it is — change it in Audiobookshelf (Settings → Libraries) or in stack.yaml so they agree";

function samePath(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** The server's library that stands for a declared one: same name, else same folder. */
export function matchLibrary(want: NewLibrary, existing: readonly AbsLibrary[]): { found?: AbsLibrary; sameName: number } {
  const byName = existing.filter((l) => l.name === want.name);
  const folder = want.folders[0].fullPath;
  const found = byName[0] ?? existing.find((l) => l.folders.some((f) => samePath(f.fullPath, folder)));
  return { found, sameName: byName.length };
}

/** How a library on the server differs from the declared one, one sentence each (empty: it agrees). */
export function libraryDifferences(want: NewLibrary, found: AbsLibrary, sameName: number): string[] {
  const out: string[] = [];
  const label = `library "${want.name}"`;
  if (sameName > 1) out.push(`${sameName} libraries on the server are named "${want.name}"; shelfstack uses the first — ${LEAVE_AS_IS}`);
  if (found.name !== want.name) {
    out.push(`the library over ${want.folders[0].fullPath} is named "${found.name}" on the server, stack.yaml says "${want.name}" — ${LEAVE_AS_IS}`);
  }
  if (found.mediaType !== want.mediaType) {
    out.push(`${label} holds ${found.mediaType}s on the server, stack.yaml declares ${want.mediaType}s — ${LEAVE_AS_IS}`);
  }
  const have = found.folders.map((f) => f.fullPath).sort();
  const declared = want.folders.map((f) => f.fullPath);
  if (have.length !== declared.length || have.some((p, i) => !samePath(p, declared[i]))) {
    out.push(`${label} reads ${have.join(", ") || "no folder"} on the server, stack.yaml declares ${declared.join(", ")} — ${LEAVE_AS_IS}`);
  }
  const precedence = found.settings?.metadataPrecedence;
  if (precedence && precedence.join(",") !== want.settings.metadataPrecedence.join(",")) {
    out.push(
      `${label} ranks metadata sources ${precedence.join(" < ")} on the server, shelfstack declares ${want.settings.metadataPrecedence.join(" < ")} (Calibre's metadata.opf wins) — ${LEAVE_AS_IS}`,
    );
  }
  return out;
}
