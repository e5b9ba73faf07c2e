#!/usr/bin/env bash
# SIGKILL at random moments: a 200-migration upgrade (each migration creates its table and
# inserts three rows) is killed at uniformly random points inside its running time, at least
# 50 times per engine.  After every kill the version table and the real schema agree exactly
# (the applied revisions r001..rN have their tables with their three rows, no table beyond
# rN exists, strata_history has one 'up' row for each of them and nothing else; SQLite's file
# passes integrity_check), and the next run carries on from there.  A run that finishes before
# its kill must exit 0 at head; then the database starts again from empty.
#
# STRATA_KILLS (default 50) sets the number of kills per engine.
. "$(dirname "$0")/lib.sh"

N=200
KILLS=${STRATA_KILLS:-50}
MAX_TRIES=$((KILLS * 4 + 40)) # runs per engine, kills or not: a bound, never reached normally

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}

# The revisions, written once and copied into each project.
tpl=$T/template
mkdir -p "$tpl"
for ((i = 1; i <= N; i++)); do
  id=$(printf 'r%03d' "$i")
  {
    printf -- '-- revision: %s\n' "$id"
    [ "$i" -gt 1 ] && printf -- '-- down_revision: r%03d\n' $((i - 1))
    printf -- '-- message: table %d\n\n-- migrate:up\n' "$i"
    printf 'CREATE TABLE t_%s (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n' "$id"
    printf "INSERT INTO t_%s (id, v) VALUES (1, 'one'), (2, 'two'), (3, 'three');\n\n" "$id"
    printf -- '-- migrate:down\nDROP TABLE t_%s;\n' "$id"
  } > "$tpl/${id}_table_$i.sql"
done

# The database's state in one line: "A|TABLES|MIN|MAX|UP|DISTINCT|OTHER|ROWS|INTEGRITY" where
# A is the number of applied revisions by the version table, TABLES the number of t_r tables
# and MIN/MAX their first and last names, UP/DISTINCT the 'up' rows of strata_history and
# their revisions, OTHER the rows of any other direction, ROWS "min|max" rows per existing
# t_r table, INTEGRITY SQLite's integrity_check ("-" on PostgreSQL).
# One client run: a statement on a table that does not exist (yet) fails alone, and its
# tagged line is missing.
state_script() { # ENGINE
  local i id
  echo "SELECT 'v', version_num FROM strata_version;"
  echo "SELECT 'h', direction, count(*), count(DISTINCT revision) FROM strata_history GROUP BY direction;"
  case $1 in
    sqlite)
      echo "SELECT 't', count(*), coalesce(min(name), ''), coalesce(max(name), '') FROM sqlite_master WHERE type = 'table' AND name LIKE 't\_r%' ESCAPE '\';"
      echo "SELECT 'i', * FROM pragma_integrity_check;" ;;
    *)
      echo "SELECT 't', count(*), coalesce(min(table_name), ''), coalesce(max(table_name), '') FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't\_r%';" ;;
  esac
  for ((i = 1; i <= N; i++)); do printf -v id 'r%03d' "$i"; echo "SELECT 'n', count(*) FROM t_$id;"; done
}
state_of() { # ENGINE URL
  local e=$1 url=$2 tag x y z v="" a up=0 upd=0 other=0 tables="" nmin="" nmax="" integrity=-
  while IFS='|' read -r tag x y z; do
    case $tag in
      v) v+="${v:+ }$x" ;;
      h) if [ "$x" = up ]; then up=$y upd=$z; else other=$((other + y)); fi ;;
      t) tables="$x|$y|$z" ;;
      i) integrity=$x ;;
      n) if [ -z "$nmin" ] || [ "$x" -lt "$nmin" ]; then nmin=$x; fi
         if [ -z "$nmax" ] || [ "$x" -gt "$nmax" ]; then nmax=$x; fi ;;
    esac
  done < <(case $e in
             sqlite) sqlite3 -batch "${url#sqlite:///}" < "$T/state-$e.sql" ;;
             *) psql -XqAt "$url" < "$T/state-$e.sql" ;;
           esac 2>/dev/null)
  case $v in
    "") a=0 ;;
    r[0-9][0-9][0-9]) a=$((10#${v#r})) ;;
    *) echo "bad version table: '$v'"; return ;;
  esac
  echo "$a|$tables|$up|$upd|$other|${nmin:--}|${nmax:--}|$integrity"
}

# What state_of must print when A revisions are applied.
expected_state() { # ENGINE A
  local a=$2 integrity=-
  [ "$1" = sqlite ] && integrity=ok
  if [ "$a" -eq 0 ]; then
    echo "0|0|||0|0|0|-|-|$integrity"
  else
    echo "$a|$a|t_r001|t_$(printf 'r%03d' "$a")|$a|$a|0|3|3|$integrity"
  fi
}

# PostgreSQL: wait until the killed client's server process has ended (it rolls back what it
# had not committed, and releases the advisory lock).
backend_gone() { # DBNAME
  local i
  for ((i = 0; i < 500; i++)); do
    [ "$(sql "$STRATA_PG_ADMIN_URL" "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND application_name = 'strata'")" = 0 ] && return 0
    sleep 0.02
  done
  return 1
}

# Empty the database (for SQLite also a journal a kill may have left, which must not be
# replayed into the next file).
reset_db() { # ENGINE NAME
  [ "$1" = sqlite ] && rm -f "$T/$2.db-journal"
  fresh_url "$1" "$2"
}

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

for engine in $(engines); do
  e=$engine
  state_script "$e" > "$T/state-$e.sql"
  db=kill_$e
  p=$T/$e/project
  url=$(reset_db "$e" "$db")
  new_project "$p" "$url"
  cp "$tpl"/*.sql "$p/migrations/versions/"

  # How long a whole upgrade takes: kills land uniformly inside that time.
  # (Timed without valgrind, as the runs that are killed.)
  t0=$(now_ms)
  "$STRATA" -c "$p/strata.ini" -q upgrade head > "$T/out" 2> "$T/err"
  rc=$? out=$(<"$T/out") err=$(<"$T/err") last_cmd="strata upgrade head"
  full_ms=$(($(now_ms) - t0))
  expect_rc 0 "$e: a full upgrade of $N migrations exits 0 (${full_ms} ms)"
  expect_eq "$e: the full upgrade leaves the database consistent at r$N" "$(expected_state "$e" $N)" "$(state_of "$e" "$url")"
  # And what a run costs before its first migration (loading 200 files, connecting, locking,
  # reading the version table): a run at head does only that.
  t0=$(now_ms)
  "$STRATA" -c "$p/strata.ini" -q upgrade head > "$T/out" 2> "$T/err"
  start_ms=$(($(now_ms) - t0))
  ok "$e: a run with nothing to do takes ${start_ms} ms"
  [ "$full_ms" -gt "$start_ms" ] || full_ms=$((start_ms + 1))
  url=$(reset_db "$e" "$db")

  kills=0 survived=0 completed=0 tries=0 failures=0 resets=0 hot=0
  landed="" # the number of applied revisions found after each kill
  applied=0
  while [ "$kills" -lt "$KILLS" ] && [ "$tries" -lt "$MAX_TRIES" ]; do
    tries=$((tries + 1))
    # Uniform inside the time this run takes: its start-up, then the migrations still to run.
    span=$((start_ms + (full_ms - start_ms) * (N - applied) / N + 1))
    delay=$(((RANDOM * 32768 + RANDOM) % span))
    "$STRATA" -c "$p/strata.ini" -q upgrade head > "$T/out" 2> "$T/err" &
    pid=$!
    printf -v secs '%d.%03d' $((delay / 1000)) $((delay % 1000))
    sleep "$secs"
    kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null # no "Killed" line from the shell
    status=$?
    if [ "$status" -eq 137 ]; then
      kills=$((kills + 1))
      [ "$e" = sqlite ] && [ -s "${url#sqlite:///}-journal" ] && hot=$((hot + 1))
      [ "$e" = postgresql ] && { backend_gone "$db" || echo "# $e: the killed runner's server process is still there after 10 s"; }
      got=$(state_of "$e" "$url")
      a=${got%%|*}
      case $a in ''|*[!0-9]*) a=-1 ;; esac
      if [ "$a" -ge 0 ] && [ "$got" = "$(expected_state "$e" "$a")" ]; then
        survived=$((survived + 1))
        landed+=" $a"
        applied=$a
      else
        failures=$((failures + 1))
        [ "$failures" -le 5 ] && not_ok "$e: kill $kills (after ${delay} ms): the version table and the schema agree" \
          "state: $got" "expected: $(expected_state "$e" "${a#-}")" "stderr: $(cat "$T/err")"
        applied=0
        url=$(reset_db "$e" "$db") # start again from a known state
      fi
    elif [ "$status" -eq 0 ]; then
      # It finished before the kill: it must be at head.
      got=$(state_of "$e" "$url")
      if [ "$got" = "$(expected_state "$e" $N)" ]; then
        completed=$((completed + 1))
      else
        failures=$((failures + 1))
        [ "$failures" -le 5 ] && not_ok "$e: an upgrade that finished before its kill is at head" \
          "state: $got" "stderr: $(cat "$T/err")"
      fi
      applied=0
      resets=$((resets + 1))
      url=$(reset_db "$e" "$db")
    else
      failures=$((failures + 1))
      [ "$failures" -le 5 ] && not_ok "$e: the upgrade after a kill exits 0 or is killed (exit $status)" \
        "state: $(state_of "$e" "$url")" "stderr: $(cat "$T/err")"
      applied=0
      url=$(reset_db "$e" "$db")
    fi
  done
  if [ "$kills" -ge "$KILLS" ] && [ "$survived" -eq "$kills" ]; then
    ok "$e: $survived of $kills kills survived"
  else
    not_ok "$e: $survived of $kills kills survived (wanted $KILLS kills in $tries runs; $failures failures)"
  fi
  echo "# kills survived: $survived ($e)"
  # Where the kills landed: every part of the upgrade should be hit, not only its start.
  dist=$(printf '%s\n' $landed | sort -n | uniq | wc -l)
  lo=$(printf '%s\n' $landed | sort -n | head -1)
  hi=$(printf '%s\n' $landed | sort -n | tail -1)
  echo "# $e: $tries runs, $completed finished before their kill (each at head, then the database was emptied), kills found $dist different states between ${lo:-?} and ${hi:-?} applied revisions"
  # At least one kill in ten at a state of its own.  (Not more: under ASan or on a busy
  # machine start-up is a large share of each run, so many kills land before the first
  # commit; the delays then miss nothing, they only find fewer distinct states.)
  if [ "$dist" -ge $((KILLS / 10)) ] && [ "${hi:-0}" -gt $((N / 2)) ]; then
    ok "$e: the kills landed at $dist different points of the upgrade"
  else
    not_ok "$e: the kills landed at $dist different points of the upgrade (too few, or none past half-way: the delays miss the upgrade)"
  fi
  [ "$e" = sqlite ] && echo "# $e: $hot kills left a hot rollback journal, which the next reader rolled back"

  # The rerun after the last kill (or from empty) reaches head.
  run -c "$p/strata.ini" -q upgrade head
  expect_rc 0 "$e: after the kills, a rerun exits 0"
  expect_eq "$e: after the kills, the rerun reaches head consistently" "$(expected_state "$e" $N)" "$(state_of "$e" "$url")"
  run -c "$p/strata.ini" status
  expect_out "Pending:   none" "$e: status shows nothing pending"
done
