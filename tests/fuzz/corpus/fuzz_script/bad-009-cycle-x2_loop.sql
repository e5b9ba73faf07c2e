-- revision: x2
-- down_revision: x1
-- message: x2

-- migrate:up
CREATE TABLE t_x2 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_x2;
