-- revision: f6
-- down_revision: e5
-- message: f6

-- migrate:up
CREATE TABLE t_f6 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_f6;
