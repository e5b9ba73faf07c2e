-- The desired schema of the bookshelf application (for `strata check` and autogenerate, which
-- come with a later version).  It matches the four revisions in migrations/versions/.
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
CREATE TABLE member (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    full_name   TEXT NOT NULL,
    joined_on   TEXT NOT NULL DEFAULT (date('now')),
    phone       TEXT
);
CREATE TABLE loan (
    id          INTEGER PRIMARY KEY,
    book_id     INTEGER NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES member (id) ON DELETE CASCADE,
    lent_on     TEXT NOT NULL DEFAULT (date('now')),
    due_on      TEXT NOT NULL,
    returned_on TEXT,
    CHECK (returned_on IS NULL OR returned_on >= lent_on)
);
CREATE UNIQUE INDEX ux_loan_open_book ON loan (book_id) WHERE returned_on IS NULL;
CREATE INDEX ix_loan_member ON loan (member_id, lent_on);
CREATE TABLE genre (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE
);
CREATE TABLE book_genre (
    book_id   INTEGER NOT NULL REFERENCES book (id) ON DELETE CASCADE,
    genre_id  INTEGER NOT NULL REFERENCES genre (id) ON DELETE CASCADE,
    PRIMARY KEY (book_id, genre_id)
) WITHOUT ROWID;
CREATE VIEW overdue_loan AS
    SELECT loan.id, member.email, book.title, loan.due_on
      FROM loan
      JOIN member ON member.id = loan.member_id
      JOIN book ON book.id = loan.book_id
     WHERE loan.returned_on IS NULL AND loan.due_on < date('now');
CREATE TABLE loan_audit (
    id       INTEGER PRIMARY KEY,
    loan_id  INTEGER NOT NULL,
    event    TEXT NOT NULL CHECK (event IN ('lent', 'returned')),
    at       TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TRIGGER loan_lent AFTER INSERT ON loan
BEGIN
    INSERT INTO loan_audit (loan_id, event) VALUES (NEW.id, 'lent');
END;
CREATE TRIGGER loan_returned AFTER UPDATE OF returned_on ON loan
WHEN OLD.returned_on IS NULL AND NEW.returned_on IS NOT NULL
BEGIN
    INSERT INTO loan_audit (loan_id, event) VALUES (NEW.id, 'returned');
END;
