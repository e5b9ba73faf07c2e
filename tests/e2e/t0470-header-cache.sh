#!/usr/bin/env bash
# The header cache (src/hcache.h): revision headers come from it only while each file's stat
# matches; an edit (even one keeping the size and the modification time) is seen; a damaged,
# missing or unwritable cache changes nothing but speed; STRATA_NO_CACHE=1 turns it off.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$T/cache
p=$T/proj
v=$p/migrations/versions
new_project "$p"
add_rev "$p" a1 "" "create account" "CREATE TABLE account (id INTEGER PRIMARY KEY);" "DROP TABLE account;"
add_rev "$p" b2 a1 "add email" "ALTER TABLE account ADD COLUMN email TEXT;" "ALTER TABLE account DROP COLUMN email;"
add_rev "$p" c3 b2 "index email" "CREATE INDEX ix_email ON account (email);" "DROP INDEX ix_email;"
# A file changed (its ctime) within the last two seconds is not cached: a coarse file-system
# clock could hide a second edit.  settle waits that out.
settle() { sleep 2.1; }
settle

# Replace text in a file in place (same inode, as an editor that rewrites the file does).
edit_in_place() { python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1:4]
with open(path, "r+") as f:
    text = f.read()
    assert old in text, (path, old)
    f.seek(0)
    f.write(text.replace(old, new))
    f.truncate()
PY
}
hist_nocache() { (cd "$p" && STRATA_NO_CACHE=1 "$STRATA" history 2>&1); }

run_in "$p" -v history
expect_rc 0 "history with no cache yet exits 0"
expect_err "3 revision files: 3 read, 0 from the header cache" "the first run reads every file"
check "it wrote one cache file under XDG_CACHE_HOME/strata" test "$(find "$XDG_CACHE_HOME/strata" -type f | wc -l)" = 1
check "the cache folder is private to the user" test "$(stat -c %a "$XDG_CACHE_HOME/strata")" = 700
cache=$(find "$XDG_CACHE_HOME/strata" -type f)

run_in "$p" -v history
expect_err "3 revision files: 0 read, 3 from the header cache" "the second run reads no file"
run_in "$p" history
check "history from the cache is what the files say" test "$out" = "$(hist_nocache)"
before=$(stat -c %Y.%i "$cache")
run_in "$p" heads
check "a run where everything matched leaves the cache file alone" test "$(stat -c %Y.%i "$cache")" = "$before"

# An edit in place that keeps the inode, the size and the modification time: only the change
# time differs.
f=$(ls "$v"/b2_*.sql)
mtime=$(stat -c %y "$f")
ino=$(stat -c %i "$f")
edit_in_place "$f" "add email" "add EMAIL"
touch -d "$mtime" "$f"
check "(the edit kept the inode, size and mtime)" test "$(stat -c %i.%s.%y "$f")" = "$ino.$(stat -c %s "$f").$mtime"
run_in "$p" -v history
expect_out "add EMAIL" "an edit keeping size and mtime is seen"
expect_err "1 read, 2 from the header cache" "only the edited file is read again"
settle

# A header edit that changes the graph: c3 now comes straight after a1, so b2 is a head too.
f=$(ls "$v"/c3_*.sql)
edit_in_place "$f" "-- down_revision: b2" "-- down_revision: a1"
settle
run_in "$p" heads
expect_out "b2 (head)" "a changed down_revision is seen: b2 is a head"
expect_out "c3 (head)" "and c3 is a head"

# A file changed just now is read, and not cached until it has settled.
add_rev "$p" d4 "b2 c3" "merge" "SELECT 1;" "SELECT 1;"
run_in "$p" -v heads
expect_out "d4 (head)" "a new file is seen at once"
check "a file changed in the last seconds is not in the cache" test "$(grep -c d4_merge "$cache")" = 0
run_in "$p" -v heads
expect_err "1 read, 3 from the header cache" "so the next run reads it again"
settle
run_in "$p" heads
run_in "$p" -v heads
expect_err "0 read, 4 from the header cache" "once settled, it is cached too"

# A removed file disappears from the output and from the cache.
rm "$v"/d4_*.sql
run_in "$p" heads
expect_no "d4" "a removed file is gone from heads"
check "and from the cache" test "$(grep -c d4_merge "$cache")" = 0
check "history still agrees with the files" test "$(cd "$p" && "$STRATA" history 2>&1)" = "$(hist_nocache)"

# A damaged cache is ignored and written again.
for damage in truncate garbage flipped; do
  case $damage in
    truncate) head -c 100 "$cache" > "$cache.x" ;;
    garbage) head -c 3000 /dev/urandom > "$cache.x" ;;
    flipped) sed 's/add EMAIL/add EMAIX/' "$cache" > "$cache.x" ;;
  esac
  mv "$cache.x" "$cache"
  run_in "$p" history
  expect_rc 0 "a $damage cache: history exits 0"
  if [ $damage = flipped ]; then
    # The cache was edited, not the file: its entry still matches the file's stat, and is
    # trusted.  The cache is the user's own file, like the revisions themselves.
    expect_out "add EMAIX" "an edited cache entry whose stat matches is used (it is trusted like the files)"
  else
    check "a $damage cache: the output is what the files say" test "$out" = "$(hist_nocache)"
    run_in "$p" -v history
    expect_err "0 read, 3 from the header cache" "a $damage cache is written again whole"
  fi
done
rm -f "$cache"

# Off, and unwritable.
XDG_CACHE_HOME=$T/cache2 STRATA_NO_CACHE=1 run_in "$p" -v heads
expect_rc 0 "STRATA_NO_CACHE=1: heads exits 0"
expect_err "(off)" "STRATA_NO_CACHE=1 says the cache is off"
check "STRATA_NO_CACHE=1 writes no cache" test ! -e "$T/cache2"
: > "$T/notadir"
XDG_CACHE_HOME=$T/notadir run_in "$p" heads
expect_rc 0 "an unwritable cache folder: heads exits 0"
check "and says nothing about it" test -z "$err"
check "history with the cache unwritable agrees with the files" test "$(cd "$p" && XDG_CACHE_HOME=$T/notadir "$STRATA" history 2>&1)" = "$(hist_nocache)"

# Migrations read their files whole whatever the cache says: running them is unchanged.
run_in "$p" upgrade heads
expect_rc 0 "upgrade heads with the cache exits 0"
run_in "$p" verify
expect_rc 0 "verify after it exits 0"
f=$(ls "$v"/a1_*.sql)
mtime=$(stat -c %y "$f")
edit_in_place "$f" "PRIMARY KEY);" "PRIMARY KEY );"
touch -d "$mtime" "$f"
run_in "$p" verify
expect_rc 3 "an applied file edited (mtime kept) is reported changed by verify"

# Many files: from 2,048 on, a thread stats part of them (the last 60%).  The same answers,
# and an edit there (in place, mtime kept) is seen like one among the first files.
q=$T/many
new_project "$q"
n=2100
prev=""
for i in $(seq 1 $n); do
  id=$(printf 'r%05d' "$i")
  printf -- '-- revision: %s\n%s-- message: step %d\n\n-- migrate:up\nSELECT %d;\n-- migrate:down\nSELECT %d;\n' \
    "$id" "${prev:+-- down_revision: $prev
}" "$i" "$i" "$i" > "$q/migrations/versions/${id}_step.sql"
  prev=$id
done
settle
run_in "$q" -v history
expect_err "$n revision files: $n read, 0 from the header cache" "$n files: the first run reads them all"
run_in "$q" -v history
expect_err "$n revision files: 0 read, $n from the header cache" "$n files: the second reads none"
check "$n files: history from the cache is what the files say" test "$out" = "$(cd "$q" && STRATA_NO_CACHE=1 "$STRATA" -v history 2>/dev/null)"
for i in 0005 2050; do
  f=$q/migrations/versions/r0${i}_step.sql
  mtime=$(stat -c %y "$f")
  edit_in_place "$f" "message: step $((10#$i))" "message: STEP $((10#$i))"
  touch -d "$mtime" "$f"
done
run_in "$q" -v history
expect_err "2 read, $((n - 2)) from the header cache" "$n files: both edited files are read again (one stat'ed by the thread)"
expect_out "STEP 5" "$n files: the edit among the first files is seen"
expect_out "STEP 2050" "$n files: the edit among the last files is seen"
