-- revision: 7f3e9d1c2b4a
-- down_revision: 0a1b2c3d4e5f
-- message: index turns by time, without locking writes
-- created: 2026-11-28 10:30:00+00:00
--
-- CREATE INDEX CONCURRENTLY cannot run inside a transaction, so this section opts out.
-- IF NOT EXISTS keeps it safe to run again after a failure half-way.

-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_kraken_turns_created ON kraken_turns (created_at);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_kraken_tool_calls_created
    ON kraken_tool_calls (created_at);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS ix_kraken_tool_calls_created;
DROP INDEX CONCURRENTLY IF EXISTS ix_kraken_turns_created;
