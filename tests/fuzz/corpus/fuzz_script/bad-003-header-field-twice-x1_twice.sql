-- revision: x1
-- down_revision: c3
-- message: first
-- message: second

-- migrate:up
CREATE TABLE t_x1 (id INTEGER);
