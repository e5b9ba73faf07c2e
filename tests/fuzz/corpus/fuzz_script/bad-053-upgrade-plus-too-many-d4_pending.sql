-- revision: d4
-- down_revision: c3
-- message: d4

-- migrate:up
CREATE TABLE t_d4 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_d4;
