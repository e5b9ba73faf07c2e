#!/usr/bin/env bash
# Configuration and the command line: -c from elsewhere, URL precedence, ${VAR} expansion,
# config errors (exit 5, file:line), version_table, global options anywhere, --help, usage
# errors, passwords never printed, init's refusal to overwrite, read-only commands that must
# not create a SQLite file.
. "$(dirname "$0")/lib.sh"

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}
tree_sum() { # a checksum of every file and folder name under DIR
  (cd "$1" && find . -printf '%p %y %s\n' | sort && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}
ini_set() { # FILE KEY VALUE: replace (or add) KEY in the [strata] section
  if grep -q "^$2 = " "$1"; then sed -i "s|^$2 = .*|$2 = $3|" "$1"; else echo "$2 = $3" >> "$1"; fi
}
vrow() { sqlite3 -batch "$1" "SELECT version_num FROM strata_version" 2>/dev/null; }

p=$T/proj
new_project "$p"
add_rev "$p" a1 "" "create account" "CREATE TABLE account (id INTEGER PRIMARY KEY);" "DROP TABLE account;"
add_rev "$p" b2 a1 "create task" "CREATE TABLE task (id INTEGER PRIMARY KEY);" "DROP TABLE task;"

# ---- -c FILE from another directory ------------------------------------------------------------
mkdir -p "$T/elsewhere"
run_in "$T/elsewhere" -c "$p/strata.ini" upgrade head
expect_rc 0 "-c FILE from another directory: upgrade exits 0"
check "the ini's relative sqlite URL resolves against the ini's folder" test -f "$p/app.db"
check "nothing is created in the working directory" test -z "$(ls -A "$T/elsewhere")"
expect_eq "the database under the ini's folder is at head" b2 "$(vrow "$p/app.db")"
run_in "$T/elsewhere" -c ../proj/strata.ini history
expect_rc 0 "-c with a relative path works"
expect_out "a1 -> b2 (head), create task" "script_location resolves against the ini's folder"
run_in "$T/elsewhere" -c ../proj/strata.ini revision -m "from elsewhere" --rev-id c3
expect_rc 0 "revision with -c from another directory exits 0"
check "the new revision lands in the ini's versions folder" test -f "$p/migrations/versions/c3_from_elsewhere.sql"
rm -f "$p/migrations/versions/c3_from_elsewhere.sql"

# ---- global options after the command ----------------------------------------------------------
sqlite3 "$p/app.db" "DELETE FROM strata_version; INSERT INTO strata_version VALUES ('a1'); DROP TABLE task;"
run_in "$T/elsewhere" upgrade head -c "$p/strata.ini" -q
expect_rc 0 "strata upgrade head -c path -q exits 0"
check "-q after the command silences the progress" test -z "$err$out"
expect_eq "-c after the command is honoured" b2 "$(vrow "$p/app.db")"
run_in "$T/elsewhere" history -c "$p/strata.ini" -v
expect_rc 0 "history -c path -v exits 0"
expect_out "Rev: b2 (head)" "-v after the command gives the verbose history"
run_in "$T/elsewhere" -q -c "$p/strata.ini" downgrade -1
expect_rc 0 "global options before the command, negative target after it"
expect_eq "downgrade -1 with options before it" a1 "$(vrow "$p/app.db")"

# ---- URL precedence: --url > $DATABASE_URL > ini -------------------------------------------------
q=$T/prec
new_project "$q" "sqlite:///ini.db"
add_rev "$q" a1 "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
run_in "$q" upgrade head
expect_rc 0 "upgrade with the ini's URL"
check "the ini's URL is used when nothing else is given" test -f "$q/ini.db" -a ! -e "$q/env.db"
rm -f "$q/ini.db"
DATABASE_URL="sqlite:///$q/env.db" run_in "$q" upgrade head
expect_rc 0 "upgrade with \$DATABASE_URL"
check "\$DATABASE_URL beats the ini" test -f "$q/env.db" -a ! -e "$q/ini.db"
DATABASE_URL="sqlite:///$q/env2.db" run_in "$q" --url "sqlite:///$q/cli.db" upgrade head
expect_rc 0 "upgrade with --url and \$DATABASE_URL"
check "--url beats \$DATABASE_URL and the ini" test -f "$q/cli.db" -a ! -e "$q/env2.db" -a ! -e "$q/ini.db"
DATABASE_URL="sqlite:///$q/env.db" run_in "$q" status
expect_out "Database:  sqlite:///$q/env.db" "status names the database in use"
DATABASE_URL="" run_in "$q" current -v
expect_out "ini.db" "an empty \$DATABASE_URL falls back to the ini"

# ---- ${VAR} and ${VAR:-default} ----------------------------------------------------------------
ini_set "$q/strata.ini" url '${STRATA_T_URL}'
STRATA_T_URL="sqlite:///var.db" run_in "$q" upgrade head
expect_rc 0 "\${VAR} in the ini: upgrade exits 0"
check "\${VAR} expands from the environment" test -f "$q/var.db"
unset STRATA_T_URL
run_in "$q" upgrade head
expect_rc 5 "an unset \${VAR} exits 5"
expect_err "STRATA_T_URL" "the error names the variable"
check "the error points at strata.ini and the url line" \
  grep -qE "strata.ini:$(grep -n '^url = ' "$q/strata.ini" | cut -d: -f1): error: " <<< "$err"
ini_set "$q/strata.ini" url '${STRATA_T_URL:-sqlite:///default.db}'
run_in "$q" upgrade head
expect_rc 0 "\${VAR:-default} with VAR unset exits 0"
check "\${VAR:-default} uses the default" test -f "$q/default.db"
STRATA_T_URL="sqlite:///override.db" run_in "$q" upgrade head
check "\${VAR:-default} uses VAR when set" test -f "$q/override.db"
ini_set "$q/strata.ini" script_location '${STRATA_T_MIG:-migrations}'
run_in "$q" history
expect_out "<base> -> a1 (head), one" "\${VAR:-default} works in script_location too"
ini_set "$q/strata.ini" url 'sqlite:///ini.db'
ini_set "$q/strata.ini" script_location 'migrations'

# ---- config errors -----------------------------------------------------------------------------
mkdir -p "$T/empty"
run_in "$T/empty" current
expect_rc 5 "no strata.ini: exit 5"
expect_err "strata init" "no strata.ini: the hint mentions strata init"
check "no strata.ini: no database file created" test -z "$(ls -A "$T/empty")"
run_in "$T/empty" -c "$T/empty/nope.ini" upgrade head
expect_rc 5 "-c to a missing file: exit 5"
expect_err "nope.ini" "-c to a missing file: the file is named"

cp "$q/strata.ini" "$q/strata.ini.bak"
echo "colour = blue" >> "$q/strata.ini"
line=$(wc -l < "$q/strata.ini")
run_in "$q" current
expect_rc 5 "an unknown key: exit 5"
expect_err "strata.ini:$line: error: unknown key 'colour'" "an unknown key: strata.ini:LINE: error: names the key"
cp "$q/strata.ini.bak" "$q/strata.ini"

ini_set "$q/strata.ini" url 'mysql://root@localhost/app'
line=$(grep -n '^url = ' "$q/strata.ini" | cut -d: -f1)
run_in "$q" current
expect_rc 5 "an unknown URL scheme in the ini: exit 5"
expect_err "unknown URL scheme 'mysql'" "the error names the scheme"
expect_err "strata.ini:$line:" "the error points at the url line"
run_in "$q" --url "oracle://scott@db/orcl" current
expect_rc 5 "an unknown URL scheme in --url: exit 5"
expect_err "--url" "the error names --url as the source"
DATABASE_URL="redis://localhost" run_in "$q" upgrade head
expect_rc 5 "an unknown URL scheme in \$DATABASE_URL: exit 5"
expect_err "DATABASE_URL" "the error names \$DATABASE_URL as the source"
cp "$q/strata.ini.bak" "$q/strata.ini"

# ---- version_table -----------------------------------------------------------------------------
v=$T/vt
new_project "$v" "sqlite:///vt.db"
ini_set "$v/strata.ini" version_table custom_version
add_rev "$v" a1 "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
run_in "$v" upgrade head
expect_rc 0 "upgrade with version_table = custom_version"
expect_eq "the custom version table holds the head" a1 "$(sqlite3 "$v/vt.db" 'SELECT version_num FROM custom_version')"
expect_eq "no strata_version table is created" "" \
  "$(sqlite3 "$v/vt.db" "SELECT name FROM sqlite_master WHERE name = 'strata_version'")"
expect_eq "the history table follows the version table's name" "custom_history" \
  "$(sqlite3 "$v/vt.db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%history'")"
run_in "$v" current
expect_out "a1 (head)" "current reads the custom version table"
ini_set "$v/strata.ini" version_table 'bad-name'
run_in "$v" current
expect_rc 5 "an invalid version_table name: exit 5"

# ---- --help, usage errors ----------------------------------------------------------------------
run --help
expect_rc 0 "strata --help exits 0"
cmds=$(sed -n '/^Commands:/,/^$/p' <<< "$out" | awk 'NF && !/^Commands:/ { print $1 }')
check "strata --help lists the commands" test "$(wc -w <<< "$cmds")" -ge 14
for c in $cmds; do
  run "$c" --help
  if [ "$rc" -eq 0 ] && grep -q "^usage: strata $c" <<< "$out"; then ok "strata $c --help exits 0 with its usage"
  else not_ok "strata $c --help exits 0 with its usage" "$(detail)"; fi
done
run help upgrade
expect_rc 0 "strata help upgrade exits 0"
expect_out "usage: strata upgrade" "strata help upgrade prints upgrade's usage"
run frobnicate
expect_rc 2 "an unknown command exits 2"
expect_err "unknown command 'frobnicate'" "and names it"
run_in "$p" upgrade head --frobnicate
expect_rc 2 "an unknown option exits 2"
expect_err "--frobnicate" "and names it"
run_in "$p" history -Z
expect_rc 2 "an unknown short option exits 2"
run_in "$p" upgrade
expect_rc 2 "upgrade without a target exits 2"
run_in "$p" upgrade head heads
expect_rc 2 "upgrade with two targets exits 2"
run_in "$p" revision
expect_rc 2 "revision without -m exits 2"
run_in "$p" revision -m
expect_rc 2 "-m without its value exits 2"
run_in "$p" --color sometimes current
expect_rc 2 "--color with a bad value exits 2"
run_in "$p" upgrade head --lock-timeout soon
expect_rc 2 "--lock-timeout with a bad value exits 2"

# ---- passwords are never printed -------------------------------------------------------------
pw=s3cret
for u in "postgresql://u:$pw@127.0.0.1:1/db" "postgresql://u@127.0.0.1:1/db?password=$pw" \
         "host=127.0.0.1 port=1 user=u password=$pw dbname=db"; do
  for args in "current -v" "status --json" "history -i" "-v upgrade head" "stamp head"; do
    # shellcheck disable=SC2086
    run_in "$p" --url "$u" $args
    expect_no "$pw" "password not shown: --url '${u%%$pw*}...' $args"
  done
  DATABASE_URL=$u run_in "$p" status
  expect_no "$pw" "password not shown: \$DATABASE_URL '${u%%$pw*}...' status"
done
cp "$p/strata.ini" "$p/strata.ini.bak"
ini_set "$p/strata.ini" url "postgresql://app:$pw@127.0.0.1:1/app"
run_in "$p" current
expect_no "$pw" "password not shown: a URL in the ini"
ini_set "$p/strata.ini" url 'postgresql://app:${STRATA_T_PW}@127.0.0.1:1/app'
STRATA_T_PW=$pw run_in "$p" status
expect_no "$pw" "password not shown: a password from \${VAR} in the ini"
ini_set "$p/strata.ini" url "mysql://app:$pw@127.0.0.1/app"
run_in "$p" current
expect_no "$pw" "password not shown: an unknown scheme's error"
cp "$p/strata.ini.bak" "$p/strata.ini"

# ---- init --------------------------------------------------------------------------------------
before=$(tree_sum "$p")
run init "$p"
expect_rc 8 "init over an existing project exits 8"
expect_err "already exists" "init says what already exists"
expect_eq "init over a project changes nothing" "$before" "$(tree_sum "$p")"
mkdir -p "$T/partial"
echo "-- mine" > "$T/partial/schema.sql"
before=$(tree_sum "$T/partial")
run init "$T/partial"
expect_rc 8 "init where schema.sql exists exits 8"
expect_eq "init creates nothing when it refuses" "$before" "$(tree_sum "$T/partial")"
run init "$T/new/deep/project"
expect_rc 0 "init into a new directory exits 0"
check "init creates the directory and the project" \
  test -f "$T/new/deep/project/strata.ini" -a -d "$T/new/deep/project/migrations/versions"
run_in "$T/new/deep/project" history
expect_rc 0 "a fresh project works at once"
mkdir -p "$T/here"
run_in "$T/here" init
expect_rc 0 "init without DIR uses the working directory"
check "init without DIR writes strata.ini here" test -f "$T/here/strata.ini"

# ---- read-only commands do not create a missing SQLite file -------------------------------------
r=$T/ro
new_project "$r" "sqlite:///missing.db"
add_rev "$r" a1 "" "one" "CREATE TABLE one (id INTEGER);" "DROP TABLE one;"
for args in "current" "current -v" "current --json" "status" "status --json" "history -i" \
            "history --indicate-current --graph" "heads" "show a1" "branches" "downgrade base" \
            "upgrade head --sql"; do
  # shellcheck disable=SC2086
  run_in "$r" $args
  if [ "$rc" -eq 0 ] && [ ! -e "$r/missing.db" ]; then ok "'$args' on a missing SQLite file exits 0 and creates no file"
  else not_ok "'$args' on a missing SQLite file exits 0 and creates no file" "$(detail)" "$(ls "$r")"; fi
  rm -f "$r/missing.db"
done
