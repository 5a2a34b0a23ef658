-- shelfstack ETL schema, version 3: the warehouse keeps what it once loaded, and "pages read"
-- means what KOReader means.
--
-- A session a source no longer has (a reset KOReader, an older statistics file restored, an
-- Audiobookshelf session deleted) is kept and marked: missing_since is when a run first found it
-- gone. It still counts everywhere; only `shelfstack etl --full --prune` removes marked sessions.
-- A session that came back (the newer file again) loses its mark.
ALTER TABLE shelfstack.reading_sessions ADD COLUMN missing_since timestamptz;
CREATE INDEX reading_sessions_missing ON shelfstack.reading_sessions (source, device) WHERE missing_since IS NOT NULL;

-- Per reader and book: KOReader's distinct pages (count of distinct page numbers with reading
-- time in page_stat_data) and the book's page count. A session's pages_read counts its own
-- distinct pages, so their sum counts a page read again in a later session twice; this does not.
-- Kept at its highest, like the sessions: a device that forgets its rows does not lower it.
CREATE TABLE shelfstack.koreader_book_pages (
  device text NOT NULL,
  md5 text NOT NULL,
  pages_read integer NOT NULL CHECK (pages_read >= 0),
  total_pages integer,
  PRIMARY KEY (device, md5)
);

-- pages_read: distinct pages per book (the most any reader's device has for it: two devices
-- paginate differently, so their page numbers cannot be joined). pages_turned: the former sum of
-- each session's distinct pages. total_pages: the book's pages on that device, for completion.
CREATE OR REPLACE VIEW shelfstack.reading_time_per_book AS
SELECT b.id AS book_id,
       b.title,
       b.author,
       b.format,
       count(s.id)::integer AS sessions,
       coalesce(sum(s.duration_seconds), 0)::bigint AS seconds,
       round(coalesce(sum(s.duration_seconds), 0) / 3600.0, 2) AS hours,
       (SELECT max(p.pages_read) FROM shelfstack.koreader_book_pages p
          JOIN shelfstack.book_sources bs ON bs.source = 'koreader' AND bs.source_key = p.md5
         WHERE bs.book_id = b.id)::bigint AS pages_read,
       min(s.start_time) AS first_read,
       max(s.end_time) AS last_read,
       (SELECT ub.status FROM shelfstack.hardcover_user_books ub WHERE ub.book_id = b.id ORDER BY ub.id LIMIT 1) AS hardcover_status,
       sum(s.pages_read)::bigint AS pages_turned,
       (SELECT p.total_pages FROM shelfstack.koreader_book_pages p
          JOIN shelfstack.book_sources bs ON bs.source = 'koreader' AND bs.source_key = p.md5
         WHERE bs.book_id = b.id ORDER BY p.pages_read DESC, p.device, p.md5 LIMIT 1)::integer AS total_pages,
       (count(s.id) FILTER (WHERE s.missing_since IS NOT NULL))::integer AS sessions_missing_from_source
FROM shelfstack.books b
LEFT JOIN shelfstack.reading_sessions s ON s.book_id = b.id
GROUP BY b.id
ORDER BY max(s.end_time) DESC NULLS LAST, b.title;
