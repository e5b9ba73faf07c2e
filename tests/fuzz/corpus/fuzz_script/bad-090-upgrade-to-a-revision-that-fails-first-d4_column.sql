-- revision: d4
-- down_revision: c3
-- message: bad column

-- migrate:up
UPDATE t_c3 SET nope = 1;
