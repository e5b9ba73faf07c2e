#!/usr/bin/env bash
# The whole lifecycle as a new user meets it: init, three `revision -m`, real SQL in the files,
# upgrade, current, history, status, downgrade -1, downgrade base, upgrade +2, show, heads, and
# after every step the schema really present in the database and the rows of strata_history.
. "$(dirname "$0")/lib.sh"

# Write `url = URL` into DIR/strata.ini verbatim.  (lib.sh's new_project uses sed, where the '&'
# of a PostgreSQL socket URL, ?host=...&port=..., would stand for the matched text.)
set_url() { # DIR URL
  local line
  while IFS= read -r line; do
    case $line in "url = "*) printf 'url = %s\n' "$2" ;; *) printf '%s\n' "$line" ;; esac
  done < "$1/strata.ini" > "$1/strata.ini.new" && mv "$1/strata.ini.new" "$1/strata.ini"
}

# Tables, named indexes and foreign keys of the user's schema, one per line, engine-neutral.
schema_of() {
  local url=$1
  case "$url" in
    sqlite:*)
      sql "$url" "SELECT 'table ' || name FROM sqlite_master WHERE type = 'table'
                    AND name NOT LIKE 'sqlite_%' ORDER BY name"
      sql "$url" "SELECT 'index ' || name || ' on ' || tbl_name FROM sqlite_master
                    WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name"
      sql "$url" "SELECT 'fk ' || m.name || ' -> ' || f.\"table\" FROM sqlite_master m,
                    pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 1" ;;
    postgres*)
      sql "$url" "SELECT 'table ' || table_name FROM information_schema.tables
                    WHERE table_schema = 'public' ORDER BY 1"
      sql "$url" "SELECT 'index ' || indexname || ' on ' || tablename FROM pg_indexes
                    WHERE schemaname = 'public' AND indexname NOT LIKE '%pkey'
                    AND indexname NOT LIKE '%_key' AND indexname NOT LIKE '%_pkc' ORDER BY 1"
      sql "$url" "SELECT 'fk ' || tc.table_name || ' -> ' || ccu.table_name
                    FROM information_schema.table_constraints tc
                    JOIN information_schema.constraint_column_usage ccu
                      ON ccu.constraint_name = tc.constraint_name
                    WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
                    ORDER BY 1" ;;
  esac
}

# Keep a revision file's header (everything before `-- migrate:up`), write new sections.
write_sections() {
  local file=$1 up=$2 down=$3
  awk '/^-- migrate:up/ { exit } { print }' "$file" > "$file.new"
  printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" >> "$file.new"
  mv "$file.new" "$file"
}

expect_schema() { # URL WHAT EXPECTED-LINES
  local got
  got=$(schema_of "$1")
  if [ "$got" = "$3" ]; then ok "$2"; else not_ok "$2" "expected:" "$3" "got:" "$got"; fi
}

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}

gen_path() { sed -n 's/^Generating \(.*\) \.\.\. done$/\1/p' <<< "$out"; }

for engine in $(engines); do
  e=$engine
  mkdir -p "$T/$e"
  p=$T/$e/shop
  url=$(fresh_url "$e" lifecycle)

  # ---- init --------------------------------------------------------------------------------
  run init "$p"
  expect_rc 0 "$e: init exits 0"
  expect_out "strata.ini" "$e: init lists what it created"
  check "$e: init creates strata.ini, versions/, script.sql.tmpl, schema.sql" \
    test -f "$p/strata.ini" -a -d "$p/migrations/versions" -a -f "$p/migrations/script.sql.tmpl" \
    -a -f "$p/schema.sql"
  check "$e: the versions folder starts empty" test -z "$(ls -A "$p/migrations/versions")"
  check "$e: strata.ini has a [strata] section with every key" \
    bash -c "grep -qx '\[strata\]' '$p/strata.ini' && for k in script_location url version_table schema_file file_template lock_timeout; do grep -q \"^\$k = \" '$p/strata.ini' || exit 1; done"
  set_url "$p" "$url"

  run_in "$p" history
  expect_rc 0 "$e: history of an empty project exits 0"
  check "$e: history of an empty project prints nothing" test -z "$out"
  run_in "$p" current
  expect_rc 0 "$e: current on an empty database exits 0"
  check "$e: current prints nothing at base" test -z "$out"
  if [ "$e" = sqlite ]; then
    check "$e: current does not create the database file" test ! -e "${url#sqlite:///}"
  fi

  # ---- three revisions ---------------------------------------------------------------------
  run_in "$p" revision -m "create account"
  expect_rc 0 "$e: revision -m exits 0"
  expect_out "Generating migrations/versions/" "$e: revision says which file it wrote"
  f1=$(gen_path); id1=$(basename "$f1" | cut -d_ -f1)
  run_in "$p" revision -m "Add e-mail, to accounts!"
  expect_rc 0 "$e: second revision exits 0"
  f2=$(gen_path); id2=$(basename "$f2" | cut -d_ -f1)
  # Alembic's template variable names work too.
  printf -- '-- Revision ID: ${up_revision}  Revises: ${down_revision}\n' >> "$p/migrations/script.sql.tmpl"
  run_in "$p" revision -m "create task"
  expect_rc 0 "$e: third revision exits 0"
  f3=$(gen_path); id3=$(basename "$f3" | cut -d_ -f1)

  check "$e: revision ids are 12 hex digits" \
    bash -c "[[ '$id1' =~ ^[0-9a-f]{12}\$ && '$id2' =~ ^[0-9a-f]{12}\$ && '$id3' =~ ^[0-9a-f]{12}\$ ]]"
  check "$e: revision ids are distinct" test "$id1" != "$id2" -a "$id2" != "$id3" -a "$id1" != "$id3"
  expect_eq "$e: file names are <id>_<slug>.sql" \
    "migrations/versions/${id1}_create_account.sql migrations/versions/${id2}_add_e_mail_to_accounts.sql migrations/versions/${id3}_create_task.sql" \
    "$f1 $f2 $f3"
  check "$e: exactly three files in versions/" test "$(ls "$p/migrations/versions" | wc -l)" -eq 3

  check "$e: file 1 starts with its revision id" test "$(head -1 "$p/$f1")" = "-- revision: $id1"
  check "$e: file 1 (a base) has no down_revision line" bash -c "! grep -q down_revision '$p/$f1'"
  check "$e: file 1 has the message" grep -qx -- "-- message: create account" "$p/$f1"
  check "$e: file 1 has a creation date" \
    grep -qE -- '^-- created: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}' "$p/$f1"
  check "$e: empty branch_labels/depends_on lines are left out" \
    bash -c "! grep -qE -- '-- (branch_labels|depends_on):' '$p/$f1'"
  check "$e: file 1 has up and down sections in that order" \
    test "$(grep -E -- '^-- migrate:' "$p/$f1" | tr '\n' ' ')" = "-- migrate:up -- migrate:down "
  check "$e: no placeholder is left in the files" bash -c "! grep -q '\${' '$p/$f1' '$p/$f2' '$p/$f3'"
  check "$e: file 2's down_revision is revision 1" grep -qx -- "-- down_revision: $id1" "$p/$f2"
  check "$e: file 2 keeps the message as typed" grep -qx -- "-- message: Add e-mail, to accounts!" "$p/$f2"
  check "$e: file 3's down_revision is revision 2" grep -qx -- "-- down_revision: $id2" "$p/$f3"
  check "$e: Alembic's \${up_revision} renders in the template" \
    grep -qx -- "-- Revision ID: $id3  Revises: $id2" "$p/$f3"

  # ---- real SQL ----------------------------------------------------------------------------
  write_sections "$p/$f1" \
"CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE project (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id),
    title TEXT NOT NULL
);
CREATE INDEX ix_project_account ON project (account_id);
INSERT INTO account (id, name) VALUES (1, 'alice'), (2, 'bob');" \
"DROP TABLE project;
DROP TABLE account;"
  write_sections "$p/$f2" \
"ALTER TABLE account ADD COLUMN email TEXT;
UPDATE account SET email = name || '@example.com';
CREATE UNIQUE INDEX ux_account_email ON account (email);" \
"DROP INDEX ux_account_email;
ALTER TABLE account DROP COLUMN email;"
  write_sections "$p/$f3" \
"CREATE TABLE task (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    done BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_task_project ON task (project_id);
INSERT INTO project (id, account_id, title) VALUES (1, 1, 'strata');
INSERT INTO task (id, project_id) VALUES (1, 1), (2, 1);" \
"DROP TABLE task;
DELETE FROM project WHERE id = 1;"

  # ---- history and status before anything is applied ---------------------------------------
  run_in "$p" history
  expect_rc 0 "$e: history exits 0"
  expect_eq "$e: history lists newest first as '<parent> -> id, message'" \
"$id2 -> $id3 (head), create task
$id1 -> $id2, Add e-mail, to accounts!
<base> -> $id1, create account" "$out"
  run_in "$p" status
  expect_rc 0 "$e: status exits 0 at base"
  expect_out "Current:   base (no revision applied)" "$e: status says base"
  expect_out "Applied:   0 of 3 revisions" "$e: status counts 0 of 3 applied"
  expect_out "Pending:   3" "$e: status counts 3 pending"
  check "$e: status lists the pending revisions oldest first" \
    test "$(grep -oE '^  [0-9a-f]{12}' <<< "$out" | tr -d ' ' | tr '\n' ' ')" = "$id1 $id2 $id3 "
  run_in "$p" status --json
  expect_rc 0 "$e: status --json exits 0"
  check "$e: status --json is valid JSON" python3 -c 'import json,sys; json.load(sys.stdin)' <<< "$out"
  expect_eq "$e: status --json: 0 applied, 3 total, the 3 pending in order" "0 3 $id1,$id2,$id3" \
    "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["applied"], d["total"], ",".join(r["revision"] for r in d["pending"]))' <<< "$out" 2>&1)"

  # ---- upgrade head ------------------------------------------------------------------------
  run_in "$p" upgrade head
  expect_rc 0 "$e: upgrade head exits 0"
  check "$e: progress lines '[i/3] upgrade <parent> -> id, msg ... done (N ms)'" bash -c '
    grep -qE "^\[1/3\] upgrade <base> -> '"$id1"', create account \.\.\. done \([0-9]+ ms\)$" <<< "$1" &&
    grep -qE "^\[2/3\] upgrade '"$id1"' -> '"$id2"', Add e-mail, to accounts! \.\.\. done \([0-9]+ ms\)$" <<< "$1" &&
    grep -qE "^\[3/3\] upgrade '"$id2"' -> '"$id3"', create task \.\.\. done \([0-9]+ ms\)$" <<< "$1"' _ "$err"
  check "$e: upgrade prints its progress on stderr, nothing on stdout" test -z "$out"
  expect_eq "$e: the version table holds the head" "$id3" "$(sql "$url" 'SELECT version_num FROM strata_version')"
  expect_schema "$url" "$e: after upgrade head: the schema of all three revisions" \
"table account
table project
table strata_history
table strata_version
table task
index ix_project_account on project
index ix_task_project on task
index ux_account_email on account
fk project -> account
fk task -> project"
  expect_eq "$e: the data migrations ran (rows, computed column)" "1|alice|alice@example.com|1
2|bob|bob@example.com|0" \
    "$(sql "$url" 'SELECT a.id, a.name, a.email, (SELECT count(*) FROM project p WHERE p.account_id = a.id) FROM account a ORDER BY a.id')"
  expect_eq "$e: two tasks exist" 2 "$(sql "$url" 'SELECT count(*) FROM task')"
  expect_eq "$e: strata_history has one 'up' row per revision, in order" "$id1|up
$id2|up
$id3|up" "$(sql "$url" 'SELECT revision, direction FROM strata_history ORDER BY id')"
  expect_eq "$e: strata_history's checksum is the SHA-256 of the file" \
    "$(sha256sum "$p/$f2" | cut -d' ' -f1)" "$(sql "$url" "SELECT checksum FROM strata_history WHERE revision = '$id2'")"
  expect_eq "$e: strata_history rows have applied_at, duration_ms, applied_by and strata's version" "3" \
    "$(sql "$url" "SELECT count(*) FROM strata_history WHERE applied_at IS NOT NULL AND duration_ms >= 0
                    AND applied_by LIKE '%@%' AND strata_version = '$("$STRATA" --version | cut -d' ' -f2)'")"

  run_in "$p" upgrade head
  expect_rc 0 "$e: a second upgrade head exits 0"
  expect_err "Nothing to do" "$e: a second upgrade head says there is nothing to do"
  expect_eq "$e: nothing was logged twice" 3 "$(sql "$url" 'SELECT count(*) FROM strata_history')"

  # ---- current, history -i, status at head -------------------------------------------------
  run_in "$p" current
  expect_rc 0 "$e: current exits 0"
  expect_eq "$e: current prints the head" "$id3 (head), create task" "$out"
  run_in "$p" current -v
  expect_out "Rev: $id3 (head)" "$e: current -v shows the revision in full"
  expect_out "Parent: $id2" "$e: current -v shows the parent"
  run_in "$p" current --json
  check "$e: current --json is valid JSON naming the head" python3 -c '
import json,sys; d=json.load(sys.stdin); assert [r["revision"] for r in d["current"]] == [sys.argv[1]], d' "$id3" <<< "$out"
  run_in "$p" history --indicate-current
  expect_rc 0 "$e: history --indicate-current exits 0"
  expect_eq "$e: history -i marks the current revision" \
"$id2 -> $id3 (head) (current), create task
$id1 -> $id2, Add e-mail, to accounts!
<base> -> $id1, create account" "$out"
  run_in "$p" history --json -i
  expect_rc 0 "$e: history --json -i exits 0"
  check "$e: history --json -i is valid JSON, newest first, all current" python3 -c '
import json,sys; d=json.load(sys.stdin)["history"]
assert [r["revision"] for r in d] == sys.argv[1:], d
assert all(r["is_current"] for r in d), d' "$id3" "$id2" "$id1" <<< "$out"
  run_in "$p" status
  expect_out "Current:   $id3 (head)" "$e: status shows the head as current"
  expect_out "Applied:   3 of 3 revisions" "$e: status counts 3 of 3 applied"
  expect_out "Pending:   none" "$e: status says nothing is pending"
  run_in "$p" status --json
  check "$e: status --json at head: 3 applied, none pending" python3 -c '
import json,sys; d=json.load(sys.stdin); assert d["applied"] == 3 and d["pending"] == [], d' <<< "$out"

  # ---- downgrade -1 ------------------------------------------------------------------------
  run_in "$p" downgrade -1
  expect_rc 0 "$e: downgrade -1 exits 0"
  check "$e: downgrade prints 'downgrade id3 -> id2, msg ... done'" \
    grep -qE "^downgrade $id3 -> $id2, create task \.\.\. done \([0-9]+ ms\)$" <<< "$err"
  expect_eq "$e: after downgrade -1 the version table holds revision 2" "$id2" \
    "$(sql "$url" 'SELECT version_num FROM strata_version')"
  expect_schema "$url" "$e: after downgrade -1: task and its index are gone" \
"table account
table project
table strata_history
table strata_version
index ix_project_account on project
index ux_account_email on account
fk project -> account"
  expect_eq "$e: downgrade -1 ran the down section's DELETE" 0 "$(sql "$url" 'SELECT count(*) FROM project')"
  run_in "$p" history -i
  expect_out "$id1 -> $id2 (current), Add e-mail, to accounts!" "$e: history -i marks revision 2 now"
  run_in "$p" status
  expect_out "Pending:   1" "$e: status shows one pending after downgrade -1"
  run_in "$p" history -r current:
  expect_rc 0 "$e: history -r current: exits 0"
  expect_eq "$e: history -r current: lists from the current revision up" \
"$id2 -> $id3 (head), create task
$id1 -> $id2, Add e-mail, to accounts!" "$out"
  run_in "$p" history -r :current
  expect_eq "$e: history -r :current lists up to the current revision" \
"$id1 -> $id2, Add e-mail, to accounts!
<base> -> $id1, create account" "$out"
  run_in "$p" history -r -1:current
  expect_rc 0 "$e: history -r -1:current (Alembic's relative range) exits 0"
  expect_eq "$e: history -r -1:current lists the current revision and the one below" \
"$id1 -> $id2, Add e-mail, to accounts!
<base> -> $id1, create account" "$out"

  # ---- downgrade base ----------------------------------------------------------------------
  run_in "$p" downgrade base
  expect_rc 0 "$e: downgrade base exits 0"
  expect_err "[2/2]" "$e: downgrade base runs two steps"
  check "$e: downgrade base goes to <base>" grep -qE "^\[2/2\] downgrade $id1 -> <base>, create account" <<< "$err"
  expect_eq "$e: after downgrade base the version table is empty" "" "$(sql "$url" 'SELECT version_num FROM strata_version')"
  expect_schema "$url" "$e: after downgrade base only strata's tables are left" \
"table strata_history
table strata_version"
  run_in "$p" current
  expect_rc 0 "$e: current at base exits 0"
  check "$e: current at base prints nothing" test -z "$out"
  run_in "$p" downgrade base
  expect_rc 0 "$e: downgrade base at base exits 0"
  expect_err "Nothing to do" "$e: downgrade base at base has nothing to do"

  # ---- upgrade +2 --------------------------------------------------------------------------
  run_in "$p" upgrade +2
  expect_rc 0 "$e: upgrade +2 exits 0"
  expect_eq "$e: upgrade +2 from base reaches revision 2" "$id2" "$(sql "$url" 'SELECT version_num FROM strata_version')"
  expect_schema "$url" "$e: after upgrade +2: revisions 1 and 2's schema" \
"table account
table project
table strata_history
table strata_version
index ix_project_account on project
index ux_account_email on account
fk project -> account"
  run_in "$p" current
  expect_eq "$e: current after upgrade +2" "$id2, Add e-mail, to accounts!" "$out"

  # ---- show, heads -------------------------------------------------------------------------
  run_in "$p" show "$id2"
  expect_rc 0 "$e: show REV exits 0"
  expect_out "Rev: $id2" "$e: show names the revision"
  expect_out "Parent: $id1" "$e: show names the parent"
  expect_out "Path: " "$e: show gives the path"
  expect_out "${id2}_add_e_mail_to_accounts.sql" "$e: show's path is the file"
  expect_out "    Add e-mail, to accounts!" "$e: show prints the message"
  expect_out "Revision ID: $id2" "$e: show prints 'Revision ID'"
  expect_out "Revises: $id1" "$e: show prints 'Revises'"
  expect_out "Create Date: " "$e: show prints the creation date"
  run_in "$p" show "${id2:0:6}"
  expect_rc 0 "$e: show accepts a unique prefix"
  expect_out "Rev: $id2" "$e: show of a prefix shows the full revision"
  run_in "$p" show head
  expect_out "Rev: $id3 (head)" "$e: show head shows the head"
  run_in "$p" show "$id2" --json
  check "$e: show --json is valid JSON" python3 -c '
import json,sys; d=json.load(sys.stdin); assert d[0]["revision"] == sys.argv[1] and d[0]["down_revisions"] == [sys.argv[2]], d' "$id2" "$id1" <<< "$out"
  run_in "$p" heads
  expect_rc 0 "$e: heads exits 0"
  expect_eq "$e: heads prints the one head" "$id3 (head), create task" "$out"
  run_in "$p" heads --json
  check "$e: heads --json is valid JSON" python3 -c '
import json,sys; d=json.load(sys.stdin); assert [r["revision"] for r in d["heads"]] == [sys.argv[1]], d' "$id3" <<< "$out"
  run_in "$p" branches
  expect_rc 0 "$e: branches exits 0"
  check "$e: branches prints nothing without branch points" test -z "$out"

  # ---- the whole log -----------------------------------------------------------------------
  expect_eq "$e: strata_history logs every step in order" \
"$id1|up
$id2|up
$id3|up
$id3|down
$id2|down
$id1|down
$id1|up
$id2|up" "$(sql "$url" 'SELECT revision, direction FROM strata_history ORDER BY id')"

  run_in "$p" upgrade head
  expect_rc 0 "$e: upgrade head from revision 2 exits 0"
  expect_eq "$e: and reaches the head" "$id3" "$(sql "$url" 'SELECT version_num FROM strata_version')"
done
