-- revision: d4
-- down_revision: c3
-- message: duplicate key

-- migrate:up
CREATE TABLE t_d4 (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
INSERT INTO t_d4 (id, code) VALUES (1, 'a');
INSERT INTO t_d4 (id, code) VALUES (2, 'b');
INSERT INTO t_d4 (id, code) VALUES (3, 'a');
