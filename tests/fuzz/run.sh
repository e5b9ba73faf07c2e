#!/usr/bin/env bash
# Build the libFuzzer targets (clang, ASan + UBSan) and run each for a set time.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (make fuzz FUZZ_SECONDS=60)
# Environment: FUZZ_BUILD (default build-fuzz) is the build folder.  Each target starts from
# its seed corpus in tests/fuzz/corpus/<target>/ (and, for the script and splitter targets,
# the example projects' revisions in examples/) plus what earlier runs found
# (FUZZ_BUILD/corpus/<target>/, where new inputs go, so the seeds in git stay as they are).
# A crash, leak, timeout (30 s for one input) or failed property leaves its input in FUZZ_BUILD/artifacts/; keep
# it as a reproducer by copying it into the seed corpus.  Prints one ok/not ok line per target,
# then "fuzz: N passed, M failed"; exits 1 when a target found something.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
shift || true
build=${FUZZ_BUILD:-build-fuzz}
case "$build" in /*) ;; *) build="$root/$build" ;; esac

if [ ! -f "$build/build.ninja" ]; then
  CC=${FUZZ_CC:-clang} meson setup "$build" "$root" -Dfuzz=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized -Dwerror=false \
    -Dc_args='-fsanitize=fuzzer-no-link -Wno-format-nonliteral' >/dev/null || { echo "meson setup failed"; exit 1; }
fi
meson compile -C "$build" >/dev/null || { meson compile -C "$build" 2>&1 | tail -30; exit 1; }

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for t in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$t" ] && [ -f "$t" ] && targets+=("$(basename "$t")")
  done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0 failed=0
mkdir -p "$build/artifacts" "$build/logs"
for t in "${targets[@]}"; do
  exe=$build/tests/fuzz/$t
  work=$build/corpus/$t
  log=$build/logs/$t.log
  mkdir -p "$work"
  dict=()
  [ -f "$here/$t.dict" ] && dict=("-dict=$here/$t.dict")
  # The example projects' revisions are seeds too, read where they are (not copied).
  seeds=("$here/corpus/$t")
  case $t in
    fuzz_script) seeds+=("$root/examples/bookshelf/migrations/versions" "$root/examples/kraken/migrations/versions") ;;
    fuzz_pg_split) seeds+=("$root/examples/kraken/migrations/versions") ;;
    fuzz_sqlite_split) seeds+=("$root/examples/bookshelf/migrations/versions") ;;
  esac
  "$exe" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" "${dict[@]}" \
    "$work" "${seeds[@]}" > "$log" 2>&1
  status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ $status -eq 0 ]; then
    echo "ok - $t: ${seconds} s, ${runs:-?} inputs, no finding"
    passed=$((passed + 1))
  else
    echo "not ok - $t: exit $status after ${runs:-?} inputs (log: $log)"
    grep -E 'ERROR|property failed|SUMMARY|Test unit written|artifact_prefix' "$log" | head -10 | sed 's/^/#   /'
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
