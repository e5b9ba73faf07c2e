-- revision: x1
-- down_revision: c3
-- message: bad option

-- migrate:up transaction:maybe
CREATE TABLE t_x1 (id INTEGER);
