#!/usr/bin/env bash
# The whole test suite: unit tests (cmocka), then end-to-end tests that run the real strata
# binary against real SQLite files and a throwaway PostgreSQL cluster started here.
#   tests/run.sh [BUILD_DIR]
# Environment: STRATA_SANITIZE=1 builds with ASan+UBSan; STRATA_VALGRIND=1 runs the unit tests
# and the strata binary under valgrind; STRATA_TEST_PG=0 skips PostgreSQL;
# STRATA_TESTS="t0010 t0020" runs only those end-to-end files.
# Ends with the line "N passed, M failed".
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac

setup_args=()
if [ "${STRATA_SANITIZE:-0}" = 1 ]; then
  setup_args+=(-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" "${setup_args[@]}" >/dev/null || { echo "meson setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if ! meson compile -C "$build" >/dev/null; then
  meson compile -C "$build" 2>&1 | tail -30
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

passed=0
failed=0
failures=()
count() { # reads TAP-ish lines on stdin, echoes them, counts ok / not ok
  local name=$1 line
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case "$line" in
      "not ok"*) failed=$((failed + 1)); failures+=("$name: ${line#not ok }") ;;
      "ok"*) passed=$((passed + 1)) ;;
    esac
  done
}

echo "== unit tests"
valgrind=()
if [ "${STRATA_VALGRIND:-0}" = 1 ]; then
  valgrind=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite)
fi
for t in "$build"/tests/test_*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  name=$(basename "$t")
  out=$(CMOCKA_MESSAGE_OUTPUT=TAP "${valgrind[@]}" "$t" 2>&1)
  status=$?
  count "$name" < <(printf '%s\n' "$out" | grep -E '^(ok|not ok)' | sed "s/^\(not ok\|ok\) [0-9]* -*/\1 - $name:/")
  if [ $status -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^not ok'; then
    printf '%s\n' "$out" | tail -20
    count "$name" <<< "not ok - $name exited with status $status"
  fi
done

# A PostgreSQL cluster of our own, stopped on every way out.
pgdir=""
# strata's header cache (src/hcache.h) goes under XDG_CACHE_HOME: one of the run's own.
cachedir=$(mktemp -d /tmp/strata-cache.XXXXXX)
export XDG_CACHE_HOME="$cachedir"
cleanup() {
  if [ -n "$pgdir" ]; then "$here/pg-cluster.sh" stop "$pgdir" >/dev/null 2>&1; rm -rf "$pgdir"; fi
  rm -rf "$cachedir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "${STRATA_TEST_PG:-1}" = 1 ]; then
  pgdir=$(mktemp -d /tmp/strata-pg.XXXXXX)
  if "$here/pg-cluster.sh" start "$pgdir" > "$pgdir/start.log" 2>&1; then
    # shellcheck disable=SC1091
    . "$pgdir/env"
    echo "== PostgreSQL $(psql -XAtc 'show server_version' "$STRATA_PG_ADMIN_URL") at $pgdir"
  else
    cat "$pgdir/start.log"
    count pg-cluster <<< "not ok - could not start a PostgreSQL cluster (see above)"
  fi
fi

export STRATA="$build/strata"
export STRATA_BUILD="$build"
export STRATA_ROOT="$root"
export STRATA_VALGRIND=${STRATA_VALGRIND:-0}
echo "== end-to-end tests"
for f in "$here"/e2e/t[0-9]*.sh; do
  name=$(basename "$f" .sh)
  if [ -n "${STRATA_TESTS:-}" ] && ! grep -qw "${name%%-*}" <<< "$STRATA_TESTS"; then continue; fi
  echo "# $name"
  started=$SECONDS
  count "$name" < <(bash "$f" 2>&1; echo "exit=$?" >&2)
  echo "# $name took $((SECONDS - started)) s"
done

echo
if [ ${#failures[@]} -gt 0 ]; then
  echo "Failures:"
  printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
