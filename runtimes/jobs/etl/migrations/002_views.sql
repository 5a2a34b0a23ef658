-- The first questions a person asks. A session counts on the day (in server.timezone) it began.
CREATE VIEW shelfstack.reading_time_per_day AS
SELECT (s.start_time AT TIME ZONE tz.zone)::date AS day,
       count(*)::integer AS sessions,
       count(DISTINCT s.book_id)::integer AS books,
       sum(s.duration_seconds)::bigint AS seconds,
       round(sum(s.duration_seconds) / 60.0, 1) AS minutes,
       coalesce(sum(s.duration_seconds) FILTER (WHERE s.source = 'koreader'), 0)::bigint AS ebook_seconds,
       coalesce(sum(s.duration_seconds) FILTER (WHERE s.source = 'audiobookshelf'), 0)::bigint AS audiobook_seconds,
       coalesce(sum(s.pages_read), 0)::bigint AS pages
FROM shelfstack.reading_sessions s
CROSS JOIN (SELECT coalesce((SELECT value FROM shelfstack.settings WHERE key = 'time_zone'), 'UTC') AS zone) tz
GROUP BY 1
ORDER BY 1;

CREATE VIEW shelfstack.reading_time_per_book AS
SELECT b.id AS book_id,
       b.title,
       b.author,
       b.format,
       count(s.id)::integer AS sessions,
       coalesce(sum(s.duration_seconds), 0)::bigint AS seconds,
       round(coalesce(sum(s.duration_seconds), 0) / 3600.0, 2) AS hours,
       sum(s.pages_read)::bigint AS pages_read,
       min(s.start_time) AS first_read,
       max(s.end_time) AS last_read,
       (SELECT ub.status FROM shelfstack.hardcover_user_books ub WHERE ub.book_id = b.id ORDER BY ub.id LIMIT 1) AS hardcover_status
FROM shelfstack.books b
LEFT JOIN shelfstack.reading_sessions s ON s.book_id = b.id
GROUP BY b.id
ORDER BY max(s.end_time) DESC NULLS LAST, b.title;
