#!/usr/bin/env bash
# Integrity: applied scripts are checksummed; verify reports edits and deletions, upgrade and
# downgrade refuse to run over them unless --allow-changed, an edit can be accepted, and the
# log shows every step.
. "$(dirname "$0")/lib.sh"

for engine in $(engines); do
  p=$T/$engine
  url=$(fresh_url "$engine" integrity)
  new_project "$p" "$url"
  add_rev "$p" a1 "" "one" "CREATE TABLE one (id INTEGER PRIMARY KEY);" "DROP TABLE one;"
  add_rev "$p" b2 a1 "two" "CREATE TABLE two (id INTEGER PRIMARY KEY);" "DROP TABLE two;"
  add_rev "$p" c3 b2 "three" "CREATE TABLE three (id INTEGER PRIMARY KEY);" "DROP TABLE three;"
  run_in "$p" upgrade b2 -q
  expect_rc 0 "$engine: upgrade to b2"

  run_in "$p" verify
  expect_rc 0 "$engine: verify passes on untouched scripts"
  expect_out "All applied scripts match" "$engine: verify says all match"
  sum=$(sha256sum "$p"/migrations/versions/a1_one.sql | cut -d' ' -f1)
  check "$engine: the history records the script's SHA-256" \
    test "$(sql "$url" "SELECT checksum FROM strata_history WHERE revision = 'a1' AND direction = 'up'")" = "$sum"

  # Edit an applied script.
  echo "-- reviewed later" >> "$p/migrations/versions/a1_one.sql"
  run_in "$p" verify
  expect_rc 3 "$engine: verify exits 3 on an edited applied script"
  expect_out "a1  edited after it was applied" "$engine: verify names the edited revision"
  expect_out "$sum" "$engine: verify shows the recorded checksum"
  run_in "$p" verify --json
  check "$engine: verify --json is JSON naming the revision" \
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["changed"][0]["revision"]=="a1" and d["changed"][0]["kind"]=="edited"' "$out"
  run_in "$p" upgrade head
  expect_rc 3 "$engine: upgrade refuses to run over an edited script"
  expect_err "a1 (edited)" "$engine: the refusal names the script"
  expect_err "--allow-changed" "$engine: the refusal tells how to proceed"
  check "$engine: nothing ran: still at b2" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = b2
  run_in "$p" downgrade -1
  expect_rc 3 "$engine: downgrade refuses too"
  run_in "$p" upgrade head --allow-changed -q
  expect_rc 0 "$engine: --allow-changed runs anyway"
  check "$engine: and reaches c3" test "$(sql "$url" 'SELECT version_num FROM strata_version')" = c3

  # Accept the edit: verify is clean again, and the log shows the acceptance.
  run_in "$p" verify --accept a1
  expect_rc 0 "$engine: verify --accept records the edit"
  run_in "$p" verify
  expect_rc 0 "$engine: verify passes after accepting"
  run_in "$p" log -n 1
  expect_out "accept" "$engine: the log shows the acceptance"
  run_in "$p" verify --accept b2
  expect_rc 7 "$engine: accepting an unchanged script is refused"

  # A script that is edited but not applied does not matter.
  echo "-- note" >> "$p/migrations/versions/c3_three.sql"
  run_in "$p" downgrade b2 --allow-changed -q
  run_in "$p" verify
  expect_rc 0 "$engine: an edit to an unapplied script is not drift"

  # The log: every step with direction, checksum, who, strata version.
  run_in "$p" log --json
  check "$engine: log --json lists every step newest first" python3 -c '
import json, sys
log = json.loads(sys.argv[1])["log"]
dirs = [e["direction"] for e in log]
assert dirs == ["down", "accept", "up", "up", "up"], dirs
assert all(e["strata_version"] and "@" in e["applied_by"] for e in log)
assert [e["id"] for e in log] == sorted([e["id"] for e in log], reverse=True)' "$out"
  run_in "$p" log -r a1
  check "$engine: log -r shows one revision's steps" test "$(grep -c ' a1 ' <<< "$out")" -eq 2

  # A deleted script that is applied (history squashed by hand: c3 rewritten onto a1).
  run_in "$p" downgrade base --allow-changed -q
  run_in "$p" upgrade head --allow-changed -q
  rm "$p/migrations/versions/b2_two.sql"
  sed -i 's/^-- down_revision: b2/-- down_revision: a1/' "$p/migrations/versions/c3_three.sql"
  run_in "$p" verify
  expect_rc 3 "$engine: verify reports a deleted applied script"
  expect_out "b2  deleted" "$engine: it names the deleted revision"
done
