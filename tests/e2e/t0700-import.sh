#!/usr/bin/env bash
# strata import: each tool's folder layout, order, names, up/down and transaction markers, the
# report (text and --json), detection, --dry-run, importing again, and refusals.  The fixtures
# are small folders written here; t0720 runs the real histories.
. "$(dirname "$0")/lib.sh"

vers() { ls "$1/migrations/versions"; }
# The revision file for an id.
rev_file() { ls "$1"/migrations/versions/"$2"_*.sql "$1/migrations/versions/$2.sql" 2>/dev/null | head -1; }

# ---- golang-migrate: unpadded versions, names with spaces, a missing down, BEGIN/COMMIT ------
src=$T/gm; mkdir -p "$src"
printf 'CREATE TABLE a (id INTEGER PRIMARY KEY);\n' > "$src/1_create a.up.sql"
printf 'DROP TABLE a;\n' > "$src/1_create a.down.sql"
printf 'BEGIN;\nALTER TABLE a ADD COLUMN b TEXT;\nCOMMIT;\n' > "$src/2_add_b.up.sql"
printf 'ALTER TABLE a DROP COLUMN b;\n' > "$src/2_add_b.down.sql"
printf 'CREATE TABLE c (id INTEGER)' > "$src/10_c.up.sql"
printf 'DROP TABLE c;\n' > "$src/10_c.down.sql"
printf 'CREATE INDEX ix_a_b ON a (b);\n' > "$src/9_index.up.sql"
printf 'readme\n' > "$src/README.md"
p=$T/gm-project; new_project "$p"
run_in "$p" import "$src"
expect_rc 0 "golang-migrate: import succeeds (detected)"
expect_out "Imported 4 golang-migrate migrations" "golang-migrate: the summary counts them"
expect_out "README.md: skipped: not a golang-migrate migration file" "golang-migrate: other files are reported"
expect_out "no down section" "golang-migrate: a missing .down.sql is reported"
run_in "$p" history
check "golang-migrate: numeric order 1, 2, 9, 10 (not 1, 10, 2, 9)" test \
  "$(printf '%s\n' "$out" | awk '{print $3}' | tr -d ',' | tr '\n' ' ')" = "10 9 2 1 "
expect_out "<base> -> 1, create a" "golang-migrate: the name (with its space) is the message"
check "golang-migrate: file names carry the id" test -f "$(rev_file "$p" 10)"
check "golang-migrate: BEGIN/COMMIT are commented out" grep -q '^/\* BEGIN; (strata import) \*/$' "$(rev_file "$p" 2)"
check "golang-migrate: the header names the source" grep -q '^-- Imported by `strata import` from golang-migrate version 9: 9_index.up.sql$' "$(rev_file "$p" 9)"
check "golang-migrate: no down file, no down section" test "$(grep -c '^-- migrate:down' "$(rev_file "$p" 9)")" -eq 0
run_in "$p" upgrade head
expect_rc 0 "golang-migrate: the imported revisions upgrade to head"
run_in "$p" downgrade 9
expect_rc 0 "golang-migrate: and downgrade to the irreversible one"
run_in "$p" downgrade base
expect_rc 6 "golang-migrate: downgrading past a revision without a down is refused"
expect_err "revision 9 has no \`-- migrate:down\` section" "golang-migrate: naming it"

# Importing again adds only what is new, on top of the last one.
printf 'CREATE TABLE d (id INTEGER);\n' > "$src/11_d.up.sql"
printf 'DROP TABLE d;\n' > "$src/11_d.down.sql"
run_in "$p" import --from golang-migrate "$src"
expect_rc 0 "import again succeeds"
expect_out "Imported 1 golang-migrate migration from" "import again writes only the new migration"
expect_out "(4 already there)" "import again says what was there"
run_in "$p" show 11
expect_out "Parent: 10" "import again builds on the last imported revision"

# ---- dbmate: sections and transaction:false kept, a file without down ------------------------
src=$T/dbmate; mkdir -p "$src"
cat > "$src/20240101000000_create_users.sql" <<'EOF'
-- a leading comment
-- migrate:up
CREATE TABLE users (id INTEGER PRIMARY KEY);
-- migrate:down
DROP TABLE users;
EOF
cat > "$src/20240102000000_vacuum.sql" <<'EOF'
-- migrate:up transaction:false
VACUUM;
-- migrate:down transaction:false
VACUUM;
EOF
cat > "$src/20240103000000_no_down.sql" <<'EOF'
-- migrate:up
CREATE TABLE t (x INTEGER);
EOF
p=$T/dbmate-project; new_project "$p"
run_in "$p" import "$src"
expect_rc 0 "dbmate: import succeeds (detected)"
f=$(rev_file "$p" 20240102000000)
check "dbmate: transaction:false is kept on both sections" test "$(grep -c 'transaction:false' "$f")" -eq 2
check "dbmate: a file without -- migrate:down has no down section" test \
  "$(grep -c '^-- migrate:down' "$(rev_file "$p" 20240103000000)")" -eq 0
run_in "$p" upgrade head
expect_rc 0 "dbmate: upgrade head runs the VACUUM outside a transaction"

# ---- goose: case-insensitive annotations, StatementBegin/End, a Go file, no Down ------------
src=$T/goose; mkdir -p "$src"
cat > "$src/00001_init.sql" <<'EOF'
-- +goose Up
-- +goose StatementBegin
CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT);
CREATE TRIGGER log_trim AFTER INSERT ON log BEGIN
  DELETE FROM log WHERE id < NEW.id - 100;
END
-- +goose StatementEnd

-- +goose Down
DROP TABLE log;
EOF
cat > "$src/00002_vacuum.sql" <<'EOF'
-- +goose no transaction
-- +goose up
VACUUM;
-- +goose down
VACUUM;
EOF
printf 'package migrations\n' > "$src/00003_backfill.go"
cat > "$src/00004_up_only.sql" <<'EOF'
-- +goose Up
CREATE TABLE later (id INTEGER);
EOF
cat > "$src/00005_bad_down.sql" <<'EOF'
-- +goose Up
CREATE TABLE x (id INTEGER);
-- +goose Down
DROP TABLE x
EOF
p=$T/goose-project; new_project "$p"
run_in "$p" import --json "$src"
expect_rc 0 "goose: import succeeds (detected)"
expect_out '"format": "goose"' "goose: --json names the format"
expect_out '"kind": "skipped", "source": "00003_backfill.go"' "goose: a Go migration is reported as skipped"
expect_out "added ';' at StatementEnd" "goose: a block without its last ';' gets one, and says so"
expect_out "goose refuses to roll back this file ('missing semicolon?')" "goose: a Down without its last ';' is reported"
expect_out '{"revision": "00002", "version": "2", "name": "vacuum", "source_up": "00002_vacuum.sql", "source_down": "00002_vacuum.sql", "path": ' "goose: the id keeps the padded version, the version is goose's number"
check "goose: lower-case 'no transaction' before Up marks both sections" test \
  "$(grep -c 'transaction:false' "$(rev_file "$p" 00002)")" -eq 2
check "goose: no Down annotation, no down section" test \
  "$(grep -c '^-- migrate:down' "$(rev_file "$p" 00004)")" -eq 0
run_in "$p" show 00004
expect_out "Parent: 00002" "goose: the chain goes on over the Go migration"
run_in "$p" upgrade head
expect_rc 0 "goose: upgrade head (trigger block, VACUUM outside a transaction)"
run_in "$p" downgrade 00004
expect_rc 0 "goose: downgrade runs the Down without its ';'"

# A file goose itself refuses: nothing is written.
src=$T/goose-bad; mkdir -p "$src"
printf -- '-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n' > "$src/1_bad.sql"
p=$T/goose-bad-project; new_project "$p"
run_in "$p" import --from goose "$src"
expect_rc 6 "goose: a StatementBegin without StatementEnd is refused"
expect_err "1_bad.sql:2: error: not a valid goose migration: StatementBegin without StatementEnd" "goose: naming the file and line"
check "goose: nothing was written" test -z "$(vers "$p")"

# ---- Diesel: versions without dashes, metadata.toml, empty down.sql --------------------------
src=$T/diesel; mkdir -p "$src"
mk() { mkdir -p "$src/$1"; printf '%s' "$2" > "$src/$1/up.sql"; [ "$3" = none ] || printf '%s' "$3" > "$src/$1/down.sql"; }
mk 00000000000000_diesel_initial_setup "CREATE TABLE setup (x INTEGER);" "DROP TABLE setup;"
mk 2019-01-01-000000_create_users "CREATE TABLE users (id INTEGER PRIMARY KEY);" "DROP TABLE users;"
mk 2020-02-02-000000-0000_vacuum "VACUUM;" "-- nothing to undo"
printf 'run_in_transaction = false\n' > "$src/2020-02-02-000000-0000_vacuum/metadata.toml"
mk 2021-03-03_120000_odd_name "CREATE TABLE odd (x INTEGER);" ""
mk 2022-04-04-000000_no_down "CREATE TABLE nd (x INTEGER);" none
mkdir -p "$src/not_a_migration"
p=$T/diesel-project; new_project "$p"
run_in "$p" import "$src"
expect_rc 0 "diesel: import succeeds (detected)"
run_in "$p" history
check "diesel: ids are the versions without dashes, in Diesel's order" test \
  "$(printf '%s\n' "$out" | awk '{print $3}' | tr -d ',' | tr '\n' ' ')" = \
  "20220404000000 20210303 202002020000000000 20190101000000 00000000000000 "
expect_out "20190101000000 -> 202002020000000000, vacuum" "diesel: the message is the name after the version"
check "diesel: run_in_transaction = false marks both sections" test \
  "$(grep -c 'transaction:false' "$(rev_file "$p" 202002020000000000)")" -eq 2
check "diesel: an empty down.sql gives no down section (Diesel refuses to revert it)" test \
  "$(grep -c '^-- migrate:down' "$(rev_file "$p" 20210303)")" -eq 0
check "diesel: a comment-only down.sql is an empty down section" grep -q '^-- nothing to undo$' \
  "$(rev_file "$p" 202002020000000000)"
run_in "$p" import --dry-run "$src"
expect_out "Would import 0 diesel migrations" "diesel: --dry-run after the import finds nothing new"
run_in "$p" upgrade head
expect_rc 0 "diesel: upgrade head"

# ---- Flyway: versions with parts, undo files, repeatable scripts -----------------------------
src=$T/flyway; mkdir -p "$src/sub"
printf 'CREATE TABLE f (id INTEGER);\n' > "$src/V1__Create_table.sql"
printf 'ALTER TABLE f ADD COLUMN n TEXT;\n' > "$src/V1_1__Add_name.sql"
printf 'CREATE TABLE g (id INTEGER);\n' > "$src/sub/V2__More.sql"
printf 'DROP TABLE g;\n' > "$src/U2__More.sql"
printf 'CREATE TABLE h (id INTEGER);\n' > "$src/V10__Later.sql"
printf 'CREATE VIEW v AS SELECT 1;\n' > "$src/R__views.sql"
printf 'SELECT ${who};\n' > "$src/V11__Placeholder.sql"
p=$T/flyway-project; new_project "$p"
run_in "$p" import --dry-run "$src"
expect_rc 0 "flyway: --dry-run succeeds (detected)"
check "flyway: --dry-run writes nothing" test -z "$(vers "$p")"
run_in "$p" import "$src"
expect_rc 0 "flyway: import succeeds"
expect_out "R__views.sql: skipped: a repeatable migration (R__)" "flyway: a repeatable script is reported, not imported"
expect_out "Flyway replaces \${placeholders}" "flyway: placeholders are reported"
run_in "$p" history
check "flyway: versions compared part by part: 1, 1.1, 2, 10, 11" test \
  "$(printf '%s\n' "$out" | awk '{print $3}' | tr -d ',' | tr '\n' ' ')" = "11 10 2 1_1 1 "
expect_out "1 -> 1_1, Add name" "flyway: the description with spaces is the message"
check "flyway: an undo file is the down section" grep -q '^DROP TABLE g;$' "$(rev_file "$p" 2)"
check "flyway: a migration without undo has no down section" test \
  "$(grep -c '^-- migrate:down' "$(rev_file "$p" 10)")" -eq 0

# ---- detection and refusals ------------------------------------------------------------------
src=$T/mixed; mkdir -p "$src"
printf 'SELECT 1;\n' > "$src/1_a.up.sql"
printf 'SELECT 1;\n' > "$src/V1__a.sql"
p=$T/mixed-project; new_project "$p"
run_in "$p" import "$src"
expect_rc 2 "a folder of two tools' files is not guessed"
expect_err "say which with --from" "and the hint names --from"
run_in "$p" import --from liquibase "$src"
expect_rc 2 "an unknown format is a usage error"
run_in "$p" import "$T/does-not-exist"
expect_rc 8 "a missing folder is a file error"
run_in "$p" import
expect_rc 2 "import needs a folder"
run import --help
expect_out "usage: strata import [--from FORMAT] [--dry-run] [--json] DIR" "import --help"

# ---- PostgreSQL: what cannot run in a transaction -------------------------------------------
if [ -n "${STRATA_PG_ADMIN_URL:-}" ]; then
  src=$T/gm-pg; mkdir -p "$src"
  printf 'CREATE TABLE big (id INTEGER, v TEXT);\n' > "$src/1_big.up.sql"
  printf 'DROP TABLE big;\n' > "$src/1_big.down.sql"
  printf 'CREATE INDEX CONCURRENTLY big_v ON big (v);\n' > "$src/2_index.up.sql"
  printf 'DROP INDEX CONCURRENTLY big_v;\n' > "$src/2_index.down.sql"
  printf 'CREATE INDEX CONCURRENTLY big_id ON big (id);\nCREATE INDEX CONCURRENTLY big_v2 ON big (v);\n' > "$src/3_two.up.sql"
  printf 'BEGIN;\nCREATE TABLE t3 (x int);\nCOMMIT;\nCREATE TABLE t4 (x int);\n' > "$src/4_txn.up.sql"
  url=$(fresh_url postgresql import_pg)
  p=$T/gm-pg-project; new_project "$p" "$url"
  run_in "$p" import -v "$src"
  expect_rc 0 "postgresql: golang-migrate import succeeds"
  expect_out "marked transaction:false: 'CREATE INDEX CONCURRENTLY big_v ON big (v)' cannot run inside a transaction" \
    "postgresql: CONCURRENTLY makes the file transaction:false, and says why"
  expect_out "golang-migrate sends a file as one query" "postgresql: two CONCURRENTLY statements in one file: golang-migrate failed there"
  check "postgresql: both sections of 2 are transaction:false" test \
    "$(grep -c 'transaction:false' "$(rev_file "$p" 2)")" -eq 2
  check "postgresql: the BEGIN/COMMIT file stays transactional" test \
    "$(grep -c 'transaction:false' "$(rev_file "$p" 4)")" -eq 0
  run_in "$p" upgrade head
  expect_rc 0 "postgresql: upgrade head with CONCURRENTLY outside a transaction"
  check "postgresql: the indexes exist" test "$(sql "$url" "SELECT count(*) FROM pg_indexes WHERE tablename = 'big'")" = 3

  # goose without NO TRANSACTION: goose would fail too; strata refuses before running.
  src=$T/goose-pg; mkdir -p "$src"
  printf -- '-- +goose Up\nCREATE TABLE gt (x int);\nCREATE INDEX CONCURRENTLY gt_x ON gt (x);\n-- +goose Down\nDROP TABLE gt;\n' > "$src/1_gt.sql"
  url=$(fresh_url postgresql import_goose_pg)
  p=$T/goose-pg-project; new_project "$p" "$url"
  run_in "$p" import "$src"
  expect_rc 0 "postgresql: goose import succeeds"
  expect_out "goose runs this section in one, so it fails there too" "postgresql: a CONCURRENTLY goose would run in a transaction is a warning"
  run_in "$p" upgrade head
  expect_rc 6 "postgresql: and strata refuses it before running anything"
else
  skip "postgresql: transaction handling on import" "no PostgreSQL cluster"
fi
