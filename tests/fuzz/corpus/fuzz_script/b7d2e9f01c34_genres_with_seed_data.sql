-- revision: b7d2e9f01c34
-- down_revision: 8c41e07d2a55
-- message: genres, with seed data
-- created: 2026-11-28 09:12:00+00:00

-- migrate:up
CREATE TABLE genre (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);

INSERT INTO genre (name) VALUES ('fiction'), ('history'), ('science'), ('poetry'), ('children');

CREATE TABLE book_genre (
    book_id   INTEGER NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    genre_id  INTEGER NOT NULL REFERENCES genre (id) ON DELETE CASCADE,
    PRIMARY KEY (book_id, genre_id)
) WITHOUT ROWID;

-- migrate:down
DROP TABLE book_genre;
DROP TABLE genre;
