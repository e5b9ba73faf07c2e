-- revision: x1
-- down_revision: c3

-- migrate:up
CREATE TABLE t_x1 (id INTEGER);

-- migrate:sideways
DROP TABLE t_x1;
