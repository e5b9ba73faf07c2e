-- revision: x1
-- down_revison: c3
-- message: typo

-- migrate:up
CREATE TABLE t_x1 (id INTEGER);
-- migrate:down
DROP TABLE t_x1;
