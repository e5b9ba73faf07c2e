-- revision: 8c41e07d2a55
-- down_revision: 3f9a1c2b7d10
-- message: members and loans
-- created: 2026-11-28 09:05:00+00:00

-- migrate:up
CREATE TABLE member (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    full_name   TEXT NOT NULL,
    joined_on   TEXT NOT NULL DEFAULT (date('now'))
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

-- At most one open loan per book.
CREATE UNIQUE INDEX ux_loan_open_book ON loan (book_id) WHERE returned_on IS NULL;
CREATE INDEX ix_loan_member ON loan (member_id, lent_on);

-- migrate:down
DROP INDEX ix_loan_member;
DROP INDEX ux_loan_open_book;
DROP TABLE loan;
DROP TABLE member;
