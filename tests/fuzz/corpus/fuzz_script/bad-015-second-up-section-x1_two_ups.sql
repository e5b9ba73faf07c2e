-- revision: x1
-- down_revision: c3
-- message: two up sections

-- migrate:up
CREATE TABLE t_x1 (id INTEGER);

-- migrate:up
CREATE TABLE t_x1b (id INTEGER);
