-- revision: x1
-- down_revision: c3
-- branch_labels: heads
-- message: x1

-- migrate:up
CREATE TABLE t_x1 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE t_x1;
