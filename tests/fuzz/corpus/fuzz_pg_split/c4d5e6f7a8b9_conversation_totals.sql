-- revision: c4d5e6f7a8b9
-- down_revision: 7f3e9d1c2b4a
-- message: conversation totals kept by a trigger
-- created: 2026-11-28 11:00:00+00:00

-- migrate:up
CREATE FUNCTION kraken_touch_conversation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE kraken_conversations
       SET prompt_tokens = prompt_tokens + NEW.prompt_tokens,
           completion_tokens = completion_tokens + NEW.completion_tokens,
           updated_at = now()
     WHERE id = NEW.conversation_id;
    RETURN NEW;
END;
$$;

CREATE TRIGGER kraken_turns_totals AFTER INSERT ON kraken_turns
    FOR EACH ROW EXECUTE FUNCTION kraken_touch_conversation();

-- migrate:down
DROP TRIGGER kraken_turns_totals ON kraken_turns;
DROP FUNCTION kraken_touch_conversation();
