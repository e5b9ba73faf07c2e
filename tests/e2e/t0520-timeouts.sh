#!/usr/bin/env bash
# Session timeouts from strata.ini: statement_timeout stops a statement that runs too long
# (both engines) and the migration rolls back; pg_lock_timeout makes a DDL statement stuck
# behind another session's table lock fail instead of hanging the deploy.
. "$(dirname "$0")/lib.sh"

slow_sqlite="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000000) SELECT count(*) FROM c;"
slow_pg="SELECT pg_sleep(5);"
for engine in $(engines); do
  p=$T/$engine
  url=$(fresh_url "$engine" timeouts)
  new_project "$p" "$url"
  printf 'statement_timeout = 300ms\n' >> "$p/strata.ini"
  add_rev "$p" a1 "" "quick" "CREATE TABLE quick (id INTEGER);" "DROP TABLE quick;"
  if [ "$engine" = sqlite ]; then slow=$slow_sqlite; else slow=$slow_pg; fi
  add_rev "$p" b2 a1 "slow" "CREATE TABLE slow (id INTEGER);
$slow" "DROP TABLE slow;"
  start=$(date +%s%N)
  run_in "$p" upgrade head
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  expect_rc 1 "$engine: a statement over statement_timeout fails the migration"
  expect_err "b2_slow.sql:" "$engine: the error names the migration file"
  if [ "$engine" = sqlite ]; then
    expect_err "statement timeout" "$engine: the error says it was the statement timeout"
  else
    expect_err "statement timeout" "$engine: the server's message says statement timeout"
  fi
  check "$engine: it stopped well before the statement would have finished (${ms} ms)" test "$ms" -lt 4000
  check "$engine: the slow migration rolled back, the quick one stays" \
    test "$(sql "$url" 'SELECT version_num FROM strata_version')" = a1
  sed -i 's/^statement_timeout = .*/statement_timeout = forever/' "$p/strata.ini"
  if [ "$engine" = sqlite ]; then
    run_in "$p" upgrade head -q
    expect_rc 0 "$engine: without the limit the migration completes"
  fi
done

# pg_lock_timeout: another session holds a lock on the table a migration alters.
if [ -n "${STRATA_PG_ADMIN_URL:-}" ]; then
  p=$T/pglock
  url=$(fresh_url postgresql pglock)
  new_project "$p" "$url"
  printf 'pg_lock_timeout = 500ms\n' >> "$p/strata.ini"
  add_rev "$p" a1 "" "table" "CREATE TABLE busy (id INTEGER);" "DROP TABLE busy;"
  add_rev "$p" b2 a1 "alter" "ALTER TABLE busy ADD COLUMN note TEXT;" "ALTER TABLE busy DROP COLUMN note;"
  run_in "$p" upgrade a1 -q
  psql -XqAt "$url" -c "BEGIN; LOCK TABLE busy IN ACCESS SHARE MODE; SELECT pg_sleep(6); COMMIT;" >/dev/null 2>&1 &
  holder=$!
  sleep 0.5
  start=$(date +%s%N)
  run_in "$p" upgrade head
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  expect_rc 4 "postgresql: pg_lock_timeout: a DDL blocked by another session fails with exit 4"
  expect_err "lock timeout" "postgresql: pg_lock_timeout: the server's message is quoted"
  check "postgresql: pg_lock_timeout: it gave up quickly (${ms} ms)" test "$ms" -lt 4000
  check "postgresql: pg_lock_timeout: the database stays at a1" \
    test "$(sql "$url" 'SELECT version_num FROM strata_version')" = a1
  wait "$holder"
  run_in "$p" upgrade head -q
  expect_rc 0 "postgresql: pg_lock_timeout: once the lock is gone the migration runs"
fi
