/**
 * Response objects shaped as the documented schemas: Audiobookshelf's PlaybackSession.toJSON
 * (server/objects/PlaybackSession.js) and Hardcover's user_books with book, edition and
 * user_book_reads (hardcover-docs schema.graphql).
 */
export function absSession(o: {
  id: string;
  itemId: string | null;
  title: string;
  author: string;
  startedAt: number;
  updatedAt: number;
  timeListening: number;
  isbn?: string | null;
  asin?: string | null;
  mediaType?: "book" | "podcast";
}): object {
  const date = new Date(o.startedAt).toISOString().slice(0, 10);
  return {
    id: o.id,
    userId: "7c5a0c5a-user",
    libraryId: "lib_audiobooks",
    libraryItemId: o.itemId,
    bookId: o.itemId ? `book_${o.itemId}` : null,
    episodeId: o.mediaType === "podcast" ? "ep_1" : null,
    mediaType: o.mediaType ?? "book",
    mediaMetadata: {
      title: o.title,
      subtitle: null,
      authors: [{ id: `au_${o.author.length}`, name: o.author }],
      narrators: ["Scott Brick"],
      series: [],
      genres: ["Science Fiction"],
      publishedYear: "1965",
      publisher: null,
      description: null,
      isbn: o.isbn ?? null,
      asin: o.asin ?? null,
      language: "English",
      explicit: false,
      abridged: false,
    },
    chapters: [],
    displayTitle: o.title,
    displayAuthor: o.author,
    coverPath: null,
    duration: 75600.5,
    playMethod: 0,
    mediaPlayer: "html5",
    deviceInfo: { clientName: "Abs Web", deviceId: "dev1" },
    serverVersion: "2.36.0",
    date,
    dayOfWeek: "Tuesday",
    timeListening: o.timeListening,
    startTime: 120.5,
    currentTime: 120.5 + o.timeListening,
    startedAt: o.startedAt,
    updatedAt: o.updatedAt,
  };
}

export function hardcoverUserBook(o: {
  id: number;
  bookId: number;
  title: string;
  author: string;
  statusId: number;
  isbn13?: string | null;
  asin?: string | null;
  reads?: { id: number; started_at: string | null; finished_at: string | null; progress_pages?: number | null; progress_seconds?: number | null }[];
}): object {
  return {
    id: o.id,
    status_id: o.statusId,
    rating: o.statusId === 3 ? 4.5 : null,
    book: {
      id: o.bookId,
      title: o.title,
      contributions: [
        { contribution: null, author: { name: o.author } },
        { contribution: "Translator", author: { name: "Someone Else" } },
      ],
    },
    edition: { isbn_13: o.isbn13 ?? null, isbn_10: null, asin: o.asin ?? null },
    user_book_reads: (o.reads ?? []).map((r) => ({ progress_pages: null, progress_seconds: null, ...r })),
  };
}
