#!/usr/bin/env bash
# Several strata processes started at the same moment on one database: every revision is
# applied exactly once, the version table ends at head, every table exists once with its rows;
# then runners going up and down at once leave the database consistent.
. "$(dirname "$0")/lib.sh"

# Write `url = URL` into DIR/strata.ini verbatim.  (lib.sh's new_project uses sed, where the '&'
# of a PostgreSQL socket URL, ?host=...&port=..., would stand for the matched text.)
set_url() { # DIR URL
  local line
  while IFS= read -r line; do
    case $line in "url = "*) printf 'url = %s\n' "$2" ;; *) printf '%s\n' "$line" ;; esac
  done < "$1/strata.ini" > "$1/strata.ini.new" && mv "$1/strata.ini.new" "$1/strata.ini"
}

N_REVS=20
# Rows per migration: SQLite runners overlap (and replan) only when a migration takes a while;
# PostgreSQL runners queue on the advisory lock, so small migrations do there.
rows_for() { case "$1" in sqlite) echo 20000 ;; *) echo 2000 ;; esac; }

expect_eq() { # WHAT EXPECTED GOT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected:" "$2" "got:" "$3"; fi
}
user_tables() {
  case "$1" in
    sqlite:*) sql "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\_%' ESCAPE '\\' ORDER BY name" ;;
    *) sql "$1" "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 't\_%' ORDER BY 1" ;;
  esac
}

# Start K copies of `strata ARGS...` at the same moment.  The parent holds the FIFO open
# (read-write, so nobody blocks on open); each runner blocks reading one line from it, and
# one line per runner releases them all at once (a late runner finds its line waiting).
# Results in DIR/{rc,out,err}.N.
barrier_open() { rm -f "$1/go"; mkfifo "$1/go"; exec 9<>"$1/go"; }
barrier_release() { # K
  local i
  sleep 0.15 # let every runner block in read
  for ((i = 0; i < $1; i++)); do printf '\n'; done >&9
}
start_together() { # DIR K ARGS...
  local dir=$1 k=$2 i
  shift 2
  mkdir -p "$dir"
  rm -f "$dir"/rc.* "$dir"/out.* "$dir"/err.*
  barrier_open "$dir"
  for ((i = 1; i <= k; i++)); do
    ( exec 9>&-; read -r _ < "$dir/go"; "$STRATA" "$@" > "$dir/out.$i" 2> "$dir/err.$i"; echo $? > "$dir/rc.$i" ) &
  done
  barrier_release "$k"
  wait
  exec 9>&-
}
all_rc() { # DIR: the exit codes, space-separated
  local f
  for f in "$1"/rc.*; do printf '%s ' "$(cat "$f")"; done | sed 's/ $//'
}
show_errs() { local f; for f in "$1"/err.*; do echo "== $f"; tail -5 "$f"; done; }

# The revisions are written once per row count (into $T/template-ROWS) and copied into every
# project.
make_project() { # DIR URL
  local i id parent tpl=$T/template-$ROWS
  if [ ! -d "$tpl" ]; then
    new_project "$tpl"
    parent=""
    for ((i = 1; i <= N_REVS; i++)); do
      id=$(printf 'r%02d' "$i")
      add_rev "$tpl" "$id" "$parent" "table $i" \
"CREATE TABLE t_$id (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $ROWS)
INSERT INTO t_$id (id, v) SELECT x, 'row ' || x FROM c;" \
"DROP TABLE t_$id;"
      parent=$id
    done
  fi
  new_project "$1" && set_url "$1" "$2"
  cp "$tpl"/migrations/versions/*.sql "$1/migrations/versions/"
}

head=$(printf 'r%02d' "$N_REVS")
expected_tables=$(for ((i = 1; i <= N_REVS; i++)); do printf 't_r%02d\n' "$i"; done)

for engine in $(engines); do
  e=$engine
  ROWS=$(rows_for "$e")
  for k in 4 8; do
    p=$T/$e/p$k
    url=$(fresh_url "$e" "conc$k")
    make_project "$p" "$url"
    start_together "$T/$e/run$k" "$k" -c "$p/strata.ini" upgrade head
    expect_eq "$e: $k concurrent 'upgrade head': all exit 0" \
      "$(printf '0 %.0s' $(seq "$k") | sed 's/ $//')" "$(all_rc "$T/$e/run$k")"
    [ "$(all_rc "$T/$e/run$k")" = "$(printf '0 %.0s' $(seq "$k") | sed 's/ $//')" ] || show_errs "$T/$e/run$k" | sed 's/^/#   /'
    expect_eq "$e: $k runners: the version table has one row, the head" "$head" \
      "$(sql "$url" 'SELECT version_num FROM strata_version')"
    expect_eq "$e: $k runners: strata_history has each revision exactly once, 'up'" \
      "$N_REVS $N_REVS 1 1" \
      "$(sql "$url" "SELECT count(*), count(DISTINCT revision), min(n), max(n) FROM
                      (SELECT revision, count(*) AS n FROM strata_history WHERE direction = 'up' GROUP BY revision) x" | tr '|' ' ')"
    expect_eq "$e: $k runners: no other direction was logged" 0 \
      "$(sql "$url" "SELECT count(*) FROM strata_history WHERE direction <> 'up'")"
    expect_eq "$e: $k runners: every table exists" "$expected_tables" "$(user_tables "$url")"
    expect_eq "$e: $k runners: every table has its rows once" \
      "$((N_REVS * ROWS))" \
      "$(sql "$url" "$(for ((i = 1; i <= N_REVS; i++)); do printf 'SELECT count(*) AS n FROM t_r%02d UNION ALL ' "$i"; done | sed 's/ UNION ALL $//; s/^/SELECT sum(n) FROM (/; s/$/) x/')")"
    n_replan=$(cat "$T/$e/run$k"/err.* | grep -c 'planning again')
    ok "$e: $k runners: $n_replan of them had to plan again after another runner's step"
    n_done=$(cat "$T/$e/run$k"/err.* | grep -c '\.\.\. done')
    expect_eq "$e: $k runners: the progress lines add up to one run of each migration" "$N_REVS" "$n_done"
    run -c "$p/strata.ini" status
    expect_out "Pending:   none" "$e: $k runners: status shows nothing pending"
  done

  # Up and down at once: two runners downgrade to base while two upgrade to head, repeatedly.
  p=$T/$e/mixed-project
  url=$(fresh_url "$e" concmixed)
  make_project "$p" "$url"
  run -c "$p/strata.ini" upgrade head
  dir=$T/$e/mixed
  mkdir -p "$dir"
  rm -f "$dir"/rc.*
  barrier_open "$dir"
  for i in 1 2 3 4; do
    if [ $((i % 2)) = 1 ]; then a="downgrade base" b="upgrade head"; else a="upgrade head" b="downgrade base"; fi
    (
      exec 9>&-
      read -r _ < "$dir/go"
      r=0
      for round in 1 2; do
        # shellcheck disable=SC2086
        "$STRATA" -q -c "$p/strata.ini" $a >> "$dir/err.$i" 2>&1 || r=$?
        # shellcheck disable=SC2086
        "$STRATA" -q -c "$p/strata.ini" $b >> "$dir/err.$i" 2>&1 || r=$?
      done
      echo "$r" > "$dir/rc.$i"
    ) &
  done
  barrier_release 4
  wait
  exec 9>&-
  expect_eq "$e: 4 runners going up and down: all exit 0" "0 0 0 0" "$(all_rc "$dir")"
  [ "$(all_rc "$dir")" = "0 0 0 0" ] || show_errs "$dir" | sed 's/^/#   /'
  v=$(sql "$url" 'SELECT version_num FROM strata_version')
  tables=$(user_tables "$url")
  if { [ "$v" = "$head" ] && [ "$tables" = "$expected_tables" ]; } || { [ -z "$v" ] && [ -z "$tables" ]; }; then
    ok "$e: up and down at once: the version table and the schema agree (at '${v:-base}')"
  else
    not_ok "$e: up and down at once: the version table and the schema agree" "version: $v" "tables: $tables"
  fi
  expect_eq "$e: up and down at once: in strata_history each revision alternates up, down, up ..." 0 \
    "$(sql "$url" "SELECT count(*) FROM (SELECT revision, direction, LAG(direction) OVER (PARTITION BY revision ORDER BY id) AS prev
                    FROM strata_history) x WHERE direction = prev OR (prev IS NULL AND direction <> 'up')")"
  expect_eq "$e: up and down at once: the log's balance matches the final state" \
    "$([ -n "$v" ] && echo "$N_REVS" || echo 0)" \
    "$(sql "$url" "SELECT coalesce(sum(CASE direction WHEN 'up' THEN 1 ELSE -1 END), 0) FROM strata_history")"
  if [ -n "$v" ]; then
    expect_eq "$e: up and down at once: every table has its rows once" "$((N_REVS * ROWS))" \
      "$(sql "$url" "$(for ((i = 1; i <= N_REVS; i++)); do printf 'SELECT count(*) AS n FROM t_r%02d UNION ALL ' "$i"; done | sed 's/ UNION ALL $//; s/^/SELECT sum(n) FROM (/; s/$/) x/')")"
  fi
  run -c "$p/strata.ini" upgrade head
  expect_rc 0 "$e: after the storm, upgrade head exits 0"
  expect_eq "$e: after the storm, the database is at head" "$head" "$(sql "$url" 'SELECT version_num FROM strata_version')"
done
