#!/usr/bin/env bash
# SQLite when the disk is full: a migration that writes more than there is room for fails with
# a clear error (exit 1, "database or disk is full"), the database file stays intact
# (integrity_check) at the previous revision, and a rerun once there is room succeeds.
#   1. a file-size limit (ulimit -f) in a subshell: strata must not die of SIGXFSZ;
#   2. a 2 MB tmpfs (root only; skipped otherwise): the big migration does not fit, then the
#      filesystem grows and the rerun fits;
#   3. the same tmpfs filled up by another file before strata starts: even the small
#      migration cannot begin; once the file is removed the rerun succeeds.
. "$(dirname "$0")/lib.sh"

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}
expect_err_re() { # REGEX WHAT
  if grep -qE -- "$1" <<< "$err"; then ok "$2"; else not_ok "$2 (stderr lacks: $1)" "$(detail)"; fi
}

# a1 small, b2 writes about 10 MB (20000 blobs of 500 bytes), c3 small.
make_project() { # DIR URL
  new_project "$1" "$2"
  add_rev "$1" a1 "" "small" "CREATE TABLE small (x INTEGER);
INSERT INTO small (x) VALUES (1), (2), (3);" "DROP TABLE small;"
  add_rev "$1" b2 a1 "big" "CREATE TABLE big (x BLOB NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
INSERT INTO big (x) SELECT randomblob(500) FROM c;" "DROP TABLE big;"
  add_rev "$1" c3 b2 "after" "CREATE TABLE after_big (x INTEGER);" "DROP TABLE after_big;"
}

# The database after the failed b2: intact, at a1, nothing of b2.
intact_at_a1() { # WHAT URL
  local what=$1 url=$2
  expect_eq "$what: the database passes integrity_check" ok "$(sql "$url" 'PRAGMA integrity_check' 2>&1)"
  expect_eq "$what: the version table is at the previous revision" a1 "$(sql "$url" 'SELECT version_num FROM strata_version')"
  expect_eq "$what: nothing of the failed migration is there" 0 \
    "$(sql "$url" "SELECT count(*) FROM sqlite_master WHERE name IN ('big', 'after_big')")"
  expect_eq "$what: strata_history has a1 only" "a1|up" "$(sql "$url" 'SELECT revision, direction FROM strata_history ORDER BY id')"
  expect_eq "$what: a1's rows are there" 3 "$(sql "$url" 'SELECT count(*) FROM small')"
}

rerun_to_head() { # WHAT DIR URL
  run -c "$2/strata.ini" upgrade head
  expect_rc 0 "$1: the rerun exits 0"
  expect_eq "$1: the rerun reaches head" c3 "$(sql "$3" 'SELECT version_num FROM strata_version')"
  expect_eq "$1: the big migration ran in full" 20000 "$(sql "$3" 'SELECT count(*) FROM big')"
  expect_eq "$1: the database passes integrity_check" ok "$(sql "$3" 'PRAGMA integrity_check' 2>&1)"
}

# ---- 1. a file-size limit ------------------------------------------------------------------
# Twice: as a user runs it, and with SIGXFSZ already ignored by the shell (the disposition
# strata should set itself), which shows what the driver then reports for EFBIG.
for how in plain xfsz-ignored; do
  what="ulimit -f ($how)"
  p=$T/ulimit-$how
  url=$(fresh_url sqlite "ulimit-$how")
  make_project "$p" "$url"
  run -c "$p/strata.ini" upgrade a1
  expect_rc 0 "$what: upgrade a1 exits 0"
  # 1 MB: room for a1, not for b2.  The subshell keeps the limit away from the checks; the
  # braces keep the shell's own "File size limit exceeded" line out of the output.
  {
    (
      ulimit -f 1024
      [ $how = xfsz-ignored ] && trap '' XFSZ
      exec "$STRATA" -c "$p/strata.ini" upgrade head > "$T/ulimit.out" 2> "$T/ulimit.err"
    )
  } 2>/dev/null
  rc=$? out=$(<"$T/ulimit.out") err=$(<"$T/ulimit.err") last_cmd="(ulimit -f 1024; strata upgrade head)"
  if [ "$rc" -eq $((128 + $(kill -l XFSZ))) ]; then
    not_ok "$what: exit code 1 (strata was killed by SIGXFSZ: it should ignore the signal, so that write() fails with EFBIG and SQLite reports it)" "$(detail)"
  else
    expect_rc 1 "$what: exit code 1"
    expect_err_re "disk is full|file size limit|too large" "$what: the message says the file hit its size limit (or the disk is full)"
    expect_err "b2" "$what: the message names the migration"
    expect_err "The database is at a1" "$what: strata says where the database is"
  fi
  intact_at_a1 "$what" "$url"
  rerun_to_head "$what: without the limit" "$p" "$url"
done

# ---- 2 and 3. a small tmpfs ------------------------------------------------------------------
mnt=$T/full
mkdir -p "$mnt"
if [ "$(id -u)" -ne 0 ]; then
  skip "disk full on a 2 MB tmpfs" "mounting a tmpfs needs root"
  exit 0
fi
if ! mount -t tmpfs -o size=2m strata-test "$mnt" 2>"$T/mount.err"; then
  skip "disk full on a 2 MB tmpfs" "mount -t tmpfs failed: $(cat "$T/mount.err")"
  exit 0
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT

what="2 MB tmpfs"
p=$T/tmpfs
url="sqlite:///$mnt/app.db"
make_project "$p" "$url"
run -c "$p/strata.ini" upgrade a1
expect_rc 0 "$what: upgrade a1 exits 0"
run -c "$p/strata.ini" upgrade head
expect_rc 1 "$what: exit code 1"
expect_err "database or disk is full" "$what: the message says the disk is full"
expect_err "b2" "$what: the message names the migration"
expect_err "free disk space" "$what: the hint says to free space and run again"
expect_err "The database is at a1" "$what: strata says where the database is"
check "$what: no rollback journal is left behind" test ! -e "$mnt/app.db-journal"
intact_at_a1 "$what" "$url"
if mount -o remount,size=64m "$mnt"; then
  rerun_to_head "$what: after the filesystem grows to 64 MB" "$p" "$url"
else
  not_ok "$what: the filesystem grows to 64 MB"
fi

what="tmpfs filled by another file"
umount "$mnt"
if ! mount -t tmpfs -o size=2m strata-test "$mnt"; then
  not_ok "$what: a new 2 MB tmpfs"
  exit 0
fi
p=$T/filled
make_project "$p" "$url"
run -c "$p/strata.ini" upgrade a1
expect_rc 0 "$what: upgrade a1 exits 0"
rm -f "$p"/migrations/versions/b2_*.sql "$p"/migrations/versions/c3_*.sql
add_rev "$p" b2 a1 "more" "CREATE TABLE more (x INTEGER);
INSERT INTO more (x) VALUES (1);" "DROP TABLE more;"
dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null # until the disk is full
run -c "$p/strata.ini" upgrade head
expect_rc 1 "$what: exit code 1"
expect_err "database or disk is full" "$what: the message says the disk is full"
expect_eq "$what: the database passes integrity_check" ok "$(sql "$url" 'PRAGMA integrity_check' 2>&1)"
expect_eq "$what: the version table is at the previous revision" a1 "$(sql "$url" 'SELECT version_num FROM strata_version')"
expect_eq "$what: nothing of the failed migration is there" 0 "$(sql "$url" "SELECT count(*) FROM sqlite_master WHERE name = 'more'")"
rm -f "$mnt/filler"
run -c "$p/strata.ini" upgrade head
expect_rc 0 "$what: once the file is removed, the rerun exits 0"
expect_eq "$what: the rerun reaches head" b2 "$(sql "$url" 'SELECT version_num FROM strata_version')"
expect_eq "$what: the database passes integrity_check after the rerun" ok "$(sql "$url" 'PRAGMA integrity_check' 2>&1)"
