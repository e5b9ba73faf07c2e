#!/usr/bin/env bash
# Real migration histories (../shared/corpora, written by other projects; never copied here):
# import each one for our engines, upgrade to head on a fresh database, downgrade to base, upgrade
# again, and compare the schema after both upgrades (pg_dump --schema-only / sqlite_master, without
# strata's tables).  Real histories have real defects; where one stops a run, the stopping point,
# the file and the database's message are asserted exactly, so a regression shows.  When a
# downgrade stops, the second upgrade starts from there.  docs/corpora.md reports the results.
. "$(dirname "$0")/lib.sh"

CORPORA=${STRATA_CORPORA:-${STRATA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/../shared/corpora}
if [ ! -d "$CORPORA" ]; then
  skip "real migration histories" "no ../shared/corpora (looked in $CORPORA)"
  exit 0
fi

# The schema, normalized: strata's own tables left out, objects in a stable order.
schema() {
  case "$1" in
    sqlite:///*)
      sqlite3 -batch "${1#sqlite:///}" "SELECT type || ' ' || name || ': ' || sql FROM sqlite_master
        WHERE sql IS NOT NULL AND name NOT LIKE 'strata\_%' ESCAPE '\\' ORDER BY type, name" ;;
    *)
      pg_dump --schema-only --no-owner --no-privileges -T strata_version -T strata_history "$1" |
        grep -v -e '^--' -e '^$' -e '^SET ' -e '^SELECT pg_catalog.set_config' -e '^\\\(un\)\?restrict ' ;;
  esac
}

now_ms() { date +%s%3N; }
timing() { echo "# $1: $2"; }

# expect NAME WHAT SPEC: SPEC is "RC|FILE|MESSAGE|AT": the exit code, and for a failure the file
# (with line:col) and the database's message; AT is what `current` then shows.
expect_phase() {
  local name=$1 what=$2 spec=$3 e_rc e_file e_msg e_at
  IFS='|' read -r e_rc e_file e_msg e_at <<< "$spec"
  expect_rc "$e_rc" "$name: $what exits $e_rc"
  if [ "$e_rc" != 0 ]; then
    expect_err "$e_file" "$name: $what stops at $e_file"
    expect_err "$e_msg" "$name: with the reason: $e_msg"
  fi
  run_in "$p" current
  if [ "$e_at" = base ]; then
    check "$name: after $what nothing is applied" test -z "$out"
  else
    expect_out "$e_at" "$name: after $what the database is at $e_at"
  fi
}
at_of() { local a; IFS='|' read -r _ _ _ a <<< "$1"; echo "${a%% *}"; }

# corpus NAME ENGINE FORMAT N_MIGRATIONS N_NOTX N_NODOWN UP1 DOWN DOWN_TO UP2
#   UP1, DOWN, UP2: specs (above) for upgrade head, downgrade base, upgrade head again.
#   DOWN_TO: when downgrade base is refused before anything runs (a revision without a down),
#   "REV=SPEC": go down to REV instead, expecting SPEC; or "-".
corpus() {
  local name=$1 engine=$2 format=$3 n=$4 notx=$5 nodown=$6 up1=$7 down=$8 down_to=$9 up2=${10}
  local dir=$CORPORA/$name p=$T/$name url t0 t1 s1 s2 mid=""
  if [ ! -d "$dir" ]; then skip "$name" "not in $CORPORA"; return; fi
  if [ "$engine" = postgresql ] && [ -z "${STRATA_PG_ADMIN_URL:-}" ]; then
    skip "$name" "no PostgreSQL cluster"; return
  fi
  url=$(fresh_url "$engine" "corpus_${name//-/_}")
  new_project "$p" "$url"

  t0=$(now_ms); run_in "$p" import --json "$dir"; t1=$(now_ms)
  timing "$name" "import: exit $rc in $((t1 - t0)) ms"
  expect_rc 0 "$name: import succeeds"
  check "$name: $n $format migrations imported" test \
    "$(grep -c '{"revision": ' <<< "$out")" -eq "$n"
  check "$name: $notx run outside a transaction" test \
    "$(grep -c '"up_transactional": false' <<< "$out")" -eq "$notx"
  check "$name: $nodown without a down section" test \
    "$(grep -c '"has_down": false' <<< "$out")" -eq "$nodown"
  run_in "$p" history
  check "$name: history lists every imported revision" test "$(wc -l <<< "$out")" -eq "$n"

  # Where the second upgrade stops earlier, keep the schema at that revision for comparison.
  if [ "$(at_of "$up2")" != "$(at_of "$up1")" ]; then
    mid=$(at_of "$up2")
    run_in "$p" upgrade "$mid"
    expect_rc 0 "$name: upgrade $mid (where the second upgrade will stop) succeeds"
    s1=$(schema "$url")
  fi
  t0=$(now_ms); run_in "$p" upgrade head; t1=$(now_ms)
  timing "$name" "upgrade head: exit $rc in $((t1 - t0)) ms"
  expect_phase "$name" "upgrade head" "$up1"
  [ -n "$mid" ] || s1=$(schema "$url")
  check "$name: the upgraded schema is not empty" test -n "$s1"

  t0=$(now_ms); run_in "$p" downgrade base; t1=$(now_ms)
  timing "$name" "downgrade base: exit $rc in $((t1 - t0)) ms"
  expect_phase "$name" "downgrade base" "$down"
  if [ "$down_to" != - ]; then
    t0=$(now_ms); run_in "$p" downgrade "${down_to%%=*}"; t1=$(now_ms)
    timing "$name" "downgrade ${down_to%%=*}: exit $rc in $((t1 - t0)) ms"
    expect_phase "$name" "downgrade ${down_to%%=*} (the newest revision without a down)" \
      "${down_to#*=}"
  fi

  t0=$(now_ms); run_in "$p" upgrade head; t1=$(now_ms)
  timing "$name" "upgrade head again: exit $rc in $((t1 - t0)) ms"
  expect_phase "$name" "the second upgrade head" "$up2"
  s2=$(schema "$url")
  if [ -z "$mid" ]; then
    if [ "$s1" = "$s2" ]; then
      ok "$name: the schema after both upgrades is identical"
    else
      not_ok "$name: the schema after both upgrades is identical" \
        "$(diff <(printf '%s\n' "$s1") <(printf '%s\n' "$s2") | head -40)"
    fi
  else
    # Recorded, not asserted: what the downs left behind that the ups did not expect.
    diff <(printf '%s\n' "$s1") <(printf '%s\n' "$s2") > "$T/$name.diff"
    echo "# $name: at $mid the schema differs from the first upgrade's by" \
      "$(grep -c '^[<>]' "$T/$name.diff") dump lines:"
    grep '^[<>]' "$T/$name.diff" | head -12 | sed 's/^/#   /'
  fi
}

corpus ente-postgres postgresql golang-migrate 124 4 0 \
  "0|||124 (head)" \
  "1|93_emergency_contact.sql:88:1|cannot drop function trigger_updated_at_microseconds_column() because other objects depend on it|93" \
  - \
  '1|94_file_data_preview.sql:7:1|enum label "vid_preview" already exists|93'
corpus hatchet-postgres postgresql goose 224 33 88 \
  '1|20260424205453_v1_0_100.sql:9:1|relation "v1_dags_olap_new" does not exist|20260421184231' \
  '6|20250417143656_v1_0_14.sql|revision 20250417143656 has no `-- migrate:down` section|20260421184231' \
  '20250417143656=1|20260316185928_v1_0_90.sql:58:1|table "v1_otel_trace_lookup_table" does not exist|20260316185928' \
  '1|20260424205453_v1_0_100.sql:9:1|relation "v1_dags_olap_new" does not exist|20260421184231'
corpus lemmy-postgres postgresql diesel 342 0 0 \
  '1|20250801000016_smoosh_tables_together.sql:19:6|subquery in FROM must have an alias|20250801000015' \
  '1|20250801000012_no_individual_inboxes.sql:41:1|constraint "person_shared_inbox_url_not_null" for table "person" does not exist|20250801000012' \
  - \
  '1|20250801000016_smoosh_tables_together.sql:19:6|subquery in FROM must have an alias|20250801000015'
corpus vaultwarden-sqlite sqlite diesel 56 0 29 \
  "0|||20260505120000 (head)" \
  '6|20250109172300_add_manage.sql|revision 20250109172300 has no `-- migrate:down` section|20260505120000 (head)' \
  '20250109172300=0|||20250109172300' \
  "0|||20260505120000 (head)"
corpus gophish-sqlite sqlite goose 25 0 0 \
  "0|||20220321133237 (head)" \
  '1|20190105192341_0_8_0_rbac.sql:82:1|near "DROP": syntax error|20190105192341' \
  - \
  '1|20200619000000_0_11_0_password_policy.sql:9:1|duplicate column name: password_change_required|20200116000000'
