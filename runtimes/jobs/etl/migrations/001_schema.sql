-- shelfstack ETL schema, version 1. Everything lives in its own schema, `shelfstack`: on Supabase
-- the `public` schema is served by the REST API, and reading history is nobody's business.
--
-- books: one row per book as a reader thinks of it (title + author), matched across KOReader,
-- Audiobookshelf and Hardcover by the rule in runtimes/jobs/etl/books/match.ts. The id is derived
-- from the match key, so a rebuild from the same sources gives the same ids.
CREATE TABLE shelfstack.books (
  id text PRIMARY KEY,
  title text NOT NULL,
  author text,
  -- ebook (KOReader), audiobook (Audiobookshelf), both, or NULL when only Hardcover knows it.
  format text CHECK (format IN ('ebook', 'audiobook', 'both')),
  -- One key per source (the smallest, when a source has several records for the book).
  koreader_md5 text UNIQUE DEFERRABLE INITIALLY DEFERRED,
  abs_item_id text UNIQUE DEFERRABLE INITIALLY DEFERRED,
  hardcover_book_id bigint UNIQUE DEFERRABLE INITIALLY DEFERRED
);

-- Every record a source has for a book: KOReader by partial md5, Audiobookshelf by library item
-- id, Hardcover by book id. The matching reads these; books are derived from them.
CREATE TABLE shelfstack.book_sources (
  source text NOT NULL CHECK (source IN ('koreader', 'audiobookshelf', 'hardcover')),
  source_key text NOT NULL,
  book_id text NOT NULL REFERENCES shelfstack.books (id) DEFERRABLE INITIALLY DEFERRED,
  title text NOT NULL,
  author text,
  isbn text,
  asin text,
  PRIMARY KEY (source, source_key)
);
CREATE INDEX book_sources_book_id ON shelfstack.book_sources (book_id);

-- Reading and listening sessions. KOReader: page rows of one book joined while the gap between
-- them stays within etl.sessionGapSeconds; duration is the sum of the page durations (KOReader's
-- own reading time). Audiobookshelf: its listening sessions as they are.
-- No foreign keys here, on purpose: at a million page rows their per-row checks cost as much as
-- the whole load (bench/etl.bench.mjs). The ETL is the only writer; it takes book_id from
-- book_sources in the statement that inserts, and the tests check that no session is orphaned.
CREATE TABLE shelfstack.reading_sessions (
  id text PRIMARY KEY,
  book_id text NOT NULL,
  source text NOT NULL CHECK (source IN ('koreader', 'audiobookshelf')),
  source_key text NOT NULL,
  -- KOReader: whose statistics (the reader device); Audiobookshelf: NULL.
  device text,
  start_time timestamptz NOT NULL,
  end_time timestamptz NOT NULL,
  duration_seconds integer NOT NULL CHECK (duration_seconds >= 0),
  -- Distinct pages turned in the session (KOReader); NULL for audiobooks.
  pages_read integer,
  CHECK (end_time >= start_time)
);
-- What an incremental run replaces: one reader's sessions of one book from a given start on.
CREATE INDEX reading_sessions_source ON shelfstack.reading_sessions (source, source_key, device, start_time);

-- Hardcover: the reader's shelf (status) and the reads with their dates.
CREATE TABLE shelfstack.hardcover_user_books (
  id bigint PRIMARY KEY,
  book_id text NOT NULL REFERENCES shelfstack.books (id) DEFERRABLE INITIALLY DEFERRED,
  hardcover_book_id bigint NOT NULL,
  -- want_to_read, reading, read, paused, did_not_finish, ignored (Hardcover's status_id 1–6).
  status text NOT NULL,
  rating numeric
);
CREATE TABLE shelfstack.hardcover_reads (
  id bigint PRIMARY KEY,
  user_book_id bigint NOT NULL REFERENCES shelfstack.hardcover_user_books (id) DEFERRABLE INITIALLY DEFERRED,
  book_id text NOT NULL REFERENCES shelfstack.books (id) DEFERRABLE INITIALLY DEFERRED,
  started_at date,
  finished_at date,
  progress_pages integer,
  progress_seconds integer
);
CREATE INDEX hardcover_reads_user_book ON shelfstack.hardcover_reads (user_book_id);

-- The ETL's own memory, so a rerun reads only what is new. Per reader and book: how many page
-- rows and the latest start seen, and where the last session began (it may still grow).
CREATE TABLE shelfstack.koreader_books (
  device text NOT NULL,
  md5 text NOT NULL,
  row_count bigint NOT NULL,
  max_start_time bigint NOT NULL,
  last_session_start bigint,
  PRIMARY KEY (device, md5)
);
-- Fingerprints and cursors: 'koreader:<device>' (whole-file fingerprint), 'audiobookshelf' (cursor).
CREATE TABLE shelfstack.etl_state (
  key text PRIMARY KEY,
  value text NOT NULL
);
-- One row per run that changed something.
CREATE TABLE shelfstack.etl_runs (
  id integer PRIMARY KEY,
  finished_at timestamptz NOT NULL DEFAULT now(),
  full_rebuild boolean NOT NULL,
  summary jsonb NOT NULL
);
-- Settings the views read: time_zone (stack.yaml server.timezone) decides what "a day" is.
CREATE TABLE shelfstack.settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
