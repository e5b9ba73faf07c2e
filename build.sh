#!/usr/bin/env bash
# The README's entry points, for a fresh Debian 12 machine: each installs what it needs.
#   ./build.sh          build strata (build/strata, libstrata, the examples)
#   ./build.sh demo     build, then run the bookshelf sample's migration lifecycle on SQLite
#   ./build.sh test     build, then run every test (unit, end-to-end on SQLite and PostgreSQL)
#   ./build.sh asan     the whole test suite under AddressSanitizer + UBSan
set -euo pipefail
cd "$(dirname "$0")"
case "${1:-build}" in
  build) scripts/deps.sh build; make build ;;
  demo) scripts/deps.sh build; make demo ;;
  test) scripts/deps.sh test; make test ;;
  asan) scripts/deps.sh test; make test-asan ;;
  *) echo "usage: $0 [build|demo|test|asan]" >&2; exit 2 ;;
esac
