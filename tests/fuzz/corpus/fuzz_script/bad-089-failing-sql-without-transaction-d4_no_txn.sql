-- revision: d4
-- down_revision: c3
-- message: no transaction

-- migrate:up transaction:false
CREATE TABLE t_d4 (id INTEGER PRIMARY KEY);
INSERT INTO missing_table VALUES (1);

-- migrate:down
DROP TABLE t_d4;
