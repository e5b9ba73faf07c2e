#!/usr/bin/env bash
# The PostgreSQL driver against a real server: rollback of a failing migration with the error's
# file:line:column, transaction:false sections (CREATE INDEX CONCURRENTLY, dollar quoting,
# "statement K of M"), connection failures without leaking passwords, the advisory migration
# lock (timeout, eight runners at once), interrupts and a lost connection.
. "$(dirname "$0")/lib.sh"

checks=(
  "failing migration: exit 1" "failing migration: file:line:col and server message"
  "failing migration: SQLSTATE shown" "failing migration: its DDL and DML are gone"
  "failing migration: version table still at N-1" "failing migration: no history row for it"
  "error without position: points at the failing statement" "error without position: server detail shown"
  "server DETAIL, HINT and CONTEXT shown" "NOTICEs are not printed"
  "transaction:false: CREATE INDEX CONCURRENTLY and a plpgsql body run" "transaction:false: the index is valid"
  "transaction:false: the function works" "transaction:false: version recorded"
  "transaction:false failure: names statement K of M" "transaction:false failure: file:line:col of that statement"
  "transaction:false failure: earlier statements stay" "transaction:false failure: version unchanged"
  "CREATE INDEX CONCURRENTLY in a transaction: hint to use transaction:false"
  "search_path: strata's tables go where it points" "search_path: a second upgrade finds them"
  "version_table_schema: tables in that schema" "version_table_schema: current reads them"
  "wrong password: exit 1" "wrong password: clear message" "wrong password: password not printed"
  "malformed URL: password not printed" "'@' in the password: not printed"
  "right password over TCP: upgrade works" "right password: not printed"
  "unreachable host: exit 1" "unreachable host: message" "missing database: exit 1" "missing database: message and hint"
  "permission denied: exit 1" "permission denied: message and hint"
  "lock timeout: exit 4" "lock timeout: message" "lock timeout: names the holder" "lock timeout: gives up in time"
  "lock released: upgrade proceeds" "lock_timeout in a migration: exit 4" "lock_timeout in a migration: message"
  "eight runners: all exit 0" "eight runners: each revision applied once" "eight runners: one version row"
  "eight runners: the concurrent index is valid"
  "interrupt: exit 130" "interrupt: stops quickly" "interrupt: the migration rolled back"
  "lost connection: exit 1" "lost connection: message" "lost connection: nothing committed"
)
if [ -z "${STRATA_PG_ADMIN_URL:-}" ]; then
  for c in "${checks[@]}"; do skip "$c" "no PostgreSQL"; done
  exit 0
fi

# pg_project DIR URL: new_project, with the URL written verbatim (lib.sh's sed would turn the
# '&' of a socket URL's query into the matched text).
pg_project() {
  local line
  new_project "$1" || return 1
  while IFS= read -r line; do
    case $line in "url = "*) printf 'url = %s\n' "$2" ;; *) printf '%s\n' "$line" ;; esac
  done < "$1/strata.ini" > "$1/strata.ini.new" && mv "$1/strata.ini.new" "$1/strata.ini"
}
sock_url() { echo "postgresql://${2:-postgres}@/$1?host=$STRATA_PG_DIR&port=$STRATA_PG_PORT"; }
admin() { psql -XqAt -v ON_ERROR_STOP=1 "$STRATA_PG_ADMIN_URL" "$@"; }
admin_db() { local db=$1; shift; psql -XqAt -v ON_ERROR_STOP=1 "$(sock_url "$db")" "$@"; }
# write_rev DIR FILE < TEXT: a revision file written verbatim (for section options).
write_rev() { cat > "$1/migrations/versions/$2"; }
# The migration lock's id, as the driver computes it: 64-bit FNV-1a of "schema.table".
lock_key() {
  python3 -c 'import sys
h = 0xcbf29ce484222325
for b in sys.argv[1].encode():
    h = ((h ^ b) * 0x100000001b3) % 2**64
print(h - 2**64 if h >= 2**63 else h)' "$1"
}
# wait_for URL QUERY: poll until QUERY returns t (10 s at most).
wait_for() {
  local i
  for i in $(seq 100); do
    [ "$(sql "$1" "$2" 2>/dev/null)" = t ] && return 0
    sleep 0.1
  done
  return 1
}

# ---- a failing migration N of M rolls back completely ----------------------------------------
p=$T/fail; url=$(fresh_url postgresql pg_fail)
pg_project "$p" "$url"
add_rev "$p" a1 "" "create account" "CREATE TABLE account (id int PRIMARY KEY, name text);" "DROP TABLE account;"
add_rev "$p" b2 a1 "second" "CREATE TABLE t2 (id int);
INSERT INTO account VALUES (1, 'x');
   SELECT nosuch_col FROM account;" "DROP TABLE t2;"
add_rev "$p" c3 b2 "third" "CREATE TABLE t3 (id int);" "DROP TABLE t3;"
run_in "$p" upgrade head
expect_rc 1 "failing migration: exit 1"
expect_err 'b2_second.sql:8:11: error: upgrade b2 failed: column "nosuch_col" does not exist' \
  "failing migration: file:line:col and server message"
expect_err "SQLSTATE 42703" "failing migration: SQLSTATE shown"
check "failing migration: its DDL and DML are gone" test "$(sql "$url" \
  "SELECT to_regclass('t2') IS NULL AND to_regclass('t3') IS NULL AND (SELECT count(*) FROM account) = 0")" = t
check "failing migration: version table still at N-1" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = a1
check "failing migration: no history row for it" test "$(sql "$url" \
  "SELECT string_agg(revision || ':' || direction, ',') FROM strata_history")" = a1:up

# No position from the server (a duplicate key): the failing statement's first line.
p=$T/nopos; url=$(fresh_url postgresql pg_nopos)
pg_project "$p" "$url"
add_rev "$p" a1 "" "dup" "CREATE TABLE k (id int PRIMARY KEY);
INSERT INTO k VALUES (1);
INSERT INTO k
  VALUES (1);" "DROP TABLE k;"
run_in "$p" upgrade head
expect_err 'a1_dup.sql:7:1: error: upgrade a1 failed: duplicate key value violates unique constraint "k_pkey"' \
  "error without position: points at the failing statement"
expect_err "Key (id)=(1) already exists." "error without position: server detail shown"

# The server's DETAIL, HINT and CONTEXT reach the user; NOTICEs do not.
p=$T/raise; url=$(fresh_url postgresql pg_raise)
pg_project "$p" "$url"
add_rev "$p" a1 "" "raise" "CREATE TABLE IF NOT EXISTS r (id int);
CREATE TABLE IF NOT EXISTS r (id int);
DO \$\$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'the detail', HINT = 'the hint'; END \$\$;" ""
run_in "$p" upgrade head
if grep -qF "upgrade a1 failed: boom" <<< "$err" && grep -qF "the detail" <<< "$err" &&
   grep -qF "hint: the hint" <<< "$err" && grep -qF "context: PL/pgSQL function" <<< "$err"; then
  ok "server DETAIL, HINT and CONTEXT shown"
else
  not_ok "server DETAIL, HINT and CONTEXT shown" "$(detail)"
fi
expect_no "NOTICE" "NOTICEs are not printed"

# ---- transaction:false sections -----------------------------------------------------------------
p=$T/notx; url=$(fresh_url postgresql pg_notx)
pg_project "$p" "$url"
add_rev "$p" a1 "" "create account" "CREATE TABLE account (id int PRIMARY KEY, name text);
INSERT INTO account SELECT g, 'n' || g FROM generate_series(1, 1000) g;" "DROP TABLE account;"
write_rev "$p" b2_concurrent.sql <<'EOF'
-- revision: b2
-- down_revision: a1
-- message: concurrent

-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY ix_account_name ON account (name);
CREATE FUNCTION bump(x int) RETURNS text LANGUAGE plpgsql AS $fn$
DECLARE
  y int;  -- a ; in a comment, and $$ in a dollar-quoted body
BEGIN
  y := x + 1;
  RETURN $$it's $$ || y || ';' || E'\';';
END;
$fn$;
/* a comment /* nested ; */ with ; */
COMMENT ON INDEX ix_account_name IS $$semi;colon$$;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY ix_account_name;
DROP FUNCTION bump(int);
EOF
run_in "$p" upgrade head
expect_rc 0 "transaction:false: CREATE INDEX CONCURRENTLY and a plpgsql body run"
check "transaction:false: the index is valid" test "$(sql "$url" \
  "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_account_name'::regclass")" = t
check "transaction:false: the function works" test "$(sql "$url" "SELECT bump(1)")" = "it's 2;';"
check "transaction:false: version recorded" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = b2

write_rev "$p" c3_broken.sql <<'EOF'
-- revision: c3
-- down_revision: b2
-- message: broken

-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY ix_account_id2 ON account (id);
CREATE TABLE c3_t (id int);
SELECT 1,
       no_such_column FROM account;
CREATE TABLE c3_never (id int);
-- migrate:down
EOF
run_in "$p" upgrade head
expect_err 'c3_broken.sql:9:8: error: upgrade c3 failed: statement 3 of 4: column "no_such_column" does not exist' \
  "transaction:false failure: names statement K of M"
expect_err "c3_broken.sql:9:8:" "transaction:false failure: file:line:col of that statement"
check "transaction:false failure: earlier statements stay" test "$(sql "$url" \
  "SELECT to_regclass('ix_account_id2') IS NOT NULL AND to_regclass('c3_t') IS NOT NULL AND to_regclass('c3_never') IS NULL")" = t
check "transaction:false failure: version unchanged" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = b2

# Forgetting transaction:false: strata sees it before running anything (PostgreSQL's own
# grammar classifies the statement) and says what to do; nothing of the migration ran.
p=$T/forgot; url=$(fresh_url postgresql pg_forgot)
pg_project "$p" "$url"
add_rev "$p" a1 "" "forgot" "CREATE TABLE f (id int);
CREATE INDEX CONCURRENTLY ix_f ON f (id);" ""
run_in "$p" upgrade head
if [ "$rc" -eq 6 ] && grep -qF "cannot run inside a transaction block" <<< "$err" &&
   grep -qF "transaction:false" <<< "$err" && grep -qE "a1_forgot.sql:[0-9]+:1:" <<< "$err" &&
   [ "$(sql "$url" "SELECT to_regclass('f') IS NULL")" = t ]; then
  ok "CREATE INDEX CONCURRENTLY in a transaction: hint to use transaction:false"
else
  not_ok "CREATE INDEX CONCURRENTLY in a transaction: hint to use transaction:false" "$(detail)"
fi

# ---- where strata's tables live ----------------------------------------------------------------------
# Without version_table_schema, the user's search_path decides, for creating and for finding.
p=$T/sp; url=$(fresh_url postgresql pg_sp)
admin_db pg_sp -c "CREATE SCHEMA app" -c "ALTER DATABASE pg_sp SET search_path = app" >/dev/null
pg_project "$p" "$url"
add_rev "$p" a1 "" "one" "CREATE TABLE one (id int);" "DROP TABLE one;"
run_in "$p" upgrade head
check "search_path: strata's tables go where it points" test "$(sql "$url" \
  "SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY tablename) FROM pg_tables
   WHERE tablename IN ('one', 'strata_version', 'strata_history')")" = "app.one,app.strata_history,app.strata_version"
run_in "$p" upgrade head
expect_err "Nothing to do" "search_path: a second upgrade finds them"

p=$T/vts; url=$(fresh_url postgresql pg_vts)
admin_db pg_vts -c 'CREATE SCHEMA "Ops"' >/dev/null
pg_project "$p" "$url"
printf 'version_table_schema = Ops\n' >> "$p/strata.ini"
add_rev "$p" a1 "" "one" "CREATE TABLE one (id int);" "DROP TABLE one;"
run_in "$p" upgrade head
check "version_table_schema: tables in that schema" test "$(sql "$url" \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'Ops' AND tablename LIKE 'strata_%'")" = 2
run_in "$p" current
expect_out "a1 (head)" "version_table_schema: current reads them"

# ---- connecting -----------------------------------------------------------------------------------
p=$T/conn; fresh_url postgresql pg_conn >/dev/null
new_project "$p" "sqlite:///unused.db"
add_rev "$p" a1 "" "one" "CREATE TABLE one (id int);" "DROP TABLE one;"
bad_pw=Wr0ng-Secret-4711
run_in "$p" --url "postgresql://postgres:$bad_pw@127.0.0.1:$STRATA_PG_PORT/pg_conn" upgrade head
expect_rc 1 "wrong password: exit 1"
expect_err 'password authentication failed for user "postgres"' "wrong password: clear message"
expect_no "$bad_pw" "wrong password: password not printed"

# libpq quotes pieces of a URL it cannot parse, and the host part of one whose password holds
# an unencoded '@': strata hides the password there too.
run_in "$p" --url "postgresql://postgres:Se%ZZcret-4711@127.0.0.1:$STRATA_PG_PORT/pg_conn" upgrade head
if [ "$rc" -eq 1 ] && grep -qF "invalid percent-encoded token" <<< "$err" && ! grep -qF "cret-4711" <<< "$out$err"; then
  ok "malformed URL: password not printed"
else
  not_ok "malformed URL: password not printed" "$(detail)"
fi
run_in "$p" --url "postgresql://postgres:pass@word-4711@127.0.0.1:$STRATA_PG_PORT/pg_conn" upgrade head
if [ "$rc" -eq 1 ] && ! grep -qF "word-4711" <<< "$out$err"; then
  ok "'@' in the password: not printed"
else
  not_ok "'@' in the password: not printed" "$(detail)"
fi

run_in "$p" -v --url "$STRATA_PG_TCP_URL_BASE/pg_conn" upgrade head
expect_rc 0 "right password over TCP: upgrade works"
expect_no "$STRATA_PG_PASSWORD" "right password: not printed"

run_in "$p" --url "postgresql://u@127.0.0.1:1/x" upgrade head
expect_rc 1 "unreachable host: exit 1"
if grep -qF "cannot connect to postgresql://u@127.0.0.1:1/x" <<< "$err" && grep -qF "Connection refused" <<< "$err"; then
  ok "unreachable host: message"
else
  not_ok "unreachable host: message" "$(detail)"
fi

admin -c 'DROP DATABASE IF EXISTS pg_nosuch' >/dev/null 2>&1
run_in "$p" --url "$(sock_url pg_nosuch)" upgrade head
expect_rc 1 "missing database: exit 1"
if grep -qF 'database "pg_nosuch" does not exist' <<< "$err" && grep -qF "hint: create the database" <<< "$err"; then
  ok "missing database: message and hint"
else
  not_ok "missing database: message and hint" "$(detail)"
fi

# A role without CREATE on schema public (PostgreSQL 15 grants it to nobody by default).
fresh_url postgresql pg_perm >/dev/null
admin -c "DROP ROLE IF EXISTS strata_limited" -c "CREATE ROLE strata_limited LOGIN" >/dev/null 2>&1
admin_db pg_perm -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC" >/dev/null 2>&1
run_in "$p" --url "$(sock_url pg_perm strata_limited)" upgrade head
expect_rc 1 "permission denied: exit 1"
if grep -qF "permission denied for schema public" <<< "$err" && grep -qF 'role "strata_limited"' <<< "$err"; then
  ok "permission denied: message and hint"
else
  not_ok "permission denied: message and hint" "$(detail)"
fi

# ---- the migration lock ---------------------------------------------------------------------------
p=$T/lock; url=$(fresh_url postgresql pg_lock)
pg_project "$p" "$url"
add_rev "$p" a1 "" "one" "CREATE TABLE one (id int);" "DROP TABLE one;"
key=$(lock_key ".strata_version")
PGAPPNAME=lockholder psql -XqAt "$url" -c "SELECT pg_advisory_lock($key)" -c "SELECT pg_sleep(120)" \
  >/dev/null 2>&1 &
holder=$!
wait_for "$url" "SELECT count(*) = 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
t0=$(date +%s%N)
run_in "$p" upgrade --lock-timeout 1s head
t1=$(date +%s%N)
expect_rc 4 "lock timeout: exit 4"
expect_err "could not get the migration lock within 1000 ms; another strata runner holds it" "lock timeout: message"
expect_err "(application lockholder" "lock timeout: names the holder"
ms=$(( (t1 - t0) / 1000000 ))
if [ "$ms" -ge 900 ] && [ "$ms" -lt 8000 ]; then ok "lock timeout: gives up in time"; else
  not_ok "lock timeout: gives up in time" "took $ms ms"; fi
sql "$url" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lockholder'" >/dev/null
wait "$holder" 2>/dev/null
run_in "$p" upgrade --lock-timeout 10s head
expect_rc 0 "lock released: upgrade proceeds"

# A table lock the migration cannot get within the server's lock_timeout (SQLSTATE 55P03).
add_rev "$p" b2 a1 "alter" "SET lock_timeout = '200ms';
ALTER TABLE one ADD COLUMN x int;" "ALTER TABLE one DROP COLUMN x;"
PGAPPNAME=tableholder psql -XqAt "$url" -c "BEGIN" -c "LOCK TABLE one" -c "SELECT pg_sleep(120)" \
  >/dev/null 2>&1 &
holder=$!
wait_for "$url" "SELECT count(*) = 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
  WHERE c.relname = 'one' AND l.mode = 'AccessExclusiveLock' AND l.granted"
run_in "$p" upgrade head
expect_rc 4 "lock_timeout in a migration: exit 4"
expect_err "b2_alter.sql:7:1: error: upgrade b2 failed: canceling statement due to lock timeout" \
  "lock_timeout in a migration: message"
sql "$url" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tableholder'" >/dev/null
wait "$holder" 2>/dev/null

# Eight runners at once on one database; one migration builds an index concurrently, which
# waits for every older snapshot: waiting runners must hold none (no pg_advisory_lock).
p=$T/eight; url=$(fresh_url postgresql pg_eight)
pg_project "$p" "$url"
add_rev "$p" a1 "" "create account" "CREATE TABLE account (id int PRIMARY KEY, name text);
INSERT INTO account SELECT g, 'n' || g FROM generate_series(1, 20000) g;" "DROP TABLE account;"
write_rev "$p" b2_index.sql <<'EOF'
-- revision: b2
-- down_revision: a1
-- message: index

-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY ix_account_name ON account (name);
-- migrate:down transaction:false
DROP INDEX CONCURRENTLY ix_account_name;
EOF
add_rev "$p" c3 b2 "more" "ALTER TABLE account ADD COLUMN email text;" "ALTER TABLE account DROP COLUMN email;"
pids=()
for i in 1 2 3 4 5 6 7 8; do
  (cd "$p" && exec timeout 120 "$STRATA" upgrade head >"$T/eight.$i.out" 2>&1) &
  pids+=($!)
done
bad=""
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || bad="$bad runner $((i + 1)) exit $?: $(cat "$T/eight.$((i + 1)).out")"
done
if [ -z "$bad" ]; then ok "eight runners: all exit 0"; else not_ok "eight runners: all exit 0" "$bad"; fi
check "eight runners: each revision applied once" test "$(sql "$url" \
  "SELECT string_agg(revision || ':' || direction || ':' || n, ',' ORDER BY revision) FROM
     (SELECT revision, direction, count(*) AS n FROM strata_history GROUP BY 1, 2) h")" = "a1:up:1,b2:up:1,c3:up:1"
check "eight runners: one version row" test "$(sql "$url" "SELECT string_agg(version_num, ',') FROM strata_version")" = c3
check "eight runners: the concurrent index is valid" test "$(sql "$url" \
  "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_account_name'::regclass")" = t

# ---- interrupting, and losing the connection --------------------------------------------------------
p=$T/intr; url=$(fresh_url postgresql pg_intr)
pg_project "$p" "$url"
add_rev "$p" a1 "" "slow" "CREATE TABLE slow_t (id int);
SELECT pg_sleep(60);" "DROP TABLE slow_t;"
(cd "$p" && exec "$STRATA" upgrade head >"$T/intr.out" 2>&1) &
runner=$!
wait_for "$url" "SELECT count(*) = 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND application_name = 'strata'"
t0=$(date +%s%N)
kill -INT "$runner"
wait "$runner"
rc=$?
t1=$(date +%s%N)
out=$(cat "$T/intr.out"); err=$out; last_cmd="strata upgrade head (SIGINT)"
expect_rc 130 "interrupt: exit 130"
ms=$(( (t1 - t0) / 1000000 ))
if [ "$ms" -lt 10000 ]; then ok "interrupt: stops quickly"; else not_ok "interrupt: stops quickly" "took $ms ms"; fi
check "interrupt: the migration rolled back" test "$(sql "$url" \
  "SELECT to_regclass('slow_t') IS NULL AND NOT EXISTS (SELECT 1 FROM strata_version)")" = t

p=$T/lost; url=$(fresh_url postgresql pg_lost)
pg_project "$p" "$url"
add_rev "$p" a1 "" "lost" "CREATE TABLE lost_t (id int);
SELECT pg_terminate_backend(pg_backend_pid());" "DROP TABLE lost_t;"
run_in "$p" upgrade head
expect_rc 1 "lost connection: exit 1"
expect_err "lost the connection to the server" "lost connection: message"
if grep -qF "nothing of the current migration was committed" <<< "$err" &&
   [ "$(sql "$url" "SELECT to_regclass('lost_t') IS NULL")" = t ]; then
  ok "lost connection: nothing committed"
else
  not_ok "lost connection: nothing committed" "$(detail)"
fi
