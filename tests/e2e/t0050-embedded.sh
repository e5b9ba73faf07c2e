#!/usr/bin/env bash
# The embedded example: a C program that links libstrata, carries its migrations compiled in
# (`strata embed`), and migrates its own SQLite file at startup.
. "$(dirname "$0")/lib.sh"

app=$STRATA_BUILD/examples/bookshelf-app
if [ ! -x "$app" ]; then
  not_ok "the embedded example was built" "missing $app"
  exit 0
fi
db=$T/library.db
"$app" "$db" > "$T/o1" 2> "$T/e1"
check "first start exits 0" test $? -eq 0
check "first start applies all four migrations" grep -q "applied e5a8c3d9b612 .* \[4/4\]" "$T/e1"
check "the application then works on the migrated schema" grep -qx "books: 1" "$T/o1"
check "the version table holds the head" test "$(sql "sqlite:///$db" 'SELECT version_num FROM strata_version')" = e5a8c3d9b612
"$app" "$db" > "$T/o2" 2> "$T/e2"
check "second start finds nothing pending" grep -q "0 migrations pending" "$T/e2"
check "second start keeps the data" grep -qx "books: 2" "$T/o2"

# The CLI sees the same state through the project on disk.
run -c "$STRATA_ROOT/examples/bookshelf/strata.ini" --url "sqlite:///$db" current
expect_out "e5a8c3d9b612 (head)" "the CLI reads the state the embedded runner wrote"

# Several instances starting at once on a fresh file: each migration is applied once.
db2=$T/race.db
pids=()
for i in 1 2 3 4; do "$app" "$db2" > "$T/r$i.out" 2> "$T/r$i.err" & pids+=($!); done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
check "four instances starting together all succeed" test "$fails" -eq 0
check "each migration was applied exactly once" test "$(sql "sqlite:///$db2" "SELECT count(*) FROM strata_history WHERE direction = 'up'")" = 4
check "every instance did its own work" test "$(sql "sqlite:///$db2" 'SELECT count(*) FROM book')" = 4

# The generated source is valid C that embeds every script byte for byte.
gen=$STRATA_BUILD/examples/bookshelf_migrations.c
check "strata embed wrote the scripts" grep -q '"-- revision: 3f9a1c2b7d10\\n"' "$gen"
run -c "$STRATA_ROOT/examples/bookshelf/strata.ini" embed --name 'not a name'
expect_rc 2 "embed refuses a name that is not a C identifier"
