#!/usr/bin/env bash
# The kraken example: a PostgreSQL service that migrates its own schema at startup.  Eight
# replicas started at the same moment leave one set of tables and one version row, and every
# replica runs; the idempotent baseline also adopts a database that already has the tables.
. "$(dirname "$0")/lib.sh"

svc=$STRATA_BUILD/examples/kraken-service
if [ -z "${STRATA_PG_ADMIN_URL:-}" ]; then
  skip "kraken: eight replicas at once" "no PostgreSQL"
  exit 0
fi
if [ ! -x "$svc" ]; then
  not_ok "the kraken example was built" "missing $svc"
  exit 0
fi
tables="SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE tablename LIKE 'kraken%'"

# Without DATABASE_URL: a warning, and the service runs.
env -u DATABASE_URL "$svc" --once > "$T/o" 2> "$T/e"
check "kraken: without DATABASE_URL the service still starts" test $? -eq 0
check "kraken: it warns that migrations were skipped" grep -q "DATABASE_URL is not set" "$T/e"
check "kraken: and reports ready" grep -q "ready" "$T/o"

# Eight replicas at once on an empty database.
url=$(fresh_url postgresql kraken)
pids=()
for i in 1 2 3 4 5 6 7 8; do
  DATABASE_URL=$url "$svc" --once > "$T/r$i.out" 2> "$T/r$i.err" & pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check "kraken: all eight replicas exit 0" test "$fails" -eq 0
check "kraken: all eight report ready at the head" \
  test "$(cat "$T"/r*.out | grep -c 'ready (schema at c4d5e6f7a8b9)')" -eq 8
check "kraken: one set of tables" \
  test "$(sql "$url" "$tables")" = "kraken_conversations,kraken_tool_calls,kraken_turns"
check "kraken: one version row" test "$(sql "$url" 'SELECT count(*) || version_num FROM strata_version GROUP BY version_num')" = "1c4d5e6f7a8b9"
check "kraken: each migration applied exactly once" \
  test "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction = 'up'")" -eq 3
check "kraken: the concurrent indexes are valid" \
  test "$(sql "$url" "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE 'ix_kraken%created' AND i.indisvalid")" -eq 3
check "kraken: the trigger keeps totals" test "$(sql "$url" "
  INSERT INTO kraken_conversations (session_id, model) VALUES ('s1', 'm');
  INSERT INTO kraken_turns (conversation_id, turn_index, user_query, prompt_tokens) VALUES (1, 0, 'hi', 7);
  SELECT prompt_tokens FROM kraken_conversations WHERE id = 1")" = 7

# A database where an earlier version of the service made the tables by hand.
url2=$(fresh_url postgresql kraken_pre)
sql "$url2" "CREATE TABLE kraken_conversations (id BIGSERIAL PRIMARY KEY, session_id TEXT NOT NULL,
  model TEXT NOT NULL, prompt_tokens INTEGER NOT NULL DEFAULT 0, completion_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd NUMERIC(12,6) NOT NULL DEFAULT 0, created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
  INSERT INTO kraken_conversations (session_id, model) VALUES ('old', 'm');" > /dev/null
DATABASE_URL=$url2 "$svc" --once > "$T/p.out" 2> "$T/p.err"
check "kraken: a pre-existing database migrates too" test $? -eq 0
check "kraken: its rows survive" test "$(sql "$url2" "SELECT session_id FROM kraken_conversations")" = old
check "kraken: and it is at head" test "$(sql "$url2" 'SELECT version_num FROM strata_version')" = c4d5e6f7a8b9

# Failure policy.
bad="postgresql://postgres:wrong-secret@127.0.0.1:$STRATA_PG_PORT/kraken"
DATABASE_URL=$bad "$svc" --once > "$T/f.out" 2> "$T/f.err"
check "kraken: a failed migration stops startup by default" test $? -eq 1
check "kraken: the password is not printed" bash -c "! grep -q wrong-secret '$T/f.err' '$T/f.out'"
DATABASE_URL=$bad KRAKEN_ON_MIGRATION_FAILURE=continue "$svc" --once > "$T/c.out" 2> "$T/c.err"
check "kraken: with KRAKEN_ON_MIGRATION_FAILURE=continue it starts anyway" test $? -eq 0
check "kraken: and says so" grep -q "starting anyway" "$T/c.err"

# The deploy-pipeline form: the CLI on the example project, before a restart.
url3=$(fresh_url postgresql kraken_cli)
DATABASE_URL=$url3 run -c "$STRATA_ROOT/examples/kraken/strata.ini" upgrade head
expect_rc 0 "kraken: strata upgrade head from a pipeline"
DATABASE_URL=$url3 run -c "$STRATA_ROOT/examples/kraken/strata.ini" current
expect_out "c4d5e6f7a8b9 (head)" "kraken: strata current after the pipeline"
run -c "$STRATA_ROOT/examples/kraken/strata.ini" --url "$url3" upgrade base:head --sql
expect_out "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_kraken_turns_created" "kraken: offline SQL for PostgreSQL"
check "kraken: offline SQL keeps the concurrent index out of a transaction" python3 -c '
import re, sys
blocks = re.findall(r"^BEGIN;$(.*?)^COMMIT;$", sys.argv[1], re.S | re.M)
assert len(blocks) == 3 and not any("CONCURRENTLY" in b for b in blocks)
assert "CONCURRENTLY" in sys.argv[1]' "$out"
