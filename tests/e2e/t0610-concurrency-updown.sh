#!/usr/bin/env bash
# Eight runners at once, going down and up (t0200 covers runners that only upgrade, and four
# that alternate): per engine,
#   wave 1: 8 x `upgrade head` from an empty database;
#   wave 2: 8 x (`downgrade base`, then `upgrade head`);
#   wave 3: 8 x three rounds of down/up (half of them starting with up), then `upgrade head`.
# After each wave: every runner exited 0; replaying strata_history in id order (up adds the
# revision, down removes it) never applies a revision twice without a down between, never
# reverts one that is not applied, and ends at exactly the applied set the version table
# gives, which is also exactly the set of tables, each with its rows.
. "$(dirname "$0")/lib.sh"

N_REVS=12
K=8
# Rows per migration: SQLite runners overlap (and plan again) only when a migration takes a
# while; PostgreSQL runners queue on the advisory lock, so small migrations do there.
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

# K runners released at the same moment (see t0200): each blocks reading a line from a FIFO
# the parent holds open, and K lines release them all.  Each runner runs the commands given
# as arguments (each one a string of strata arguments) one after the other; DIR/rc.I holds
# the first non-zero exit (0 when all succeeded), DIR/err.I every command's stderr.
run_wave() { # DIR CMDS_FOR_ODD CMDS_FOR_EVEN   (commands separated by ';')
  local dir=$1 odd=$2 even=$3 i
  rm -rf "$dir"
  mkdir -p "$dir"
  mkfifo "$dir/go"
  exec 9<>"$dir/go"
  for ((i = 1; i <= K; i++)); do
    (
      exec 9>&-
      read -r _ < "$dir/go"
      r=0
      cmds=$even
      [ $((i % 2)) = 1 ] && cmds=$odd
      IFS=';' read -ra list <<< "$cmds"
      for c in "${list[@]}"; do
        # shellcheck disable=SC2086
        "$STRATA" -c "$P/strata.ini" $c >> "$dir/err.$i" 2>&1
        s=$?
        echo "\$ strata $c -> $s" >> "$dir/err.$i"
        [ "$r" = 0 ] && r=$s
      done
      echo "$r" > "$dir/rc.$i"
    ) &
  done
  sleep 0.15 # let every runner block in read
  for ((i = 0; i < K; i++)); do printf '\n'; done >&9
  wait
  exec 9>&-
}
all_rc() { local f; for f in "$1"/rc.*; do printf '%s ' "$(<"$f")"; done | sed 's/ $//'; }
zeros=$(for ((i = 0; i < K; i++)); do printf '0 '; done | sed 's/ $//')

# Replay strata_history: prints "ok" and the final set (sorted, space-separated), or the
# first violation.
replay() { # URL
  local id rev dir
  local -A on=()
  while IFS='|' read -r id rev dir; do
    case $dir in
      up)
        if [ -n "${on[$rev]:-}" ]; then echo "row $id: $rev applied again without a down between"; return; fi
        on[$rev]=1 ;;
      down)
        if [ -z "${on[$rev]:-}" ]; then echo "row $id: $rev reverted while not applied"; return; fi
        unset "on[$rev]" ;;
      *) echo "row $id: unexpected direction '$dir' for $rev"; return ;;
    esac
  done < <(sql "$1" "SELECT id, revision, direction FROM strata_history ORDER BY id")
  echo "ok $(printf '%s\n' "${!on[@]}" | sort | tr '\n' ' ' | sed 's/ $//')"
}

sum_rows_query() {
  local i q=""
  for ((i = 1; i <= N_REVS; i++)); do q+="${q:+ UNION ALL }SELECT count(*) AS n FROM t_$(printf 'r%02d' "$i")"; done
  echo "SELECT sum(n) FROM ($q) x"
}

check_wave() { # ENGINE WAVE DIR
  local e=$1 w=$2 dir=$3 rc v got
  rc=$(all_rc "$dir")
  expect_eq "$e: wave $w: all $K runners exit 0" "$zeros" "$rc"
  if [ "$rc" != "$zeros" ]; then
    local f
    for f in "$dir"/err.*; do echo "== $f"; grep -v '^\[' "$f" | tail -6; done | sed 's/^/#   /'
  fi
  grep -h 'error' "$dir"/err.* | sort | uniq -c | sed 's/^/#   /' | head -5
  v=$(sql "$URL" 'SELECT version_num FROM strata_version')
  expect_eq "$e: wave $w: the version table is at head" "$HEAD" "$v"
  got=$(replay "$URL")
  expect_eq "$e: wave $w: replaying strata_history gives the applied set, with no revision applied twice" \
    "ok $ALL" "$got"
  expect_eq "$e: wave $w: the schema has exactly the applied revisions' tables" "$EXPECTED_TABLES" "$(user_tables "$URL")"
  expect_eq "$e: wave $w: every table has its rows once" "$((N_REVS * ROWS))" "$(sql "$URL" "$(sum_rows_query)")"
}

HEAD=$(printf 'r%02d' "$N_REVS")
ALL=$(for ((i = 1; i <= N_REVS; i++)); do printf 'r%02d ' "$i"; done | sed 's/ $//')
EXPECTED_TABLES=$(for ((i = 1; i <= N_REVS; i++)); do printf 't_r%02d\n' "$i"; done)

for engine in $(engines); do
  e=$engine
  ROWS=$(rows_for "$e")
  P=$T/$e/project
  URL=$(fresh_url "$e" conc_updown)
  new_project "$P" "$URL"
  parent=""
  for ((i = 1; i <= N_REVS; i++)); do
    id=$(printf 'r%02d' "$i")
    add_rev "$P" "$id" "$parent" "table $i" \
"CREATE TABLE t_$id (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $ROWS)
INSERT INTO t_$id (id, v) SELECT x, 'row ' || x FROM c;" \
"DROP TABLE t_$id;"
    parent=$id
  done

  run_wave "$T/$e/w1" "upgrade head" "upgrade head"
  check_wave "$e" 1 "$T/$e/w1"
  expect_eq "$e: wave 1: each revision was applied exactly once" "$N_REVS $N_REVS 0" \
    "$(sql "$URL" "SELECT count(*), count(DISTINCT revision), count(CASE WHEN direction <> 'up' THEN 1 END) FROM strata_history" | tr '|' ' ')"
  n_replan=$(cat "$T/$e/w1"/err.* | grep -c 'planning again')
  ok "$e: wave 1: $n_replan runners planned again after another runner's step"

  before=$(sql "$URL" "SELECT count(*) FROM strata_history")
  run_wave "$T/$e/w2" "downgrade base;upgrade head" "downgrade base;upgrade head"
  check_wave "$e" 2 "$T/$e/w2"
  ups=$(sql "$URL" "SELECT count(*) FROM strata_history WHERE id > $before AND direction = 'up'")
  downs=$(sql "$URL" "SELECT count(*) FROM strata_history WHERE id > $before AND direction = 'down'")
  expect_eq "$e: wave 2: as many ups as downs were logged" "$downs" "$ups"
  ok "$e: wave 2: $downs downs and $ups ups in all"

  before=$(sql "$URL" "SELECT count(*) FROM strata_history")
  run_wave "$T/$e/w3" \
    "downgrade base;upgrade head;downgrade base;upgrade head;downgrade base;upgrade head;upgrade head" \
    "upgrade head;downgrade base;upgrade head;downgrade base;upgrade head;downgrade base;upgrade head"
  check_wave "$e" 3 "$T/$e/w3"
  ups=$(sql "$URL" "SELECT count(*) FROM strata_history WHERE id > $before AND direction = 'up'")
  downs=$(sql "$URL" "SELECT count(*) FROM strata_history WHERE id > $before AND direction = 'down'")
  expect_eq "$e: wave 3: as many ups as downs were logged" "$downs" "$ups"
  ok "$e: wave 3: $downs downs and $ups ups in all"
  run -c "$P/strata.ini" status
  expect_out "Pending:   none" "$e: status shows nothing pending"
done
