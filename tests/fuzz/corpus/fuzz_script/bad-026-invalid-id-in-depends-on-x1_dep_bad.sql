-- revision: x1
-- down_revision: c3
-- depends_on: a1, bad/id
-- message: x1

-- migrate:up
CREATE TABLE t_x1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_x1;
