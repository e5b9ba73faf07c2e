-- revision: x1
-- down_revision: c3
-- message: only a down section

-- migrate:down
DROP TABLE t_x1;
