#!/bin/sh
# Print the SONAME of the library the C compiler links for -l<name>: meson.build asks, so that
# strata dlopens exactly the library it was built against (see src/pg_dl.c).
#   scripts/soname.sh NAME CC [CC ARGS...]
name=$1; shift
f=$("$@" -print-file-name="lib$name.so" 2>/dev/null) || exit 0
[ -e "$f" ] || exit 0
readelf -d "$f" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p'
