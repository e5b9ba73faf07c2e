#!/usr/bin/env bash
# strata adopt: a database another tool migrated is stamped at the revision that tool's table
# names, running nothing.  The real dbmate (npm package `dbmate`, installed into the build folder
# on first use) migrates a database on each engine; the tables of golang-migrate, goose, Diesel
# and Flyway are built here in their tools' shapes.  Dirty and half-applied states are refused.
. "$(dirname "$0")/lib.sh"

# ---- the real dbmate ---------------------------------------------------------------------------
dbmate_bin=""
if command -v npm >/dev/null 2>&1; then
  cache=${STRATA_BUILD:-$T}/npm-dbmate
  if [ ! -x "$cache/node_modules/.bin/dbmate" ]; then
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error dbmate >"$T/npm.log" 2>&1 ||
      sed 's/^/# npm: /' "$T/npm.log" | tail -5
  fi
  [ -x "$cache/node_modules/.bin/dbmate" ] && "$cache/node_modules/.bin/dbmate" --version >/dev/null 2>&1 &&
    dbmate_bin=$cache/node_modules/.bin/dbmate
fi

src=$T/dbmate-src; mkdir -p "$src"
cat > "$src/20240101000000_users.sql" <<'EOF'
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);
-- migrate:down
DROP TABLE users;
EOF
cat > "$src/20240102000000_posts.sql" <<'EOF'
-- migrate:up
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER);
-- migrate:down
DROP TABLE posts;
EOF
cat > "$src/20240103000000_tags.sql" <<'EOF'
-- migrate:up
CREATE TABLE tags (id INTEGER PRIMARY KEY);
-- migrate:down
DROP TABLE tags;
EOF

for engine in $(engines); do
  if [ -z "$dbmate_bin" ]; then
    skip "$engine: adopt a database the real dbmate migrated" "npm or the dbmate package is not available"
    break
  fi
  url=$(fresh_url "$engine" adopt_dbmate)
  case "$engine" in
    sqlite) durl="sqlite:${url#sqlite:///}" ;;
    postgresql) durl="$STRATA_PG_TCP_URL_BASE/adopt_dbmate?sslmode=disable" ;;
  esac
  # dbmate applies all three, then rolls the last one back.
  check "$engine: dbmate up" "$dbmate_bin" --url "$durl" --migrations-dir "$src" --no-dump-schema up
  check "$engine: dbmate rollback" "$dbmate_bin" --url "$durl" --migrations-dir "$src" --no-dump-schema rollback
  p=$T/dbmate-$engine; new_project "$p" "$url"
  run_in "$p" import "$src"
  expect_rc 0 "$engine: import the dbmate folder"
  run_in "$p" adopt
  expect_rc 0 "$engine: adopt detects dbmate and stamps"
  expect_err "dbmate's schema_migrations: 2 migrations applied, the last 20240102000000" "$engine: adopt says what it read"
  expect_err "The database is at 20240102000000" "$engine: adopt shows where the database is"
  check "$engine: strata's version table holds dbmate's last version" \
    test "$(sql "$url" 'SELECT version_num FROM strata_version')" = 20240102000000
  check "$engine: the history records the stamps" \
    test "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction = 'stamp'")" = 1
  run_in "$p" adopt --from dbmate
  expect_rc 0 "$engine: adopting again is a no-op"
  expect_err "already says 20240102000000" "$engine: and says so"
  run_in "$p" upgrade head
  expect_rc 0 "$engine: upgrade head after adopt runs only what dbmate had not"
  expect_err "upgrade 20240102000000 -> 20240103000000, tags" "$engine: the one migration dbmate rolled back"
  check "$engine: upgrade ran one migration" \
    test "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction = 'up'")" = 1
done

# ---- tables built in other tools' shapes --------------------------------------------------------
# A golang-migrate folder, imported once; each case gets a fresh database.
gm=$T/gm-src; mkdir -p "$gm"
for v in 1 2 3 10; do
  printf 'CREATE TABLE t%s (x INTEGER);\n' "$v" > "$gm/${v}_t$v.up.sql"
  printf 'DROP TABLE t%s;\n' "$v" > "$gm/${v}_t$v.down.sql"
done
gp=$T/gm-project; new_project "$gp"
run_in "$gp" import "$gm"
expect_rc 0 "golang-migrate folder imported"

# The same versions as dbmate and goose folders, each in a project of its own.
dm=$T/dm-src gs=$T/goose-src; mkdir -p "$dm" "$gs"
for v in 1 2 3 10; do
  printf -- '-- migrate:up\nCREATE TABLE t%s (x INTEGER);\n-- migrate:down\nDROP TABLE t%s;\n' "$v" "$v" > "$dm/$(printf %02d "$v")_t$v.sql"
  printf -- '-- +goose Up\nCREATE TABLE t%s (x INTEGER);\n-- +goose Down\nDROP TABLE t%s;\n' "$v" "$v" > "$gs/${v}_t$v.sql"
done
dmp=$T/dm-project gsp=$T/goose-project
new_project "$dmp"; new_project "$gsp"
run_in "$dmp" import --from dbmate "$dm"
run_in "$gsp" import --from goose "$gs"

# adopt_case PROJECT NAME SETUP_SQL EXPECTED_RC TEXT [ARGS...]
adopt_case() {
  local proj=$1 name=$2 setup=$3 want=$4 text=$5
  shift 5
  local url
  url=$(fresh_url sqlite "adopt_$name")
  sqlite3 -batch "${url#sqlite:///}" "$setup" || { not_ok "$name: setup"; return; }
  run_in "$proj" --url "$url" adopt "$@"
  expect_rc "$want" "$name: adopt exits $want"
  [ -z "$text" ] || expect_err "$text" "$name: $text"
  last_url=$url
}

adopt_case "$gp" golang_migrate "CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null);
  INSERT INTO schema_migrations VALUES (3, false);" 0 "golang-migrate's schema_migrations: 3 migrations applied, the last 3"
check "golang-migrate: stamped at 3" test "$(sql "$last_url" 'SELECT version_num FROM strata_version')" = 3
adopt_case "$gp" golang_migrate_dirty "CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null);
  INSERT INTO schema_migrations VALUES (3, true);" 7 "golang-migrate's schema_migrations says version 3 is dirty"
check "golang-migrate dirty: nothing stamped" test -z "$(sql "$last_url" "SELECT name FROM sqlite_master WHERE name = 'strata_version'")"
adopt_case "$gp" golang_migrate_newer "CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null);
  INSERT INTO schema_migrations VALUES (11, false);" 7 "records version 11, newer than the last imported revision 10"
adopt_case "$gp" golang_migrate_empty "CREATE TABLE schema_migrations (version bigint not null primary key, dirty boolean not null);" 0 \
  "records no applied migration" 
adopt_case "$gp" no_table "CREATE TABLE other (x);" 7 "the database has no table of golang-migrate, dbmate, goose, Diesel or Flyway"
adopt_case "$gp" custom_table "CREATE TABLE mig (version bigint not null primary key, dirty boolean not null);
  INSERT INTO mig VALUES (2, false);" 0 "the last 2" --table mig
adopt_case "$dmp" dbmate_holes "CREATE TABLE schema_migrations (version varchar(128) primary key);
  INSERT INTO schema_migrations VALUES ('01'), ('03');" 7 "records 03 as applied but not 1 migration before it (02)" --from dbmate
adopt_case "$dmp" dbmate_newer "CREATE TABLE schema_migrations (version varchar(128) primary key);
  INSERT INTO schema_migrations VALUES ('01'), ('02'), ('99');" 7 "records version 99, newer than the last imported revision 02" --from dbmate
adopt_case "$gsp" goose "CREATE TABLE goose_db_version (id integer primary key autoincrement, version_id integer, is_applied integer, tstamp timestamp);
  INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (1, 1), (2, 1), (10, 1), (10, 0), (3, 1), (4, 1), (10, 1);" 0 \
  "also records 1 version no revision has (4)" --from goose
check "goose: the latest row of each version counts (10 rolled back, then again): stamped at 10" \
  test "$(sql "$last_url" 'SELECT version_num FROM strata_version')" = 10
adopt_case "$gp" diesel "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
  INSERT INTO __diesel_schema_migrations (version) VALUES ('1'), ('2');" 7 \
  "none of the 2 versions in diesel's __diesel_schema_migrations is a revision" --from diesel
adopt_case "$gp" flyway_failed "CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50), description VARCHAR(200), type VARCHAR(20), script VARCHAR(1000), checksum INT, installed_by VARCHAR(100), installed_on TEXT, execution_time INT, success BOOLEAN);
  INSERT INTO flyway_schema_history VALUES (1, '1', 'a', 'SQL', 'V1__a.sql', 0, 'me', '', 1, 1), (2, '2', 'b', 'SQL', 'V2__b.sql', 0, 'me', '', 1, 0);" 7 \
  "Flyway's flyway_schema_history records a failed migration (version 2)"
adopt_case "$gp" several_tools "CREATE TABLE schema_migrations (version bigint, dirty boolean); CREATE TABLE goose_db_version (id integer, version_id integer, is_applied integer);" 2 \
  "the database has the tables of several tools"

# Flyway and Diesel on their own imports.
fw=$T/fw-src; mkdir -p "$fw"
for v in 1 1_1 2; do printf 'CREATE TABLE f%s (x INTEGER);\n' "$v" > "$fw/V${v}__f.sql"; done
fp=$T/fw-project; new_project "$fp"
run_in "$fp" import "$fw"
url=$(fresh_url sqlite adopt_flyway)
sqlite3 -batch "${url#sqlite:///}" "CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50), description VARCHAR(200), type VARCHAR(20), script VARCHAR(1000), checksum INT, installed_by VARCHAR(100), installed_on TEXT, execution_time INT, success BOOLEAN);
  INSERT INTO flyway_schema_history VALUES (1, '1', 'f', 'SQL', 'V1__f.sql', 0, 'me', '', 1, 1), (2, '1.1', 'f', 'SQL', 'V1_1__f.sql', 0, 'me', '', 1, 1), (3, NULL, 'views', 'SQL', 'R__views.sql', 0, 'me', '', 1, 1);"
run_in "$fp" --url "$url" adopt
expect_rc 0 "flyway: adopt detects Flyway"
check "flyway: version 1.1 maps to revision 1_1" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = 1_1

dp=$T/diesel-project; new_project "$dp"; mkdir -p "$T/diesel-src/2019-01-01-000000_a" "$T/diesel-src/2019-02-01-000000_b"
for d in "$T"/diesel-src/*/; do printf 'SELECT 1;\n' > "$d/up.sql"; printf 'SELECT 1;\n' > "$d/down.sql"; done
run_in "$dp" import "$T/diesel-src"
url=$(fresh_url sqlite adopt_diesel)
sqlite3 -batch "${url#sqlite:///}" "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
  INSERT INTO __diesel_schema_migrations (version) VALUES ('20190101000000');"
run_in "$dp" --url "$url" adopt
expect_rc 0 "diesel: adopt detects Diesel"
check "diesel: stamped at the dash-stripped version" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = 20190101000000
run_in "$dp" --url "$url" stamp 20190201000000
run_in "$dp" --url "$url" adopt
expect_rc 7 "diesel: adopt over another strata state is refused"
expect_err "strata's version table already holds 20190201000000" "diesel: naming both"

# PostgreSQL: golang-migrate's table in a schema of its own, through --table.
if [ -n "${STRATA_PG_ADMIN_URL:-}" ]; then
  url=$(fresh_url postgresql adopt_gm_pg)
  sql "$url" "CREATE SCHEMA tools; CREATE TABLE tools.schema_migrations (version bigint not null primary key, dirty boolean not null); INSERT INTO tools.schema_migrations VALUES (10, false)" >/dev/null
  run_in "$gp" --url "$url" adopt --table tools.schema_migrations
  expect_rc 0 "postgresql: adopt from a schema-qualified table"
  check "postgresql: stamped at 10" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = 10
  sql "$url" "UPDATE tools.schema_migrations SET dirty = true" >/dev/null
  run_in "$gp" --url "$url" adopt --from golang-migrate --table tools.schema_migrations
  expect_rc 7 "postgresql: a dirty golang-migrate table is refused"
else
  skip "postgresql: adopt from a schema-qualified table" "no PostgreSQL cluster"
fi
