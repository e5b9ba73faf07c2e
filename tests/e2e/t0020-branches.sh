#!/usr/bin/env bash
# Branches and merges: a second base with a branch label, several heads, label@head, heads,
# merge, downgrade out of a merge, --depends-on, --splice, history --graph, label inheritance,
# REV+1 / REV-1, unique and ambiguous prefixes.
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
# Give revision ID (a file made by `strata revision`) SQL: create / drop table t_ID.
fill() {
  local dir=$1 id=$2 f
  f=$(ls "$dir"/migrations/versions/"$id"_*.sql)
  awk '/^-- migrate:up/ { exit } { print }' "$f" > "$f.new"
  printf -- '-- migrate:up\nCREATE TABLE t_%s (id INTEGER PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE t_%s;\n' \
    "$id" "$id" >> "$f.new"
  mv "$f.new" "$f"
}
rows() { sql "$1" "SELECT version_num FROM strata_version ORDER BY version_num" | tr '\n' ' ' | sed 's/ $//'; }
tables() { # the t_* tables, sorted, space-separated
  case "$1" in
    sqlite:*) sql "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\_%' ESCAPE '\\' ORDER BY name" ;;
    *) sql "$1" "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't\_%' ORDER BY 1" ;;
  esac | tr '\n' ' ' | sed 's/ $//'
}
nfiles() { ls "$1/migrations/versions" | wc -l; }

for engine in $(engines); do
  e=$engine
  p=$T/$e/branches
  url=$(fresh_url "$e" branches)
  new_project "$p" && set_url "$p" "$url"

  run_in "$p" revision -m "create account" --rev-id acc001
  expect_rc 0 "$e: revision --rev-id exits 0"
  run_in "$p" revision -m "add email" --rev-id acc002
  run_in "$p" revision -m "billing base" --head base --branch-label billing --rev-id bil001
  expect_rc 0 "$e: revision --head base --branch-label exits 0"
  fb=$(ls "$p"/migrations/versions/bil001_*.sql)
  check "$e: a new base has no down_revision" bash -c "! grep -q down_revision '$fb'"
  check "$e: the label is written to the file" grep -qx -- "-- branch_labels: billing" "$fb"
  for id in acc001 acc002 bil001; do fill "$p" $id; done

  run_in "$p" heads
  expect_eq "$e: heads lists both heads, the label shown" "acc002 (head), add email
bil001 (billing) (head), billing base" "$out"

  # revision without --head when there are two heads
  before=$(nfiles "$p")
  run_in "$p" revision -m "ambiguous parent"
  expect_rc 7 "$e: revision with two heads and no --head exits 7"
  expect_err "2 heads" "$e: it says there are two heads"
  expect_err "--head" "$e: its hint names --head"
  check "$e: and writes no file" test "$(nfiles "$p")" = "$before"

  # label inheritance: a revision on billing@head carries the label without declaring it
  run_in "$p" revision -m "invoice lines" --head billing@head --rev-id bil002
  expect_rc 0 "$e: revision --head billing@head exits 0"
  fill "$p" bil002
  check "$e: its down_revision is the billing head" grep -qx -- "-- down_revision: bil001" "$p"/migrations/versions/bil002_*.sql
  check "$e: it does not redeclare the label" bash -c "! grep -q branch_labels '$p'/migrations/versions/bil002_*.sql"
  run_in "$p" show bil002
  expect_out "Branch names: billing" "$e: show: the label is inherited by the child"
  run_in "$p" show acc002
  check "$e: the other branch has no label" bash -c "! grep -q 'Branch names' <<< \"\$1\"" _ "$out"

  # upgrade head with two heads
  run_in "$p" upgrade head
  expect_rc 7 "$e: upgrade head with two heads exits 7"
  expect_err "heads" "$e: the error mentions heads"
  expect_err "<label>@head" "$e: the error suggests label@head"
  expect_err "acc002, bil002 (billing)" "$e: the error lists the heads"
  if [ "$e" = sqlite ]; then
    check "$e: the failed upgrade did not create the database" test ! -e "${url#sqlite:///}"
  else
    expect_eq "$e: the failed upgrade created no table" "" "$(tables "$url")"
  fi

  run_in "$p" upgrade billing@head
  expect_rc 0 "$e: upgrade billing@head exits 0"
  expect_eq "$e: the version table holds the billing head" "bil002" "$(rows "$url")"
  expect_eq "$e: only the billing tables exist" "t_bil001 t_bil002" "$(tables "$url")"
  run_in "$p" current
  expect_eq "$e: current shows the billing head" "bil002 (billing) (head), invoice lines" "$out"

  run_in "$p" upgrade heads
  expect_rc 0 "$e: upgrade heads exits 0"
  expect_eq "$e: the version table has two rows" "acc002 bil002" "$(rows "$url")"
  expect_eq "$e: all four tables exist" "t_acc001 t_acc002 t_bil001 t_bil002" "$(tables "$url")"
  run_in "$p" current
  expect_eq "$e: current lists both heads" "acc002 (head), add email
bil002 (billing) (head), invoice lines" "$out"
  run_in "$p" status
  expect_out "Pending:   none" "$e: status: nothing pending after upgrade heads"

  # prefixes: unique and ambiguous
  run_in "$p" show acc
  expect_rc 7 "$e: an ambiguous prefix exits 7"
  expect_err "acc001" "$e: the ambiguous-prefix error lists candidate 1"
  expect_err "acc002" "$e: the ambiguous-prefix error lists candidate 2"
  expect_err "ambiguous" "$e: the error says ambiguous"
  run_in "$p" downgrade acc
  expect_rc 7 "$e: downgrade to an ambiguous prefix exits 7"
  expect_eq "$e: and changes nothing" "acc002 bil002" "$(rows "$url")"
  run_in "$p" show acc00
  expect_rc 7 "$e: a longer but still ambiguous prefix exits 7"
  run_in "$p" downgrade acc0011
  expect_rc 7 "$e: an unknown revision exits 7"
  expect_err "unknown revision 'acc0011'" "$e: and names it"

  # merge
  run_in "$p" merge -m "join billing" heads --rev-id mrg001
  expect_rc 0 "$e: merge heads exits 0"
  fm=$(ls "$p"/migrations/versions/mrg001_*.sql)
  check "$e: the merge names both parents" grep -qx -- "-- down_revision: acc002, bil002" "$fm"
  fill "$p" mrg001
  run_in "$p" heads
  expect_eq "$e: one head after the merge; it inherits billing" "mrg001 (billing) (head) (mergepoint), join billing" "$out"
  run_in "$p" show mrg001
  expect_out "Merges: acc002, bil002" "$e: show of a merge lists both parents"
  run_in "$p" upgrade head
  expect_rc 0 "$e: upgrade head to the merge exits 0"
  check "$e: the merge step names both parents" grep -q "upgrade acc002, bil002 -> mrg001, join billing" <<< "$err"
  expect_eq "$e: the merge leaves one row" "mrg001" "$(rows "$url")"
  run_in "$p" downgrade -1
  expect_rc 0 "$e: downgrade -1 from the merge exits 0"
  expect_eq "$e: it gives two rows again" "acc002 bil002" "$(rows "$url")"
  expect_eq "$e: the merge's table is gone, the others stay" "t_acc001 t_acc002 t_bil001 t_bil002" "$(tables "$url")"
  run_in "$p" upgrade mrg
  expect_rc 0 "$e: upgrade to a unique prefix exits 0"
  expect_eq "$e: it reaches the merge" "mrg001" "$(rows "$url")"

  # REV-1 / REV+1
  run_in "$p" downgrade acc002-1
  expect_rc 0 "$e: downgrade REV-1 exits 0"
  expect_eq "$e: downgrade acc002-1 undoes acc002 and the merge, keeps billing" "acc001 bil002" "$(rows "$url")"
  expect_eq "$e: tables after downgrade acc002-1" "t_acc001 t_bil001 t_bil002" "$(tables "$url")"
  run_in "$p" upgrade acc001+1
  expect_rc 0 "$e: upgrade REV+1 exits 0"
  expect_eq "$e: upgrade acc001+1 applies acc002 only" "acc002 bil002" "$(rows "$url")"
  run_in "$p" downgrade mrg001-1
  expect_rc 7 "$e: REV-1 of a merge is ambiguous: exit 7"
  expect_err "mrg001" "$e: the error names the merge"

  # label@base, label@-1
  run_in "$p" downgrade billing@-1
  expect_rc 0 "$e: downgrade billing@-1 exits 0"
  expect_eq "$e: it undoes one billing revision" "acc002 bil001" "$(rows "$url")"
  run_in "$p" downgrade billing@base
  expect_rc 0 "$e: downgrade billing@base exits 0"
  expect_eq "$e: it undoes the billing branch only" "acc002" "$(rows "$url")"
  expect_eq "$e: tables after billing@base" "t_acc001 t_acc002" "$(tables "$url")"
  run_in "$p" upgrade head
  expect_rc 0 "$e: upgrade head to the merge again"
  expect_eq "$e: at the merge again" "mrg001" "$(rows "$url")"

  # --splice
  before=$(nfiles "$p")
  run_in "$p" revision -m "audit" --head acc001
  expect_rc 7 "$e: --head on a non-head without --splice exits 7"
  expect_err "acc001 is not a head" "$e: it says the revision is not a head"
  expect_err "--splice" "$e: its hint names --splice"
  check "$e: and writes no file" test "$(nfiles "$p")" = "$before"
  run_in "$p" revision -m "audit" --head acc001 --splice --rev-id aud001
  expect_rc 0 "$e: --head REV --splice exits 0"
  check "$e: the spliced revision's parent is acc001" grep -qx -- "-- down_revision: acc001" "$p"/migrations/versions/aud001_*.sql
  fill "$p" aud001
  run_in "$p" branches
  expect_rc 0 "$e: branches exits 0"
  expect_eq "$e: branches shows the branch point and its children" "acc001 (branchpoint), create account
      -> acc002, add email
      -> aud001 (head), audit" "$out"
  run_in "$p" upgrade aud001
  expect_rc 0 "$e: upgrade to the spliced branch exits 0"
  expect_eq "$e: two rows: the merge and the new branch" "aud001 mrg001" "$(rows "$url")"
  run_in "$p" history -i
  expect_out "acc001 -> aud001 (head) (current), audit" "$e: history -i marks both current heads (1)"
  expect_out "(acc002, bil002) -> mrg001 (billing) (head) (mergepoint) (current), join billing" \
    "$e: history -i marks both current heads (2)"
  expect_eq "$e: strata_history: every applied revision has one more 'up' than 'down'" \
"acc001|1
acc002|1
aud001|1
bil001|1
bil002|1
mrg001|1" "$(sql "$url" "SELECT revision, sum(CASE direction WHEN 'up' THEN 1 ELSE -1 END)
                           FROM strata_history GROUP BY revision ORDER BY revision")"
done

# --depends-on: a revision on another branch that needs one on main.
for engine in $(engines); do
  e=$engine
  p=$T/$e/depends
  url=$(fresh_url "$e" depends)
  new_project "$p" && set_url "$p" "$url"
  run_in "$p" revision -m "account" --rev-id a1; fill "$p" a1
  run_in "$p" revision -m "email" --rev-id a2; fill "$p" a2
  run_in "$p" revision -m "reports" --head base --branch-label reports --depends-on a2 --rev-id r1
  expect_rc 0 "$e: revision --depends-on exits 0"
  fill "$p" r1
  check "$e: the file records depends_on" grep -qx -- "-- depends_on: a2" "$p"/migrations/versions/r1_*.sql
  run_in "$p" show r1
  expect_out "Depends on: a2" "$e: show lists the dependency"
  run_in "$p" upgrade reports@head
  expect_rc 0 "$e: upgrade reports@head exits 0"
  check "$e: the dependency is applied first" \
    test "$(grep -oE -- '-> [a-z0-9]+' <<< "$err" | tr '\n' ' ')" = "-> a1 -> a2 -> r1 "
  expect_eq "$e: all three tables exist" "t_a1 t_a2 t_r1" "$(tables "$url")"
  expect_eq "$e: the dependent revision is the one row (as Alembic)" "r1" "$(rows "$url")"
  run_in "$p" downgrade a1
  expect_rc 0 "$e: downgrade below the dependency exits 0"
  expect_eq "$e: it undoes the dependent revision too" "t_a1" "$(tables "$url")"
  expect_eq "$e: one row left" "a1" "$(rows "$url")"
  run_in "$p" upgrade heads
  run_in "$p" downgrade reports@base
  expect_rc 0 "$e: downgrade reports@base exits 0"
  expect_eq "$e: only the reports branch is undone" "t_a1 t_a2" "$(tables "$url")"
  expect_eq "$e: the dependency becomes a row again" "a2" "$(rows "$url")"
done

# The graph of a simple diamond, and REV+1/REV-1 resolution (no database needed).
g=$T/graph
new_project "$g"
run_in "$g" revision -m "root" --rev-id a1
run_in "$g" revision -m "left" --rev-id b2
run_in "$g" revision -m "right" --head a1 --splice --rev-id c3
run_in "$g" merge -m "merge" b2 c3 --rev-id d4
expect_rc 0 "merge REV REV exits 0"
run_in "$g" revision -m "top" --rev-id e5
run_in "$g" history --graph
expect_rc 0 "history --graph exits 0"
expect_eq "history --graph draws the diamond" \
'* e5 (head), top
* d4 (mergepoint), merge
|\
| * c3, right
* | b2, left
|/
* a1 (branchpoint), root' "$out"
run_in "$g" history
expect_eq "history of the diamond, newest first, a merge's parents in parentheses" \
"d4 -> e5 (head), top
(b2, c3) -> d4 (mergepoint), merge
a1 -> c3, right
a1 -> b2, left
<base> -> a1 (branchpoint), root" "$out"
run_in "$g" history -r a1:c3
expect_rc 0 "history -r A:B exits 0"
expect_eq "history -r a1:c3 is the path from a1 to c3" "a1 -> c3, right
<base> -> a1 (branchpoint), root" "$out"
run_in "$g" show b2+1
expect_rc 0 "show REV+1 exits 0"
expect_out "Rev: d4" "b2+1 is the merge"
run_in "$g" show e5-1
expect_out "Rev: d4" "e5-1 is the merge"
run_in "$g" show e5-2
expect_rc 7 "REV-2 across a merge is ambiguous: exit 7"
run_in "$g" show a1+1
expect_rc 7 "REV+1 from a branch point is ambiguous: exit 7"
expect_err "branch point" "the error says a1 is a branch point"
run_in "$g" show e5+1
expect_rc 7 "REV+1 past a head exits 7"
run_in "$g" merge -m "nothing" heads
expect_rc 7 "merge heads with one head exits 7"
expect_err "nothing to merge" "merge says there is nothing to merge"
run_in "$g" revision -m "second" --branch-label side --head base --rev-id s1
run_in "$g" revision -m "side two" --head side@head --rev-id s2
run_in "$g" heads
expect_out "s2 (side) (head), side two" "a label declared on a base is inherited by its child"
run_in "$g" show side
expect_out "Rev: s1 (side)" "a label names the revision that declares it"
