#!/usr/bin/env bash
# Security promises (issue 5, point 4), checked on what strata really leaves behind:
#   1. a password given in the URL appears nowhere: not in any command's output (success and
#      failure, verbose, JSON, offline SQL), and not in any table strata keeps (the whole
#      database is dumped and searched);
#   2. every file strata creates is not world-writable, even under `umask 000`;
#   3. strata never runs a shell or another program: neither the binary nor the library
#      imports system(), popen(), fork() or an exec*() function;
#   4. identifiers from the config are validated (refused with exit 5 before anything runs)
#      and quoted (a mixed-case version table keeps its case on PostgreSQL).
. "$(dirname "$0")/lib.sh"

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}
ini_set() { # FILE KEY VALUE
  if grep -q "^$2 = " "$1"; then sed -i "s|^$2 = .*|$2 = $3|" "$1"; else echo "$2 = $3" >> "$1"; fi
}

# ---- 1. the password, on a real PostgreSQL server over TCP ----------------------------------
if [ -z "${STRATA_PG_ADMIN_URL:-}" ]; then
  skip "password nowhere in output or tables" "no PostgreSQL cluster for this run"
else
  pw=$STRATA_PG_PASSWORD
  fresh_url postgresql sec_pw >/dev/null
  url="$STRATA_PG_TCP_URL_BASE/sec_pw"
  p=$T/pw
  new_project "$p" "$url"
  add_rev "$p" a1 "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
  add_rev "$p" b2 a1 "two" "CREATE TABLE two (id INTEGER);" "DROP TABLE two;"
  add_rev "$p" c3 b2 "fails" "CREATE TABLE three (id INTEGER);
SELECT no_such_function();" "DROP TABLE three;"
  all=""
  for args in "-v upgrade b2" "-v upgrade head" "current -v" "status" "status --json" \
              "history -i -v" "log" "log --json" "verify" "upgrade c3 --sql" "-v downgrade a1" \
              "-v stamp b2" "show head"; do
    # shellcheck disable=SC2086
    run_in "$p" $args
    all+="$out$err"
    expect_no "$pw" "with the URL in strata.ini: strata $args prints no password"
  done
  run_in "$p" upgrade b2 --url "$url"
  expect_rc 0 "with --url: upgrade works"
  expect_no "$pw" "with --url: no password printed"
  DATABASE_URL=$url run_in "$p" current -v
  expect_no "$pw" "with \$DATABASE_URL: no password printed"
  if grep -qF "three" <<< "$all" && grep -qF "no_such_function" <<< "$all"; then
    ok "the runs above really connected (the failing migration's error is there)"
  else
    not_ok "the runs above really connected" "$all"
  fi
  dump=$(pg_dump --no-owner "$(echo "$STRATA_PG_ADMIN_URL" | sed 's|/postgres?|/sec_pw?|')" 2>&1)
  if grep -qF "strata_history" <<< "$dump"; then
    ok "pg_dump of the database shows strata's tables"
  else
    not_ok "pg_dump of the database shows strata's tables" "$dump"
  fi
  if grep -qF "$pw" <<< "$dump"; then
    not_ok "no table strata keeps holds the password (pg_dump)" "$(grep -F "$pw" <<< "$dump")"
  else
    ok "no table strata keeps holds the password (pg_dump)"
  fi
  expect_eq "strata_history's applied_by is the OS user@host, not the connection's user or password" 0 \
    "$(sql "postgresql://postgres@/sec_pw?host=$STRATA_PG_DIR&port=$STRATA_PG_PORT" \
      "SELECT count(*) FROM strata_history WHERE applied_by LIKE '%$pw%' OR applied_by LIKE '%:%'")"
fi

# ---- 2. files strata creates are not world-writable ------------------------------------------
ww=$T/ww
(
  umask 000
  "$STRATA" init "$ww" >/dev/null 2>&1
  cd "$ww" || exit 1
  printf 'CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n' > schema.sql
  "$STRATA" revision -m "first" --rev-id a1 >/dev/null 2>&1
  "$STRATA" upgrade head >/dev/null 2>&1
  "$STRATA" revision -m "other branch" --rev-id b1 --head base --branch-label side >/dev/null 2>&1
  "$STRATA" merge -m "merge" --rev-id m1 heads >/dev/null 2>&1
  "$STRATA" upgrade heads >/dev/null 2>&1
  printf 'CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT);\n' > schema.sql
  "$STRATA" revision --autogenerate -m "add note" --rev-id g1 >/dev/null 2>&1
  "$STRATA" embed -o embedded.c --name app_migrations >/dev/null 2>&1
  mkdir -p ../foreign && printf 'CREATE TABLE f (x INTEGER);\n' > ../foreign/1_f.up.sql
  printf 'DROP TABLE f;\n' > ../foreign/1_f.down.sql
  "$STRATA" import --from golang-migrate ../foreign >/dev/null 2>&1
) 
for f in strata.ini migrations/script.sql.tmpl migrations/versions/a1_first.sql \
         migrations/versions/m1_merge.sql migrations/versions/g1_add_note.sql embedded.c app.db; do
  check "under umask 000, strata created $f" test -e "$ww/$f"
done
check "under umask 000, import wrote a revision" sh -c "ls '$ww'/migrations/versions/ | grep -q '_f'"
bad=$(find "$ww" -perm -o+w \( -type f -o -type d \) -not -name schema.sql -not -path "$ww" -printf '%m %p\n')
expect_eq "under umask 000, no file or folder strata created is world-writable" "" "$bad"

# ---- 3. no shell, no other program ---------------------------------------------------------
lib=$(dirname "$STRATA")/libstrata.so
[ -e "$lib" ] || lib=$(find "$(dirname "$STRATA")" -maxdepth 2 -name 'libstrata.so*' | head -n 1)
for bin in "$STRATA" $lib; do
  imports=$(nm -D --undefined-only "$bin" 2>/dev/null | awk '{print $NF}' | sed 's/@.*//')
  if [ -z "$imports" ]; then
    not_ok "$(basename "$bin"): nm lists its imports"
    continue
  fi
  found=$(grep -xE 'system|popen|fork|vfork|posix_spawnp?|exec(l|lp|le|v|vp|vpe|ve)|fexecve' <<< "$imports" | tr '\n' ' ')
  expect_eq "$(basename "$bin") imports no way to run a program (system, popen, fork, exec*)" "" "$found"
done

# ---- 4. identifiers from the config --------------------------------------------------------
v=$T/ident
new_project "$v"
add_rev "$v" a1 "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
for name in 'x; DROP TABLE one' 'a"b' "a'b" '1abc' 'a b' 'a.b.c'; do
  cp "$v/strata.ini" "$v/strata.ini.bak"
  ini_set "$v/strata.ini" version_table "$name"
  run_in "$v" upgrade head
  expect_rc 5 "version_table '$name' is refused (exit 5)"
  check "version_table '$name': nothing was created" test ! -e "$v/app.db"
  cp "$v/strata.ini.bak" "$v/strata.ini"
done
if [ -n "${STRATA_PG_ADMIN_URL:-}" ]; then
  url=$(fresh_url postgresql sec_ident)
  psql -XqAt "$url" -c 'CREATE SCHEMA "Audit"' >/dev/null
  new_project "$v/pg" "$url"
  add_rev "$v/pg" a1 "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
  ini_set "$v/pg/strata.ini" version_table Strata_Ver
  ini_set "$v/pg/strata.ini" version_table_schema Audit
  run_in "$v/pg" upgrade head
  expect_rc 0 "a mixed-case version table in a mixed-case schema works"
  expect_eq "its name keeps its case (it is quoted)" 'Audit.Strata_Ver|Audit.Strata_Ver_history' \
    "$(sql "$url" "SELECT string_agg(table_schema || '.' || table_name, '|' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'Audit'")"
  run_in "$v/pg" current
  expect_out "a1" "current reads it back"
fi
