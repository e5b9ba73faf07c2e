#!/usr/bin/env bash
# Ctrl-C (SIGINT) and SIGTERM during an upgrade: the running migration stops at once and rolls
# back, the ones before it stay committed, strata exits 130 saying so, and a rerun reaches head.
#
# The long migration counts to (SELECT n FROM knob) with a recursive CTE: 50 million steps,
# many seconds, far longer than the test waits.  Before the rerun the test lowers knob.n, so
# the script itself is never edited.
. "$(dirname "$0")/lib.sh"

# Write `url = URL` into DIR/strata.ini verbatim.  (lib.sh's new_project uses sed, where the '&'
# of a PostgreSQL socket URL, ?host=...&port=..., would stand for the matched text.)
set_url() { # DIR URL
  local line
  while IFS= read -r line; do
    case $line in "url = "*) printf 'url = %s\n' "$2" ;; *) printf '%s\n' "$line" ;; esac
  done < "$1/strata.ini" > "$1/strata.ini.new" && mv "$1/strata.ini.new" "$1/strata.ini"
}

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}
table_exists() {
  case "$1" in
    sqlite:*) sql "$1" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '$2'" ;;
    *) sql "$1" "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '$2'" ;;
  esac
}
# The version table, read without waiting: SQLite may hold an exclusive lock while the big
# migration spills its cache to the file, and then this prints nothing.
version_now() {
  case "$1" in
    sqlite:*) sqlite3 -batch "${1#sqlite:///}" "SELECT version_num FROM strata_version" 2>/dev/null ;;
    *) sql "$1" "SELECT version_num FROM strata_version" 2>/dev/null ;;
  esac
}

# interrupt ENGINE SIGNAL HOW: HOW is "write" (the long migration inserts 50 million rows) or
# "compute" (it computes as long, and writes a row per million).
interrupt() {
  local e=$1 sig=$2 how=$3 p url i v pid t0 t1 waited status
  p=$T/$e/$sig-$how
  url=$(fresh_url "$e" "intr_${sig}_$how")
  new_project "$p" && set_url "$p" "$url"
  add_rev "$p" a1 "" "knob" "CREATE TABLE knob (n INTEGER NOT NULL);
INSERT INTO knob (n) VALUES (50000000);" "DROP TABLE knob;"
  add_rev "$p" b2 a1 "small" "CREATE TABLE small (x INTEGER);
INSERT INTO small (x) VALUES (1), (2), (3);" "DROP TABLE small;"
  if [ "$how" = write ]; then
    add_rev "$p" c3 b2 "big" "CREATE TABLE big (x INTEGER NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM knob))
INSERT INTO big (x) SELECT x FROM c;" "DROP TABLE big;"
  else
    add_rev "$p" c3 b2 "big" "CREATE TABLE big (x INTEGER NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < (SELECT n FROM knob))
INSERT INTO big (x) SELECT x FROM c WHERE x % 1000000 = 0;" "DROP TABLE big;"
  fi
  add_rev "$p" d4 c3 "after" "CREATE TABLE after_big (x INTEGER);" "DROP TABLE after_big;"

  "$STRATA" -c "$p/strata.ini" upgrade head > "$p/out" 2> "$p/err" &
  pid=$!
  # Wait until a1 and b2 are committed: the version table says b2 (or, should SQLite's lock
  # hide it, the progress line of step 3, printed only after step 2 committed).
  for ((i = 0; i < 200; i++)); do
    v=$(version_now "$url")
    [ "$v" = b2 ] && break
    grep -q '^\[3/4\] upgrade b2 -> c3' "$p/err" && break
    sleep 0.02
  done
  if [ "$v" = b2 ] || grep -q '^\[3/4\] upgrade b2 -> c3' "$p/err"; then
    ok "$e $sig ($how): the first two migrations committed while the third runs"
  else
    not_ok "$e $sig ($how): the first two migrations committed while the third runs" "version: $v" "$(cat "$p/err")"
  fi
  sleep 0.3 # well inside the long statement
  kill -0 "$pid" 2>/dev/null && ok "$e $sig ($how): strata is still running the long migration" \
    || not_ok "$e $sig ($how): strata is still running the long migration" "$(cat "$p/err")"
  t0=$EPOCHREALTIME
  kill -s "$sig" "$pid"
  # Watchdog: without a working interrupt the migration would run on for many seconds.
  waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 80 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid" 2>/dev/null
    not_ok "$e $sig ($how): strata stops within 8 s of the signal"
  fi
  wait "$pid"
  status=$?
  t1=$EPOCHREALTIME
  ok "$e $sig ($how): strata stopped $(printf '%.0f' "$(echo "($t1 - $t0) * 1000" | bc)") ms after the signal"
  # For lib.sh's expect_* and their details.
  err=$(cat "$p/err") out=$(cat "$p/out") rc=$status last_cmd="strata upgrade head, then SIG$sig"
  expect_rc 130 "$e $sig ($how): exit code 130"
  expect_err "interrupted" "$e $sig ($how): the message says it was interrupted"
  expect_err "rolled back" "$e $sig ($how): the message says the migration was rolled back"
  expect_err "c3" "$e $sig ($how): the message names the migration"
  expect_err "The database is at b2" "$e $sig ($how): strata says where the database is"
  expect_eq "$e $sig ($how): the version table shows the last completed migration" b2 "$(sql "$url" 'SELECT version_num FROM strata_version')"
  if [ "$(table_exists "$url" big)" = 1 ]; then
    expect_eq "$e $sig ($how): the long migration's table has no rows" 0 "$(sql "$url" 'SELECT count(*) FROM big')"
  else
    ok "$e $sig ($how): the long migration's table does not exist"
  fi
  expect_eq "$e $sig ($how): the migration after it did not run" 0 "$(table_exists "$url" after_big)"
  expect_eq "$e $sig ($how): the committed migrations' data is there" 3 "$(sql "$url" 'SELECT count(*) FROM small')"
  expect_eq "$e $sig ($how): strata_history has a1 and b2 only" "a1|up
b2|up" "$(sql "$url" 'SELECT revision, direction FROM strata_history ORDER BY id')"
  if [ "$e" = sqlite ]; then
    check "$e $sig ($how): no rollback journal is left behind" test ! -e "${url#sqlite:///}-journal"
    expect_eq "$e $sig ($how): the database passes integrity_check" ok "$(sql "$url" 'PRAGMA integrity_check')"
  fi

  sql "$url" "UPDATE knob SET n = 1000" >/dev/null
  run -c "$p/strata.ini" upgrade head
  expect_rc 0 "$e $sig ($how): a rerun exits 0"
  expect_eq "$e $sig ($how): the rerun reaches head" d4 "$(sql "$url" 'SELECT version_num FROM strata_version')"
  expect_eq "$e $sig ($how): the rerun ran the long migration in full" \
    "$([ "$how" = write ] && echo 1000 || echo 0)" "$(sql "$url" 'SELECT count(*) FROM big')"
}

for engine in $(engines); do
  interrupt "$engine" INT write
  interrupt "$engine" TERM compute
done
