-- revision: e5
-- down_revision: c3
-- message: typo

-- migrate:up
CREATE TABLE t_e5 (id INTEGER PRIMARY KEY);
CREAT TABLE t_e5b (id INTEGER);
