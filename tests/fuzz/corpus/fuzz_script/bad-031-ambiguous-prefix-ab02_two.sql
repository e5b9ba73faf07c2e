-- revision: ab02
-- down_revision: ab01
-- message: ab02

-- migrate:up
CREATE TABLE t_ab02 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_ab02;
