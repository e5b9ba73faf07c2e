#!/usr/bin/env bash
# Install into a prefix, then build a program against the installed library with pkg-config,
# statically and dynamically, and run both.
. "$(dirname "$0")/lib.sh"

prefix=$T/prefix
if ! meson install -C "$STRATA_BUILD" --destdir "$T/dest" > "$T/install.log" 2>&1; then
  not_ok "meson install into a staging folder" "$(tail -20 "$T/install.log")"
  exit 0
fi
# The build's prefix is inside the staging folder; find what was installed there.
pc=$(find "$T/dest" -name strata.pc | head -1)
check "the pkg-config file is installed" test -n "$pc"
check "the header is installed" test -n "$(find "$T/dest" -name strata.h)"
check "the static library is installed" test -n "$(find "$T/dest" -name libstrata.a)"
check "the shared library is installed" test -n "$(find "$T/dest" -name 'libstrata.so*')"
check "the man page is installed" test -n "$(find "$T/dest" -name strata.1)"
check "the binary is installed" test -n "$(find "$T/dest" -path '*/bin/strata')"

# Point pkg-config at the staged prefix.
stage_prefix=$(dirname "$(dirname "$(dirname "$pc")")")
case "$pc" in */lib/*/pkgconfig/*) stage_prefix=$(dirname "$(dirname "$(dirname "$(dirname "$pc")")")") ;; esac
mkdir -p "$T/pc"
sed "s|^prefix=.*|prefix=$stage_prefix|" "$pc" > "$T/pc/strata.pc"
export PKG_CONFIG_PATH=$T/pc
# A sanitizer build's library needs the sanitizer runtimes in the program too.
san=$(meson introspect "$STRATA_BUILD" --buildoptions | python3 -c '
import json, sys
v = [o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"]
print("-fsanitize=" + v[0] if v and v[0] != "none" else "")')

cat > "$T/use.c" <<'C'
#include <stdio.h>
#include <strata.h>
int main(int argc, char **argv)
{
	strata_options o;
	strata *s = NULL;
	int rc;

	strata_options_init(&o);
	o.script_location = argv[1];
	o.url = argv[2];
	rc = strata_open(&s, &o);
	if (rc == 0)
		rc = strata_upgrade(s, "head");
	if (rc)
		fprintf(stderr, "error: %s\n", strata_last_error(s)->message);
	else
		printf("version %s, %zu revisions\n", strata_version(), strata_revision_count(s));
	strata_free(s);
	return rc ? 1 : 0;
}
C
mkdir -p "$T/proj/migrations/versions"
printf -- '-- revision: r1\n-- migrate:up\nCREATE TABLE t (x INTEGER);\n-- migrate:down\nDROP TABLE t;\n' > "$T/proj/migrations/versions/r1.sql"

if cc $san -o "$T/use-static" "$T/use.c" $(pkg-config --cflags strata) \
     "$(find "$T/dest" -name libstrata.a | head -1)" $(pkg-config --libs --static strata | sed 's/-lstrata//') 2> "$T/cc1.log"; then
  ok "a program links the static library"
  run_out=$("$T/use-static" "$T/proj/migrations" "sqlite:///$T/a.db" 2>&1)
  check "the statically linked program migrates a database" grep -q "1 revisions" <<< "$run_out"
else
  not_ok "a program links the static library" "$(cat "$T/cc1.log")"
fi
libdir=$(dirname "$(find "$T/dest" -name 'libstrata.so' | head -1)")
if cc $san -o "$T/use-shared" "$T/use.c" $(pkg-config --cflags strata) -L"$libdir" -lstrata 2> "$T/cc2.log"; then
  ok "a program links the shared library"
  run_out=$(LD_LIBRARY_PATH=$libdir "$T/use-shared" "$T/proj/migrations" "sqlite:///$T/b.db" 2>&1)
  check "the dynamically linked program migrates a database" grep -q "1 revisions" <<< "$run_out"
  check "the shared library exports only strata_ names" \
    test -z "$(nm -D --defined-only "$libdir/libstrata.so" | awk '$2 ~ /[TDB]/ {print $3}' | grep -v '^strata_')"
else
  not_ok "a program links the shared library" "$(cat "$T/cc2.log")"
fi
