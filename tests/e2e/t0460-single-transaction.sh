#!/usr/bin/env bash
# --single-transaction (and single_transaction in the ini): the whole run commits once; a
# failure rolls back every migration of the run; transaction:false sections are refused.
. "$(dirname "$0")/lib.sh"

for engine in $(engines); do
  p=$T/$engine
  url=$(fresh_url "$engine" single)
  new_project "$p" "$url"
  add_rev "$p" a1 "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
  add_rev "$p" b2 a1 "two" "CREATE TABLE two (id INTEGER);" "DROP TABLE two;"
  add_rev "$p" c3 b2 "three" "CREATE TABLE three (id INTEGER);
SELECT * FROM no_such_table;" "DROP TABLE three;"
  run_in "$p" upgrade head --single-transaction
  expect_rc 1 "$engine: a failure in a single-transaction run exits 1"
  expect_err "rolled back too" "$engine: the hint says the earlier migrations were rolled back"
  check "$engine: nothing of the run stays (no version row)" \
    test -z "$(sql "$url" 'SELECT version_num FROM strata_version' 2>/dev/null)"
  check "$engine: no table of the run stays" \
    test "$(sql "$url" "SELECT count(*) FROM $( [ "$engine" = sqlite ] && echo sqlite_master || echo pg_tables) WHERE $( [ "$engine" = sqlite ] && echo name || echo tablename) IN ('one', 'two', 'three')")" = 0
  run_in "$p" upgrade head
  expect_rc 1 "$engine: per-migration transactions keep what came before"
  check "$engine: ... so a1 and b2 stay" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = b2
  add_rev "$p" c3 b2 "three" "CREATE TABLE three (id INTEGER);" "DROP TABLE three;"
  run_in "$p" downgrade base -q
  printf 'single_transaction = true\n' >> "$p/strata.ini"
  run_in "$p" upgrade head
  expect_rc 0 "$engine: single_transaction in the ini runs the whole upgrade at once"
  expect_err "committed 3 migrations in one transaction" "$engine: and says so"
  check "$engine: the history has every step" test "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction = 'up'")" -ge 3
  add_rev "$p" d4 c3 "four" "CREATE TABLE four (id INTEGER);" "DROP TABLE four;"
  sed -i 's/^-- migrate:up$/-- migrate:up transaction:false/' "$p"/migrations/versions/d4_four.sql
  run_in "$p" upgrade head
  expect_rc 2 "$engine: a transaction:false section cannot be part of a single-transaction run"
  expect_err "d4" "$engine: the refusal names the revision"
  check "$engine: and nothing ran" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = c3
  run_in "$p" upgrade head --sql -q
  check "$engine: offline, a single-transaction script has one BEGIN" test "$(grep -c '^BEGIN;' <<< "$out")" -le 1
done
