-- revision: ab01
-- down_revision: c3
-- message: ab01

-- migrate:up
CREATE TABLE t_ab01 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_ab01;
