#!/usr/bin/env bash
# strata's benchmarks (issue #6): strata side by side with Alembic, dbmate and the raw floor
# (the sqlite3 and psql clients running the same SQL).  Measurements, not tests.
#
#   bench/run.sh            run everything (25-35 minutes on 2 cores), print the report
#   bench/run.sh --write    the same, and rewrite BENCHMARKS.md with it
#   bench/run.sh --quick    small sizes and few repetitions (6-8 minutes), to try the script
#   bench/run.sh --only sqlite,pg,graph,startup    some parts only; with an engine, some of its
#                           groups only: migrate, single, autogenerate, syncs (--only sqlite,syncs)
#   bench/run.sh --budget MIN   repeat the longest case (N=10000) only while the run stays
#                           within MIN minutes (default 32; one repetition always runs)
#   bench/run.sh --keep     keep the scratch folder (projects, databases, commands.log, results.json)
#
# It installs what is missing: Debian packages with apt-get (through sudo when not root) and
# dbmate with npm into bench/.deps/ (not committed); builds strata in $BENCH_BUILD (default
# build-bench, release); starts a throwaway PostgreSQL cluster with tests/pg-cluster.sh and
# stops it at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

write=() keep=0 args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --write) write=(--write "$root/BENCHMARKS.md") ;;
    --keep) keep=1 ;;
    --quick) args+=(--quick) ;;
    --only) args+=(--only "${2:?--only needs a list}"); shift ;;
    --only=*) args+=(--only "${1#--only=}") ;;
    --budget) args+=(--budget "${2:?--budget needs minutes}"); shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# ---- Debian packages: strata's build dependencies, then the benchmark's own
scripts/deps.sh build
want=(sqlite3 postgresql postgresql-client python3 alembic python3-alembic python3-sqlalchemy
      python3-psycopg2 time strace npm)
missing=()
for p in "${want[@]}"; do
  if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing missing Debian packages: ${missing[*]}" >&2
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- dbmate, the version the issue measured, from npm (the native binary, not the Node wrapper)
dbmate_version=2.36.0
deps=$root/bench/.deps
dbmate=$(find "$deps/node_modules/@dbmate" -path '*/bin/dbmate' -type f 2>/dev/null | head -1 || true)
if [ -z "$dbmate" ] || ! "$dbmate" --version 2>/dev/null | grep -q "$dbmate_version"; then
  echo "bench: installing dbmate $dbmate_version with npm into bench/.deps" >&2
  mkdir -p "$deps"
  npm install --prefix "$deps" --no-audit --no-fund --loglevel=error "dbmate@$dbmate_version" >&2
  dbmate=$(find "$deps/node_modules/@dbmate" -path '*/bin/dbmate' -type f | head -1)
fi

# ---- strata, a release build of this working tree
build=${BENCH_BUILD:-build-bench}
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dbuildtype=release >/dev/null
fi
if ! ninja -C "$build" strata >"$build/bench-build.log" 2>&1; then
  grep -E -A8 'error|FAILED' "$build/bench-build.log" | head -40 >&2
  echo "bench: strata does not build from this working tree (see above, or $build/bench-build.log); nothing measured" >&2
  exit 1
fi
buildtype=$(meson introspect --buildoptions "$build" |
  python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"][0])')

# ---- a scratch folder and a throwaway PostgreSQL cluster
work=$(mktemp -d /tmp/strata-bench.XXXXXX)
chmod 755 "$work"   # the cluster runs as user postgres, below it
cleanup() {
  tests/pg-cluster.sh stop "$work/pg" >/dev/null 2>&1 || true
  if [ "$keep" -eq 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pgenv=()
if tests/pg-cluster.sh start "$work/pg" >"$work/pg-start.log" 2>&1; then
  pgenv=(--pg-env "$work/pg/env")
else
  echo "bench: could not start PostgreSQL (see below); its cases are skipped" >&2
  cat "$work/pg-start.log" >&2
fi

/usr/bin/python3 "$root/bench/bench.py" --work "$work" --strata "$root/$build/strata" \
  --dbmate "$dbmate" --buildtype "$buildtype" "${pgenv[@]}" "${write[@]}" "${args[@]}"
