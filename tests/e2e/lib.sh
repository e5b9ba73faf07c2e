# lib.sh - helpers for end-to-end tests, sourced by every tests/e2e/tNNNN-*.sh file.
#
# Each test file runs the real strata binary ($STRATA) against real databases and prints one
# line per check: "ok - what" or "not ok - what" (with details on the following lines,
# prefixed by "#").  tests/run.sh counts them.
#
#   run ARGS...            run strata; sets $rc, $out (stdout) and $err (stderr)
#   run_in DIR ARGS...     the same, in DIR
#   expect_rc N WHAT       the last run exited with N
#   expect_out TEXT WHAT   stdout contains TEXT (fixed string)
#   expect_err TEXT WHAT   stderr contains TEXT
#   expect_no TEXT WHAT    neither stdout nor stderr contains TEXT
#   check WHAT CMD...      CMD succeeds
#   ok WHAT / not_ok WHAT [DETAIL]
#   new_project DIR [URL]  strata init DIR, with the database URL set (default: DIR/app.db)
#   add_rev DIR ID PARENTS MSG UP [DOWN] [EXTRA_HEADER_LINES]
#                          write DIR/migrations/versions/ID_msg.sql by hand
#   sql URL QUERY          run a query on a sqlite:/// or postgresql:// URL, print rows (|-separated)
#   engines                the engines to run on: "sqlite" and, when a cluster runs, "postgresql"
#   fresh_url ENGINE NAME  a URL to an empty database of that engine (created or wiped)
#   skip WHAT WHY          report a skipped check (counts as passed; says so)
set -u
T=$(mktemp -d "/tmp/strata-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
STRATA=${STRATA:?run through tests/run.sh, or set STRATA to the binary}
STRATA_VALGRIND=${STRATA_VALGRIND:-0}

ok() { echo "ok - $1"; }
not_ok() {
  echo "not ok - $1"
  shift
  local d
  for d in "$@"; do printf '%s\n' "$d" | sed 's/^/#   /'; done
}
skip() { echo "ok - $1 # SKIP $2"; }

# Without helper processes (no mktemp, cat or rm per call: forks are most of a test's cost);
# the files are per shell, so cases may run in parallel subshells.
run() {
  local o=$T/.run.$BASHPID.out e=$T/.run.$BASHPID.err
  if [ "$STRATA_VALGRIND" = 1 ]; then
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
      "$STRATA" "$@" >"$o" 2>"$e"
  else
    "$STRATA" "$@" >"$o" 2>"$e"
  fi
  rc=$?
  out=$(<"$o"); err=$(<"$e")
  last_cmd="strata $*"
}
run_in() { local d=$1; shift; pushd "$d" >/dev/null || return 1; run "$@"; popd >/dev/null || return 1; }

detail() { printf 'command: %s\nexit: %s\nstdout:\n%s\nstderr:\n%s\n' "$last_cmd" "$rc" "$out" "$err"; }
expect_rc() { if [ "$rc" -eq "$1" ]; then ok "$2"; else not_ok "$2 (expected exit $1)" "$(detail)"; fi; }
expect_out() { if grep -qF -- "$1" <<< "$out"; then ok "$2"; else not_ok "$2 (stdout lacks: $1)" "$(detail)"; fi; }
expect_err() { if grep -qF -- "$1" <<< "$err"; then ok "$2"; else not_ok "$2 (stderr lacks: $1)" "$(detail)"; fi; }
expect_no() { if grep -qF -- "$1" <<< "$out$err"; then not_ok "$2 (output has: $1)" "$(detail)"; else ok "$2"; fi; }
check() { local what=$1; shift; if "$@" >"$T/.chk" 2>&1; then ok "$what"; else not_ok "$what" "$(cat "$T/.chk")"; fi; }

engines() {
  echo sqlite
  [ -n "${STRATA_PG_ADMIN_URL:-}" ] && echo postgresql
  return 0
}

# A URL to an empty database.  SQLite: a file under $T.  PostgreSQL: a database in the
# test cluster, dropped and created again.
fresh_url() {
  local engine=$1 name=$2
  case "$engine" in
    sqlite) rm -f "$T/$name.db"; echo "sqlite:///$T/$name.db" ;;
    postgresql)
      PGOPTIONS='-c client_min_messages=warning' psql -XqAt -v ON_ERROR_STOP=1 "$STRATA_PG_ADMIN_URL" \
        -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" -c "CREATE DATABASE \"$name\"" >/dev/null || return 1
      echo "postgresql://postgres@/$name?host=$STRATA_PG_DIR&port=$STRATA_PG_PORT" ;;
  esac
}

sql() {
  local url=$1 q=$2
  case "$url" in
    sqlite:///*) sqlite3 -batch "${url#sqlite:///}" "$q" ;;
    postgres*) psql -XqAt -v ON_ERROR_STOP=1 "$url" -c "$q" ;;
  esac
}

new_project() {
  local dir=$1 url=${2:-}
  mkdir -p "$dir"
  "$STRATA" init "$dir" >/dev/null || return 1
  [ -n "$url" ] || url="sqlite:///app.db"
  # Written verbatim: a URL holds characters (& | \\) that sed would interpret.
  URL="$url" awk '/^url = / { print "url = " ENVIRON["URL"]; next } { print }' \
    "$dir/strata.ini" > "$dir/strata.ini.new" && mv "$dir/strata.ini.new" "$dir/strata.ini"
}

add_rev() {
  local dir=$1 id=$2 parents=$3 msg=$4 up=$5 down=${6-} extra=${7-}
  local slug
  slug=$(printf '%s' "$msg" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9' '_' | sed 's/^_//; s/_$//')
  {
    echo "-- revision: $id"
    [ -n "$parents" ] && echo "-- down_revision: $parents"
    [ -n "$extra" ] && printf '%s\n' "$extra"
    echo "-- message: $msg"
    echo
    echo "-- migrate:up"
    printf '%s\n' "$up"
    echo "-- migrate:down"
    printf '%s\n' "$down"
  } > "$dir/migrations/versions/${id}_${slug}.sql"
}
