-- revision:
-- down_revision: c3

-- migrate:up
SELECT 1;
