#!/usr/bin/env bash
# Broken inputs, data-driven: every folder in tests/bad-inputs/ is one case (see its README).
# Each case runs in a fresh copy of a good project whose SQLite database is at head; the runner
# checks the exit code, the message, the place named on stderr, that the database file is byte
# for byte unchanged (unless the case says otherwise) and that no project file changed.
. "$(dirname "$0")/lib.sh"

cases=${STRATA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/bad-inputs
unset STRATA_BAD_INPUT_UNSET DATABASE_URL
is_root=0
[ "$(id -u)" = 0 ] && is_root=1

# The good project every case starts from.
tpl=$T/template
new_project "$tpl"
add_rev "$tpl" a1 "" "create t_a1" "CREATE TABLE t_a1 (id INTEGER PRIMARY KEY);" "DROP TABLE t_a1;"
add_rev "$tpl" b2 a1 "create t_b2" "CREATE TABLE t_b2 (id INTEGER PRIMARY KEY);" "DROP TABLE t_b2;"
add_rev "$tpl" c3 b2 "create t_c3" "CREATE TABLE t_c3 (id INTEGER PRIMARY KEY);" "DROP TABLE t_c3;"
run_in "$tpl" upgrade head
if [ "$rc" -ne 0 ] || [ "$(sqlite3 "$tpl/app.db" 'SELECT version_num FROM strata_version')" != c3 ]; then
  not_ok "the template project upgrades to head" "$(detail)"
  exit 1
fi

# Every path in the project but app.db, with type and mode, and for files size and modification
# time (to the nanosecond): a file that is created, removed or written to shows up.  (Folder
# times are left out: SQLite's journal comes and goes next to app.db.)
project_state() {
  find "$1" -path "$1/app.db*" -prune -o -path "$1/ro" -prune -o \
    -type d -printf '%P %y %m\n' -o -printf '%P %y %m %s %T@\n'
}

# One case; runs in a subshell, its report goes to a file (see the pool below).
run_case() {
  local dir=$1 name=${1##*/}
  if [ ! -f "$dir/case" ]; then not_ok "$name: has a case file"; return; fi
  cmd="upgrade head" want_rc="" where="" db=unchanged as_root=""
  messages=()
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      "#"* | "") ;;
      "cmd: "*) cmd=${line#cmd: } ;;
      "exit: "*) want_rc=${line#exit: } ;;
      "message: "*) messages+=("${line#message: }") ;;
      "where: "*) where=${line#where: } ;;
      "db: "*) db=${line#db: } ;;
      "as-root: "*) as_root=${line#as-root: } ;;
      *) not_ok "$name: case file line not understood: $line" ;;
    esac
  done < "$dir/case"
  if [ -z "$want_rc" ]; then not_ok "$name: the case file has an exit: line"; return; fi
  if [ -n "$as_root" ] && [ "$is_root" = 1 ]; then
    skip "$name" "running as root: $as_root"
    return
  fi

  P=$T/cases/$name
  cp -a "$tpl" "$P"
  [ -d "$dir/files" ] && cp -a "$dir/files/." "$P/"
  if [ -f "$dir/setup.sh" ]; then
    # (Each case runs in a subshell of its own: what setup.sh exports stays there.)
    pushd "$P" >/dev/null || exit 1
    # shellcheck disable=SC1091
    . "$dir/setup.sh" > "$P.setup.out" 2>&1 || not_ok "$name: setup.sh succeeds" "$(cat "$P.setup.out")"
    popd >/dev/null || exit 1
  fi
  # Without setup.sh the database is the template's: compare with that one, no copy needed.
  db_before=$tpl/app.db
  if [ -f "$dir/setup.sh" ]; then
    db_before=$T/cases/$name.db.before
    [ -f "$P/app.db" ] && cp -p "$P/app.db" "$db_before"
  fi
  state_before=$(project_state "$P")

  eval "args=($cmd)"
  run_in "$P" "${args[@]}"

  if [ "$rc" -eq "$want_rc" ]; then ok "$name: exit $want_rc"
  else not_ok "$name: exit $want_rc (got $rc)" "$(detail)"; fi
  if [[ $err == *"error: "* ]]; then ok "$name: stderr has an error: line"
  else not_ok "$name: stderr has an error: line" "$(detail)"; fi
  for m in "${messages[@]}"; do
    if [[ $err == *"$m"* ]]; then ok "$name: message: $m"
    else not_ok "$name: message: $m" "$(detail)"; fi
  done
  if [ -n "$where" ]; then
    if [[ $'\n'$err == *[$'\n'/]"$where"* ]]; then ok "$name: stderr names $where"
    else not_ok "$name: stderr names $where" "$(detail)"; fi
  fi
  if [ "$db" = unchanged ]; then
    if [ ! -f "$db_before" ] && [ ! -e "$P/app.db" ]; then ok "$name: no database file appeared"
    elif [ -f "$db_before" ] && cmp -s "$db_before" "$P/app.db"; then ok "$name: the database is byte for byte unchanged"
    else
      not_ok "$name: the database is byte for byte unchanged" \
        "$(diff <(sqlite3 "$db_before" .dump 2>&1) <(sqlite3 "$P/app.db" .dump 2>&1) | head -20)"
    fi
  fi
  state_after=$(project_state "$P")
  if [ "$state_before" = "$state_after" ]; then ok "$name: no project file was created or changed"
  else not_ok "$name: no project file was created or changed" "$(diff <(echo "$state_before") <(echo "$state_after"))"; fi
  if [ -f "$dir/after.sh" ]; then
    pushd "$P" >/dev/null || exit 1
    # shellcheck disable=SC1091
    . "$dir/after.sh"
    popd >/dev/null || exit 1
  fi
  chmod -R u+w "$P" 2>/dev/null
}

# The cases run three at a time; their reports are printed in order afterwards.
n_cases=0
running=0
mkdir -p "$T/cases" "$T/reports"
for dir in "$cases"/[0-9]*/; do
  dir=${dir%/}
  n_cases=$((n_cases + 1))
  ( run_case "$dir" ) > "$T/reports/${dir##*/}" 2>&1 &
  running=$((running + 1))
  if [ "$running" -ge 3 ]; then wait -n; running=$((running - 1)); fi
done
wait
for dir in "$cases"/[0-9]*/; do
  dir=${dir%/}
  cat "$T/reports/${dir##*/}"
done
if [ "$n_cases" -ge 40 ]; then ok "at least 40 bad-input cases ($n_cases)"; else not_ok "at least 40 bad-input cases ($n_cases)"; fi
