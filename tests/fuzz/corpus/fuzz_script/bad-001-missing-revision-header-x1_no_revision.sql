-- down_revision: c3
-- message: no revision line

-- migrate:up
CREATE TABLE t_x1 (id INTEGER);
-- migrate:down
DROP TABLE t_x1;
