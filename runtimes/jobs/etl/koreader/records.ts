import type { SourceRecord } from "../books/match";
import type { StatisticsReader } from "./statistics";

/** KOReader's books as source records; a book on several readers is one record (first reader by name). */
export function koreaderRecords(readers: readonly StatisticsReader[]): SourceRecord[] {
  const byKey = new Map<string, SourceRecord>();
  for (const reader of readers) {
    for (const b of reader.books) {
      if (byKey.has(b.key)) continue;
      const authors = b.authors
        .split("\n")
        .map((a) => a.trim())
        .filter((a) => a && a !== "N/A");
      // Authors stay one a line, as KOReader keeps them: the matching takes the first.
      byKey.set(b.key, { source: "koreader", key: b.key, title: b.title || b.key, author: authors.join("\n") || null, isbn: null, asin: null });
    }
  }
  return [...byKey.values()];
}
