-- revision: d4
-- down_revision: c3
-- message: bad down

-- migrate:up
CREATE TABLE t_d4 (id INTEGER PRIMARY KEY);

-- migrate:down
DROP TABLE no_such_thing;
