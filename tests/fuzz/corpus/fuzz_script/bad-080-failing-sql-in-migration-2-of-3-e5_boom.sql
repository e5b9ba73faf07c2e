-- revision: e5
-- down_revision: d4
-- message: boom

-- migrate:up
CREATE TABLE t_e5 (id INTEGER PRIMARY KEY);
INSERT INTO t_e5 (id) VALUES (1);
INSERT INTO t_e5 (id) SELECT id FROM missing_table;

-- migrate:down
DROP TABLE t_e5;
