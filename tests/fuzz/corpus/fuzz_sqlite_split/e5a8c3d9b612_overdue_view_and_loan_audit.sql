-- revision: e5a8c3d9b612
-- down_revision: b7d2e9f01c34
-- message: overdue view and loan audit
-- created: 2026-11-28 09:20:00+00:00

-- migrate:up
ALTER TABLE member ADD COLUMN phone TEXT;

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

-- migrate:down
DROP TRIGGER loan_returned;
DROP TRIGGER loan_lent;
DROP TABLE loan_audit;
DROP VIEW overdue_loan;
ALTER TABLE member DROP COLUMN phone;
