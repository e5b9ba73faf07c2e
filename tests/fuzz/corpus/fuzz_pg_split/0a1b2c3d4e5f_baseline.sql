-- revision: 0a1b2c3d4e5f
-- message: baseline: conversations, turns, tool calls
-- created: 2026-11-28 10:00:00+00:00
--
-- Idempotent on purpose: it runs on an empty database and on one where an earlier version of
-- the service already created these tables by hand.

-- migrate:up
CREATE TABLE IF NOT EXISTS kraken_conversations (
    id                 BIGSERIAL PRIMARY KEY,
    session_id         TEXT NOT NULL,
    model              TEXT NOT NULL,
    prompt_tokens      INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
    completion_tokens  INTEGER NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
    cost_usd           NUMERIC(12, 6) NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ix_kraken_conversations_session ON kraken_conversations (session_id);
CREATE INDEX IF NOT EXISTS ix_kraken_conversations_created ON kraken_conversations (created_at);

CREATE TABLE IF NOT EXISTS kraken_turns (
    id                  BIGSERIAL PRIMARY KEY,
    conversation_id     BIGINT NOT NULL REFERENCES kraken_conversations (id) ON DELETE CASCADE,
    turn_index          INTEGER NOT NULL,
    user_query          TEXT NOT NULL,
    assistant_response  TEXT,
    prompt_tokens       INTEGER NOT NULL DEFAULT 0,
    completion_tokens   INTEGER NOT NULL DEFAULT 0,
    latency_ms          INTEGER,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (conversation_id, turn_index)
);
CREATE INDEX IF NOT EXISTS ix_kraken_turns_conversation ON kraken_turns (conversation_id);

CREATE TABLE IF NOT EXISTS kraken_tool_calls (
    id           BIGSERIAL PRIMARY KEY,
    turn_id      BIGINT NOT NULL REFERENCES kraken_turns (id) ON DELETE CASCADE,
    tool_name    TEXT NOT NULL,
    arguments    JSONB NOT NULL DEFAULT '{}'::jsonb,
    result       JSONB,
    status       TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error')),
    duration_ms  INTEGER,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ix_kraken_tool_calls_turn ON kraken_tool_calls (turn_id);
CREATE INDEX IF NOT EXISTS ix_kraken_tool_calls_tool ON kraken_tool_calls (tool_name);

-- migrate:down
DROP TABLE IF EXISTS kraken_tool_calls;
DROP TABLE IF EXISTS kraken_turns;
DROP TABLE IF EXISTS kraken_conversations;
