-- revision: x1
-- down_revision: c3
CREATE TABLE t_x1 (id INTEGER);
-- migrate:up
INSERT INTO t_x1 VALUES (1);
