#!/usr/bin/env bash
# stamp (no SQL run, rows and history written), stamp base, stamp --purge; offline --sql mode:
# no database needed, BEGIN/COMMIT per migration, the migration SQL, the version-table
# statements, ranges; and the offline script applied by hand equals an online upgrade.
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
rows() { sql "$1" "SELECT version_num FROM strata_version ORDER BY version_num" | tr '\n' ' ' | sed 's/ $//'; }
user_tables() {
  case "$1" in
    sqlite:*) sql "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'strata%' ORDER BY name" ;;
    *) sql "$1" "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'strata%' ORDER BY 1" ;;
  esac | tr '\n' ' ' | sed 's/ $//'
}
# Everything about the schema that an upgrade should reproduce exactly.
schema_dump() {
  case "$1" in
    sqlite:*) sql "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name" ;;
    *) sql "$1" "SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '')
                 FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2"
       sql "$1" "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1" ;;
  esac
}
apply_sql() { # URL FILE: run a script with the engine's own client
  case "$1" in
    sqlite:*) sqlite3 -batch -bail "${1#sqlite:///}" < "$2" ;;
    *) psql -XqAt -v ON_ERROR_STOP=1 "$1" -f "$2" >/dev/null ;;
  esac
}

make_project() { # DIR URL
  new_project "$1" && set_url "$1" "$2"
  add_rev "$1" a1 "" "create account" \
"CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO account (id, name) VALUES (1, 'O''Brien');" \
"DROP TABLE account;"
  add_rev "$1" b2 a1 "create project" \
"CREATE TABLE project (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES account (id));" \
"DROP TABLE project;"
  add_rev "$1" c3 b2 "index project" \
"CREATE INDEX ix_project_account ON project (account_id);" \
"DROP INDEX ix_project_account;"
}

# ---- stamp ------------------------------------------------------------------------------------
for engine in $(engines); do
  e=$engine
  p=$T/$e/stamp
  url=$(fresh_url "$e" stamp)
  make_project "$p" "$url"

  run_in "$p" stamp b2
  expect_rc 0 "$e: stamp REV exits 0"
  expect_err "Stamped: the database is at b2" "$e: stamp says where the database is"
  expect_eq "$e: stamp REV writes the version row" "b2" "$(rows "$url")"
  expect_eq "$e: stamp REV runs no migration SQL (no user table)" "" "$(user_tables "$url")"
  expect_eq "$e: stamp REV logs one 'stamp' row for REV" "b2|stamp" \
    "$(sql "$url" "SELECT revision, direction FROM strata_history ORDER BY id")"
  expect_eq "$e: the stamp row carries the file's checksum" \
    "$(sha256sum "$p"/migrations/versions/b2_*.sql | cut -d' ' -f1)" \
    "$(sql "$url" "SELECT checksum FROM strata_history WHERE revision = 'b2'")"
  run_in "$p" current
  expect_eq "$e: current after stamp" "b2, create project" "$out"

  run_in "$p" stamp head
  expect_rc 0 "$e: stamp head exits 0"
  expect_eq "$e: stamp head moves the row to the head" "c3" "$(rows "$url")"
  expect_eq "$e: still no user table after stamp head" "" "$(user_tables "$url")"

  run_in "$p" stamp a1
  expect_rc 0 "$e: stamp backwards exits 0"
  expect_eq "$e: stamp backwards moves the row back" "a1" "$(rows "$url")"

  n=$(sql "$url" "SELECT max(id) FROM strata_history")
  run_in "$p" stamp base
  expect_rc 0 "$e: stamp base exits 0"
  expect_eq "$e: stamp base empties the version table" "" "$(rows "$url")"
  expect_eq "$e: stamp base is logged in strata_history too: a stamp row naming a1" "a1" \
    "$(sql "$url" "SELECT revision FROM strata_history WHERE id > $n AND direction LIKE '%stamp' ORDER BY id" | tr '\n' ' ' | sed 's/ $//')"
  expect_eq "$e: stamps log no up or down rows" "0" \
    "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction NOT LIKE '%stamp'")"

  # a row that no script has: stamp refuses, stamp --purge repairs
  sql "$url" "INSERT INTO strata_version (version_num) VALUES ('f00ba7')"
  run_in "$p" current
  expect_rc 7 "$e: current with an unknown row exits 7"
  expect_err "f00ba7" "$e: and names the unknown revision"
  run_in "$p" stamp b2
  expect_rc 7 "$e: stamp without --purge refuses an unknown row: exit 7"
  expect_eq "$e: the refused stamp changed nothing" "f00ba7" "$(rows "$url")"
  run_in "$p" stamp --purge b2
  expect_rc 0 "$e: stamp --purge exits 0"
  expect_eq "$e: stamp --purge replaces every row" "b2" "$(rows "$url")"
  run_in "$p" upgrade head
  expect_rc 1 "$e: upgrade from a stamp runs only what lies above it (c3 fails: no table project)"
  if [ "$e" = sqlite ]; then expect_err "no such table" "$e: (SQLite's message is quoted)"
  else expect_err 'relation "project" does not exist' "$e: (PostgreSQL's message is quoted)"; fi
  expect_eq "$e: the failed upgrade left the stamp alone" "b2" "$(rows "$url")"
  run_in "$p" stamp --purge base
  expect_rc 0 "$e: stamp --purge base exits 0"
  run_in "$p" upgrade head
  expect_rc 0 "$e: upgrade head from base after the stamps"
  expect_eq "$e: every table exists now" "account project" "$(user_tables "$url")"
  expect_eq "$e: and the row is the head" "c3" "$(rows "$url")"
done

# ---- offline (--sql) --------------------------------------------------------------------------
for engine in $(engines); do
  e=$engine
  p=$T/$e/offline
  url=$(fresh_url "$e" offline_online)
  make_project "$p" "$url"

  # No database at all: a URL into a folder that does not exist.
  if [ "$e" = sqlite ]; then
    nowhere="sqlite:///$T/no/such/folder/x.db"
    run_in "$p" upgrade head --sql --url "$nowhere"
    expect_rc 0 "$e: upgrade head --sql needs no database"
    check "$e: upgrade --sql creates no file or folder" test ! -e "$T/no"
    check "$e: and does not touch the configured database" test ! -e "${url#sqlite:///}"
  else
    run_in "$p" upgrade head --sql
    expect_rc 0 "$e: upgrade head --sql exits 0"
    expect_eq "$e: upgrade --sql creates no table" "" \
      "$(sql "$url" "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")"
  fi
  full=$out
  printf '%s\n' "$full" > "$T/$e-offline.sql"
  check "$e: --sql prints nothing but SQL on stdout (no progress lines)" \
    bash -c '! grep -qE "^\[[0-9]+/[0-9]+\]|\.\.\. done" <<< "$1"' _ "$full"
  expect_eq "$e: one BEGIN per migration" 3 "$(grep -c '^BEGIN;$' <<< "$full")"
  expect_eq "$e: one COMMIT per migration" 3 "$(grep -c '^COMMIT;$' <<< "$full")"
  expect_out 'CREATE TABLE IF NOT EXISTS "strata_version"' "$e: --sql creates the version table"
  expect_out "CREATE TABLE account (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" "$e: --sql has migration 1's SQL"
  expect_out "INSERT INTO account (id, name) VALUES (1, 'O''Brien');" "$e: --sql keeps the SQL byte for byte"
  expect_out "CREATE INDEX ix_project_account ON project (account_id);" "$e: --sql has migration 3's SQL"
  expect_out "INSERT INTO \"strata_version\" (version_num) VALUES ('a1');" "$e: --sql inserts the first row"
  expect_out "DELETE FROM \"strata_version\" WHERE version_num = 'a1';" "$e: --sql deletes the previous row"
  expect_out "INSERT INTO \"strata_version\" (version_num) VALUES ('c3');" "$e: --sql inserts the head row"
  expect_out "-- Running upgrade b2 -> c3, index project" "$e: --sql comments each step"
  check "$e: the version-table CREATE comes before the first BEGIN" \
    test "$(grep -n 'CREATE TABLE IF NOT EXISTS "strata_version"' <<< "$full" | cut -d: -f1)" -lt \
         "$(grep -n '^BEGIN;$' <<< "$full" | head -1 | cut -d: -f1)"
  check "$e: each migration's SQL sits between its BEGIN and COMMIT" awk '
    /^BEGIN;$/ { inside = 1 } /^COMMIT;$/ { inside = 0 }
    /^CREATE TABLE account|^CREATE TABLE project|^CREATE INDEX/ && !inside { bad = 1 }
    END { exit bad }' <<< "$full"

  # The offline script applied by hand gives what an online upgrade gives.
  url2=$(fresh_url "$e" offline_applied)
  check "$e: the --sql output runs cleanly in the engine's own client" apply_sql "$url2" "$T/$e-offline.sql"
  run_in "$p" upgrade head
  expect_rc 0 "$e: the online upgrade exits 0"
  expect_eq "$e: offline-applied and online schemas are identical" "$(schema_dump "$url")" "$(schema_dump "$url2")"
  expect_eq "$e: offline-applied version row is the head" "c3" "$(rows "$url2")"
  expect_eq "$e: offline-applied history rows equal the online ones" \
    "$(sql "$url" "SELECT revision, direction, checksum FROM strata_history ORDER BY id")" \
    "$(sql "$url2" "SELECT revision, direction, checksum FROM strata_history ORDER BY id")"
  expect_eq "$e: offline-applied data equals online data" \
    "$(sql "$url" "SELECT * FROM account")" "$(sql "$url2" "SELECT * FROM account")"
  run --url "$url2" -c "$p/strata.ini" current
  expect_eq "$e: strata reads the offline-applied database as at head" "c3 (head), index project" "$out"

  # Ranges.
  run_in "$p" upgrade a1:b2 --sql
  expect_rc 0 "$e: upgrade A:B --sql exits 0"
  expect_eq "$e: upgrade A:B --sql runs only B" 1 "$(grep -c '^BEGIN;$' <<< "$out")"
  expect_out "CREATE TABLE project" "$e: upgrade a1:b2 --sql has b2's SQL"
  expect_no "CREATE TABLE account" "$e: upgrade a1:b2 --sql does not have a1's SQL"
  expect_out "DELETE FROM \"strata_version\" WHERE version_num = 'a1';" "$e: upgrade a1:b2 --sql moves the row from a1"
  expect_out "INSERT INTO \"strata_version\" (version_num) VALUES ('b2');" "$e: upgrade a1:b2 --sql moves the row to b2"

  run_in "$p" downgrade c3:a1 --sql
  expect_rc 0 "$e: downgrade B:A --sql exits 0"
  expect_eq "$e: downgrade c3:a1 --sql has two steps" 2 "$(grep -c '^BEGIN;$' <<< "$out")"
  expect_out "DROP INDEX ix_project_account;" "$e: downgrade --sql has c3's down SQL"
  expect_out "DROP TABLE project;" "$e: downgrade --sql has b2's down SQL"
  expect_no "DROP TABLE account;" "$e: downgrade c3:a1 --sql stops at a1"
  check "$e: downgrade --sql undoes c3 before b2" \
    test "$(grep -n 'DROP INDEX' <<< "$out" | cut -d: -f1)" -lt "$(grep -n 'DROP TABLE project' <<< "$out" | cut -d: -f1)"
  expect_out "INSERT INTO \"strata_version\" (version_num) VALUES ('a1');" "$e: downgrade --sql leaves a1 as the row"
  expect_out "'c3', 'down'" "$e: downgrade --sql logs the down steps"
  printf '%s\n' "$out" > "$T/$e-down.sql"
  check "$e: the downgrade script runs cleanly on the offline-applied database" apply_sql "$url2" "$T/$e-down.sql"
  expect_eq "$e: after the offline downgrade the row is a1" "a1" "$(rows "$url2")"
  expect_eq "$e: after the offline downgrade only account is left" "account" "$(user_tables "$url2")"

  run_in "$p" downgrade b2:base --sql
  expect_rc 0 "$e: downgrade REV:base --sql exits 0"
  expect_out "DROP TABLE account;" "$e: downgrade to base --sql drops the first table"
  check "$e: downgrade to base --sql ends with the last row deleted, none inserted" awk '
    /^DELETE FROM "strata_version" WHERE version_num = .a1.;$/ { seen = 1; next }
    seen && /^INSERT INTO "strata_version"/ { bad = 1 }
    END { exit !(seen && !bad) }' <<< "$out"

  run_in "$p" downgrade -1 --sql
  expect_rc 2 "$e: downgrade -1 --sql without a range is a usage error"
  expect_err "FROM:TO" "$e: the error asks for FROM:TO"
  check "$e: and prints no SQL" test -z "$out"
  run_in "$p" downgrade c3:-1 --sql
  expect_rc 0 "$e: downgrade REV:-1 --sql (as the hint suggests) exits 0"
  expect_out "DROP INDEX ix_project_account;" "$e: downgrade c3:-1 --sql undoes c3"
  expect_no "DROP TABLE project" "$e: downgrade c3:-1 --sql undoes only c3"

  run_in "$p" upgrade a1:b2
  expect_rc 2 "$e: a FROM:TO range without --sql is a usage error"
  expect_err "--sql" "$e: the error says ranges are for --sql mode"

  run_in "$p" stamp b2 --sql
  expect_rc 0 "$e: stamp --sql exits 0"
  expect_out "INSERT INTO \"strata_version\" (version_num) VALUES ('b2');" "$e: stamp --sql prints the row"
  expect_out "'b2', 'stamp'" "$e: stamp --sql logs a stamp row"
  expect_no "CREATE TABLE project" "$e: stamp --sql runs no migration SQL"
done

# ---- offline across branches and a merge ------------------------------------------------------
for engine in $(engines); do
  e=$engine
  p=$T/$e/diamond
  url=$(fresh_url "$e" offline_diamond_online)
  url2=$(fresh_url "$e" offline_diamond_applied)
  new_project "$p" && set_url "$p" "$url"
  add_rev "$p" a1 "" "root" "CREATE TABLE t_a1 (id INTEGER);" "DROP TABLE t_a1;"
  add_rev "$p" b2 a1 "left" "CREATE TABLE t_b2 (id INTEGER);" "DROP TABLE t_b2;"
  add_rev "$p" c3 a1 "right" "CREATE TABLE t_c3 (id INTEGER);" "DROP TABLE t_c3;"
  add_rev "$p" d4 "b2, c3" "merge" "CREATE TABLE t_d4 (id INTEGER);" "DROP TABLE t_d4;"
  run_in "$p" upgrade head --sql
  expect_rc 0 "$e: upgrade head --sql across a merge exits 0"
  expect_out "DELETE FROM \"strata_version\" WHERE version_num = 'b2';" "$e: --sql: the merge deletes one parent's row"
  expect_out "DELETE FROM \"strata_version\" WHERE version_num = 'c3';" "$e: --sql: and the other's"
  printf '%s\n' "$out" > "$T/$e-diamond.sql"
  check "$e: the merge script runs cleanly in the engine's own client" apply_sql "$url2" "$T/$e-diamond.sql"
  run_in "$p" upgrade head
  expect_eq "$e: across a merge, offline-applied and online rows agree" "$(rows "$url")" "$(rows "$url2")"
  expect_eq "$e: across a merge, the row is the merge" d4 "$(rows "$url2")"
  expect_eq "$e: across a merge, offline-applied and online schemas agree" "$(schema_dump "$url")" "$(schema_dump "$url2")"
  run_in "$p" downgrade d4:a1 --sql
  expect_rc 0 "$e: downgrade out of a merge --sql exits 0"
  printf '%s\n' "$out" > "$T/$e-diamond-down.sql"
  check "$e: the downgrade script runs cleanly" apply_sql "$url2" "$T/$e-diamond-down.sql"
  run_in "$p" downgrade a1
  expect_eq "$e: out of a merge, offline-applied and online rows agree" "$(rows "$url")" "$(rows "$url2")"
  expect_eq "$e: out of a merge, both are at a1" a1 "$(rows "$url2")"
  run_in "$p" upgrade b2:c3 --sql
  expect_rc 0 "$e: upgrade from one branch to the other --sql exits 0"
  expect_out "CREATE TABLE t_c3" "$e: b2:c3 --sql applies c3"
  expect_no "CREATE TABLE t_b2" "$e: b2:c3 --sql does not apply b2 again"
  expect_no "DELETE FROM \"strata_version\" WHERE version_num = 'b2'" "$e: b2:c3 --sql keeps b2's row (c3 is another branch)"
done
