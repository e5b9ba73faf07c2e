#!/usr/bin/env bash
# The basic lifecycle on every engine: init, three revisions, upgrade, current, downgrade.
. "$(dirname "$0")/lib.sh"

run --version
expect_rc 0 "strata --version exits 0"
expect_out "strata " "strata --version prints the version"

for engine in $(engines); do
  p=$T/$engine
  url=$(fresh_url "$engine" smoke)
  new_project "$p" "$url"
  add_rev "$p" a1 "" "create account" "CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" "DROP TABLE account;"
  add_rev "$p" b2 a1 "add email" "ALTER TABLE account ADD COLUMN email TEXT;" "ALTER TABLE account DROP COLUMN email;"
  add_rev "$p" c3 b2 "index email" "CREATE INDEX ix_account_email ON account (email);" "DROP INDEX ix_account_email;"

  run_in "$p" upgrade head
  expect_rc 0 "$engine: upgrade head succeeds"
  expect_err "[3/3]" "$engine: upgrade shows its position"
  check "$engine: the version table holds the head" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = c3
  run_in "$p" current
  expect_out "c3 (head)" "$engine: current shows the head"
  run_in "$p" downgrade -1
  expect_rc 0 "$engine: downgrade -1 succeeds"
  check "$engine: downgrade -1 leaves b2" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = b2
  run_in "$p" downgrade base
  expect_rc 0 "$engine: downgrade base succeeds"
  check "$engine: the table is gone after downgrade base" test -z "$(sql "$url" "SELECT version_num FROM strata_version")"
done
