#!/usr/bin/env bash
# Install the Debian packages strata needs, when they are missing.
#   scripts/deps.sh build   what building needs
#   scripts/deps.sh test    what building and the whole test suite need (adds PostgreSQL)
#   scripts/deps.sh fuzz    what building and running the libFuzzer targets need (clang)
set -euo pipefail

build_pkgs=(gcc make pkg-config meson ninja-build libsqlite3-dev libinih-dev nettle-dev libpq-dev
            libpg-query-dev)
test_pkgs=(libcmocka-dev sqlite3 postgresql postgresql-client python3 util-linux procps bc
           valgrind)
fuzz_pkgs=(clang libclang-rt-dev)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  fuzz) want+=("${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 build|test|fuzz" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "strata: installing missing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "strata: not root and no sudo; install them yourself:" >&2
  echo "  apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
