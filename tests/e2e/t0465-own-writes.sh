#!/usr/bin/env bash
# strata's own writes (version and history rows) go to the database in one batch with the
# COMMIT, as prepared statements (PostgreSQL: one pipeline).  A failure there rolls the whole
# migration back and is reported; a migration that drops prepared statements does not break
# the ones after it; offline mode prints the same writes with their values.
. "$(dirname "$0")/lib.sh"

for engine in $(engines); do
  p=$T/$engine
  url=$(fresh_url "$engine" ownwrites)
  new_project "$p" "$url"
  add_rev "$p" a1 "" "create account" "CREATE TABLE account (id INTEGER PRIMARY KEY);" "DROP TABLE account;"
  if [ "$engine" = postgresql ]; then
    drop="DEALLOCATE ALL;"
    trigger="CREATE FUNCTION no_history() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE EXCEPTION 'no history today'; END \$\$;
CREATE TRIGGER no_history BEFORE INSERT ON strata_history FOR EACH ROW EXECUTE FUNCTION no_history();"
    untrigger="DROP TRIGGER no_history ON strata_history; DROP FUNCTION no_history();"
  else
    drop="SELECT 1;"
    trigger="CREATE TRIGGER no_history BEFORE INSERT ON strata_history BEGIN SELECT RAISE(ABORT, 'no history today'); END;"
    untrigger="DROP TRIGGER no_history;"
  fi
  add_rev "$p" b2 a1 "drop prepared statements" "CREATE TABLE b (x INTEGER); $drop" "DROP TABLE b;"
  add_rev "$p" c3 b2 "after it" "CREATE TABLE c (x INTEGER);" "DROP TABLE c;"

  run_in "$p" upgrade head
  expect_rc 0 "$engine: upgrade through a migration that drops prepared statements exits 0"
  check "$engine: the version table is at c3" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = c3
  check "$engine: three history rows, one per migration" test "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction = 'up'")" = 3
  run_in "$p" downgrade base
  expect_rc 0 "$engine: downgrade base exits 0"
  check "$engine: three down rows" test "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction = 'down'")" = 3
  run_in "$p" upgrade head
  expect_rc 0 "$engine: upgrade head again exits 0"

  # A trigger that refuses history rows: the batch fails at its last statement.
  add_rev "$p" d4 c3 "refuse history" "CREATE TABLE d (x INTEGER);
$trigger" "$untrigger DROP TABLE d;"
  run_in "$p" upgrade head
  expect_rc 1 "$engine: a history row refused by a trigger fails the migration (exit 1)"
  expect_err "upgrade d4 could not be recorded: no history today" "$engine: saying so, with the database's message"
  check "$engine: the version table is still at c3" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = c3
  check "$engine: d4's table was rolled back" test -z "$(sql "$url" "SELECT 1 FROM strata_history h WHERE h.revision = 'd4'")"
  if [ "$engine" = postgresql ]; then
    check "$engine: d4's table does not exist" test "$(sql "$url" "SELECT to_regclass('d') IS NULL")" = t
  else
    check "$engine: d4's table does not exist" test -z "$(sql "$url" "SELECT name FROM sqlite_master WHERE name = 'd'")"
  fi
  run_in "$p" current
  expect_rc 0 "$engine: current after the failure exits 0"
  expect_out "c3" "$engine: and shows c3"

  # Offline: the same writes, values written as literals.
  run_in "$p" upgrade c3:d4 --sql
  expect_rc 0 "$engine: upgrade c3:d4 --sql exits 0"
  expect_out "INSERT INTO \"strata_version\" (version_num) VALUES ('d4');" "$engine: offline prints the version row with its value"
  expect_out "DELETE FROM \"strata_version\" WHERE version_num = 'c3';" "$engine: and the delete of the old one"
  expect_out "VALUES ('d4', 'up', '" "$engine: and the history row with its values"
  rm "$p"/migrations/versions/d4_*.sql
done
