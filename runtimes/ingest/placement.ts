/** Tags that decide where an audiobook goes. */
export interface AudiobookTags {
  readonly author?: string;
  readonly title?: string;
  readonly series?: string;
  readonly seriesIndex?: string;
}

/**
 * `Author/[Series/]Title` below the audiobook library: the layout Audiobookshelf parses (the last
 * three folders are author, series, title; `Vol N - ` before the title gives the series position).
 * `fallbackTitle` (the file or folder name) stands in for a missing album/title tag.
 */
export function placementFor(tags: AudiobookTags, fallbackTitle: string): string {
  const author = folderName(tags.author, "Unknown Author");
  const title = folderName(tags.title, folderName(fallbackTitle, "Untitled"));
  const series = tags.series ? folderName(tags.series, "") : "";
  if (!series) return `${author}/${title}`;
  const index = tags.seriesIndex?.match(/^\d{1,3}(\.\d{1,2})?$/) ? `Vol ${Number(tags.seriesIndex)} - ` : "";
  return `${author}/${series}/${index}${title}`;
}

const MAX_BYTES = 150;

/** A tag as one folder name: no separators or control characters, none of `<>:"|?*`, not hidden, bounded length. */
export function folderName(value: string | undefined, fallback: string): string {
  let name = (value ?? "")
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f/\\]/g, " ")
    .replace(/[<>:"|?*]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  while (Buffer.byteLength(name) > MAX_BYTES) name = Array.from(name).slice(0, -1).join("").trimEnd();
  return name || fallback;
}
