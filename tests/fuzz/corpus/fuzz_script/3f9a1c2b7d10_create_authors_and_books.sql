-- revision: 3f9a1c2b7d10
-- message: create authors and books
-- created: 2026-11-28 09:00:00+00:00

-- migrate:up
CREATE TABLE author (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    born        INTEGER,
    created_at  TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE TABLE book (
    id          INTEGER PRIMARY KEY,
    author_id   INTEGER NOT NULL REFERENCES author (id) ON DELETE RESTRICT,
    title       TEXT NOT NULL,
    isbn        TEXT UNIQUE,
    published   INTEGER CHECK (published IS NULL OR published BETWEEN 1400 AND 2100)
);

CREATE INDEX ix_book_author ON book (author_id);
CREATE INDEX ix_book_title ON book (title COLLATE NOCASE);

-- migrate:down
DROP INDEX ix_book_title;
DROP INDEX ix_book_author;
DROP TABLE book;
DROP TABLE author;
