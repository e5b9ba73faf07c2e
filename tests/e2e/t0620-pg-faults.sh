#!/usr/bin/env bash
# PostgreSQL server faults:
#   1. strata's backend terminated (pg_terminate_backend, found by application_name 'strata')
#      while a long migration runs: in pg_sleep, and in a big INSERT;
#   2. the same in a transaction:false section, between its statements;
#   3. the server stopped between two runs (strata fails at once, saying it cannot connect,
#      without the password), then started again (the next run carries on);
#   4. the server crashing (immediate shutdown) during a migration, then starting again.
# Each time: exit 1 with a message that says the connection was lost, nothing of the running
# migration committed, the version table at the previous revision, and a rerun reaches head.
#
# The long migrations read their length from a table (knob) that the test lowers before the
# rerun, so no script is ever edited.
. "$(dirname "$0")/lib.sh"

if [ -z "${STRATA_PG_ADMIN_URL:-}" ]; then
  skip "PostgreSQL server faults" "no PostgreSQL cluster (STRATA_TEST_PG=0)"
  exit 0
fi

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}
table_exists() { sql "$1" "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = '$2'"; }
pg_ctl() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$STRATA_PG_BIN/pg_ctl" -D "$STRATA_PG_DIR/data" "$@"
  else
    "$STRATA_PG_BIN/pg_ctl" -D "$STRATA_PG_DIR/data" "$@"
  fi
}
# `pg_ctl restart` on a stopped server starts it with the options it last ran with
# (postmaster.opts): the socket folder and port of the test cluster.
server_start() { pg_ctl -w -t 60 -l "$STRATA_PG_DIR/log" restart >/dev/null 2>&1; }
server_up() { psql -XqAt "$STRATA_PG_ADMIN_URL" -c 'SELECT 1' >/dev/null 2>&1; }
# Whatever happens here, the cluster must be up for the test files after this one.
trap 'server_up || server_start; rm -rf "$T"' EXIT

# The strata backend of database DB and what it does now.
strata_backend() { # DB CONDITION
  sql "$STRATA_PG_ADMIN_URL" "SELECT pid FROM pg_stat_activity WHERE datname = '$1' AND application_name = 'strata' AND $2 LIMIT 1"
}
wait_backend() { # DB CONDITION: up to 10 s
  local i pid
  for ((i = 0; i < 500; i++)); do
    pid=$(strata_backend "$1" "$2")
    [ -n "$pid" ] && { echo "$pid"; return 0; }
    sleep 0.02
  done
  return 1
}
# Wait for a background strata (up to 15 s), then set $rc, $out, $err like lib.sh's run.
finish() { # PID DIR WHAT
  local i
  for ((i = 0; i < 150; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1" 2>/dev/null
    not_ok "$3: strata ends within 15 s of the fault"
  fi
  wait "$1"
  rc=$?
  out=$(<"$2/out") err=$(<"$2/err") last_cmd="strata upgrade head ($3)"
  grep -v '^\[' <<< "$err" | head -4 | sed 's/^/#   /' # what strata said
}

# A project: a1 creates knob(n), b2 a small table, c3 the long migration, d4 one more table.
make_project() { # NAME C3_HEADER_OPTION C3_SQL
  local p=$T/$1
  url=$(fresh_url postgresql "$1")
  new_project "$p" "$url"
  add_rev "$p" a1 "" "knob" "CREATE TABLE knob (n INTEGER NOT NULL);
INSERT INTO knob (n) VALUES (60);" "DROP TABLE knob;"
  add_rev "$p" b2 a1 "small" "CREATE TABLE small (x INTEGER);
INSERT INTO small (x) VALUES (1), (2), (3);" "DROP TABLE small;"
  add_rev "$p" c3 b2 "long" "$3" "DROP TABLE IF EXISTS big; DROP TABLE IF EXISTS big2;"
  if [ -n "$2" ]; then
    sed -i "s/^-- migrate:up$/-- migrate:up $2/" "$p"/migrations/versions/c3_*.sql
  fi
  add_rev "$p" d4 c3 "after" "CREATE TABLE after_long (x INTEGER);" "DROP TABLE after_long;"
  P=$p
}

# Checks after a fault in c3: the database is at b2 with a1 and b2's data, and a rerun (with
# the knob lowered) reaches d4.
after_fault() { # WHAT BIG_TABLE_MAY_EXIST BIG_ROWS_AFTER_RERUN
  local what=$1
  expect_eq "$what: the version table is at the previous revision" b2 "$(sql "$url" 'SELECT version_num FROM strata_version')"
  if [ "$2" = no ]; then
    expect_eq "$what: nothing of the interrupted migration was committed" 0 "$(table_exists "$url" big)"
  fi
  expect_eq "$what: strata_history has a1 and b2 only" "a1|up
b2|up" "$(sql "$url" "SELECT revision, direction FROM strata_history WHERE direction <> 'failed' ORDER BY id")"
  expect_eq "$what: the committed migrations' data is there" 3 "$(sql "$url" 'SELECT count(*) FROM small')"
  expect_eq "$what: the migration after it did not run" 0 "$(table_exists "$url" after_long)"
  sql "$url" "UPDATE knob SET n = 0" >/dev/null
  run -c "$P/strata.ini" upgrade head
  expect_rc 0 "$what: a rerun exits 0"
  expect_eq "$what: the rerun reaches head" d4 "$(sql "$url" 'SELECT version_num FROM strata_version')"
  expect_eq "$what: the rerun ran the long migration in full" "$3" "$(sql "$url" 'SELECT count(*) FROM big')"
}

# ---- 1. pg_terminate_backend during a long transactional migration -----------------------
for how in sleep insert; do
  what="terminated in $how"
  if [ $how = sleep ]; then
    make_project "term_$how" "" "CREATE TABLE big (x INTEGER NOT NULL);
INSERT INTO big (x) SELECT g FROM generate_series(1, 1000) g;
SELECT pg_sleep((SELECT n FROM knob));"
    cond="wait_event = 'PgSleep'"
    rows=1000
  else
    make_project "term_$how" "" "CREATE TABLE big (x INTEGER NOT NULL);
INSERT INTO big (x) SELECT g FROM generate_series(1, (SELECT n FROM knob) * 1000000) g;"
    cond="state = 'active' AND query LIKE '%generate_series%'"
    rows=0
  fi
  db=term_$how
  mkdir -p "$P/run"
  "$STRATA" -c "$P/strata.ini" upgrade head > "$P/run/out" 2> "$P/run/err" &
  pid=$!
  if bpid=$(wait_backend "$db" "$cond"); then
    ok "$what: strata's backend ($bpid) is running c3"
    sleep 0.2 # well inside it
    expect_eq "$what: pg_terminate_backend succeeds" t \
      "$(sql "$STRATA_PG_ADMIN_URL" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'strata'")"
  else
    not_ok "$what: strata's backend is running c3" "$(cat "$P/run/err")"
  fi
  finish "$pid" "$P/run" "$what"
  expect_rc 1 "$what: exit code 1"
  expect_err "lost the connection" "$what: the message says the connection was lost"
  expect_err "c3" "$what: the message names the migration"
  expect_err "nothing of the current migration was committed" "$what: the message says nothing of it was committed"
  expect_no "Segmentation" "$what: no crash"
  after_fault "$what" no "$rows"
done

# ---- 2. terminated between the statements of a transaction:false section ----------------
what="terminated in a transaction:false section"
make_project term_notxn "transaction:false" "CREATE TABLE IF NOT EXISTS big (x INTEGER NOT NULL);
SELECT pg_sleep((SELECT n FROM knob));
CREATE TABLE IF NOT EXISTS big2 (x INTEGER);"
mkdir -p "$P/run"
"$STRATA" -c "$P/strata.ini" upgrade head > "$P/run/out" 2> "$P/run/err" &
pid=$!
if wait_backend term_notxn "wait_event = 'PgSleep'" >/dev/null; then
  sql "$STRATA_PG_ADMIN_URL" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'term_notxn' AND application_name = 'strata'" >/dev/null
else
  not_ok "$what: strata's backend is running c3" "$(cat "$P/run/err")"
fi
finish "$pid" "$P/run" "$what"
expect_rc 1 "$what: exit code 1"
expect_err "lost the connection" "$what: the message says the connection was lost"
expect_err "statement 2 of 3" "$what: the message names the statement"
expect_eq "$what: the statement before it stays applied (as documented)" 1 "$(table_exists "$url" big)"
expect_eq "$what: the statement after it did not run" 0 "$(table_exists "$url" big2)"
after_fault "$what" yes 0

# ---- 3. the server stopped between two runs, then started again ------------------------------
what="server stopped between runs"
make_project stopped "" "CREATE TABLE big (x INTEGER NOT NULL);
INSERT INTO big (x) SELECT g FROM generate_series(1, 10) g;"
run -c "$P/strata.ini" upgrade b2
expect_rc 0 "$what: upgrade b2 exits 0"
tcp_url="$STRATA_PG_TCP_URL_BASE/stopped"
if pg_ctl -m fast -w stop >/dev/null 2>&1 && ! server_up; then
  ok "$what: the server is stopped"
  t0=$EPOCHREALTIME
  run -c "$P/strata.ini" upgrade head
  t1=$EPOCHREALTIME
  expect_rc 1 "$what: upgrade exits 1"
  expect_err "cannot connect" "$what: the message says strata cannot connect"
  ms=$(( (${t1/./} - ${t0/./}) / 1000 ))
  if [ "$ms" -lt 5000 ]; then ok "$what: it fails at once (${ms} ms)"; else not_ok "$what: it fails at once (${ms} ms)"; fi
  run -c "$P/strata.ini" --url "$tcp_url" upgrade head
  expect_rc 1 "$what: over TCP with a password, upgrade exits 1"
  expect_err "cannot connect" "$what: over TCP, the message says strata cannot connect"
  expect_no "$STRATA_PG_PASSWORD" "$what: the password is not printed"
  run -c "$P/strata.ini" current
  expect_rc 1 "$what: current exits 1"
else
  not_ok "$what: the server is stopped"
fi
if server_start && server_up; then
  ok "$what: the server is started again"
else
  not_ok "$what: the server is started again" "$(tail -20 "$STRATA_PG_DIR/log")"
fi
run -c "$P/strata.ini" current
expect_rc 0 "$what: after the restart, current exits 0"
expect_out "b2" "$what: after the restart, the database is still at b2"
run -c "$P/strata.ini" --url "$tcp_url" upgrade head
expect_rc 0 "$what: after the restart, upgrade head exits 0"
expect_eq "$what: after the restart, the database is at head" d4 "$(sql "$url" 'SELECT version_num FROM strata_version')"

# ---- 4. the server crashes (immediate shutdown) during a migration ----------------------------
what="server crash during a migration"
make_project crashed "" "CREATE TABLE big (x INTEGER NOT NULL);
INSERT INTO big (x) SELECT g FROM generate_series(1, 1000) g;
SELECT pg_sleep((SELECT n FROM knob));"
mkdir -p "$P/run"
"$STRATA" -c "$P/strata.ini" upgrade head > "$P/run/out" 2> "$P/run/err" &
pid=$!
if wait_backend crashed "wait_event = 'PgSleep'" >/dev/null; then
  ok "$what: strata's backend is running c3"
  # The test cluster runs with synchronous_commit=off and fsync=off: a crash may lose the
  # last commits (a1, b2) unless they reach the disk first.  A checkpoint writes them (and
  # c3's uncommitted work, which recovery must then treat as aborted).
  sql "$STRATA_PG_ADMIN_URL" "CHECKPOINT" >/dev/null
  pg_ctl -m immediate -w stop >/dev/null 2>&1
else
  not_ok "$what: strata's backend is running c3" "$(cat "$P/run/err")"
fi
finish "$pid" "$P/run" "$what"
expect_rc 1 "$what: exit code 1"
expect_err "lost the connection" "$what: the message says the connection was lost"
expect_err "nothing of the current migration was committed" "$what: the message says nothing of it was committed"
if server_start && server_up; then
  ok "$what: the server recovers and starts again"
else
  not_ok "$what: the server recovers and starts again" "$(tail -20 "$STRATA_PG_DIR/log")"
fi
after_fault "$what" no 1000
