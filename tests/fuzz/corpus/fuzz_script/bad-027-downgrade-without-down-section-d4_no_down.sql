-- revision: d4
-- down_revision: c3
-- message: no way back

-- migrate:up
CREATE TABLE t_d4 (id INTEGER PRIMARY KEY);
