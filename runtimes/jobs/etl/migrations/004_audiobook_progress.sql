-- shelfstack ETL schema, version 4: how far into each audiobook the listener got, for
-- "listened / duration" beside KOReader's "pages read / pages".
--
-- Per Audiobookshelf item: its playback length (from the latest session that says) and the
-- furthest position any session reached. Kept at its furthest, like the sessions: a session
-- Audiobookshelf forgets does not take the progress with it.
CREATE TABLE shelfstack.audiobook_progress (
  item_id text PRIMARY KEY,
  duration_seconds integer CHECK (duration_seconds > 0),
  position_seconds integer NOT NULL CHECK (position_seconds >= 0)
);

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
       (count(s.id) FILTER (WHERE s.missing_since IS NOT NULL))::integer AS sessions_missing_from_source,
       (SELECT a.duration_seconds FROM shelfstack.audiobook_progress a
          JOIN shelfstack.book_sources bs ON bs.source = 'audiobookshelf' AND bs.source_key = a.item_id
         WHERE bs.book_id = b.id ORDER BY a.position_seconds DESC, a.item_id LIMIT 1)::integer AS audiobook_duration_seconds,
       (SELECT a.position_seconds FROM shelfstack.audiobook_progress a
          JOIN shelfstack.book_sources bs ON bs.source = 'audiobookshelf' AND bs.source_key = a.item_id
         WHERE bs.book_id = b.id ORDER BY a.position_seconds DESC, a.item_id LIMIT 1)::integer AS audiobook_position_seconds
FROM shelfstack.books b
LEFT JOIN shelfstack.reading_sessions s ON s.book_id = b.id
GROUP BY b.id
ORDER BY max(s.end_time) DESC NULLS LAST, b.title;
