# lib-autogen-pg.sh - autogenerate round trips on PostgreSQL, for t085x files (after lib.sh).
#
#   roundtrip NAME < SPEC   SPEC: schema A, a line "----", schema B.  A new database gets A
#                           (autogenerate from empty, upgrade), then B (autogenerate, upgrade),
#                           then goes back down to A and up to B again: each time `strata check`
#                           against that schema says the database matches.  Then B applied with
#                           psql to another database: `strata check` finds no difference.
#                           Lines "--! up: TEXT", "--! down: TEXT", "--! warn: TEXT" and
#                           "--! no-up: TEXT" in SPEC ask for TEXT in the upgrade, the downgrade,
#                           the warnings, or not in the upgrade.  The desired schema is read
#                           in a shadow database of the case's (shadow_url), unless
#                           RT_SCRATCH=create: then in strata's own scratch databases.
#   cases FUNC...           run roundtrip cases (functions) a few at a time, print in order
#                           ($STRATA_AG_CASES: only those named; $STRATA_AG_JOBS at a time)
#   pg_project DIR URL      strata init DIR with the URL written verbatim
#   sock_url DB [USER]      a URL over the cluster's Unix socket
#   admin ARGS...           psql as the cluster's superuser
#   fresh_db NAME           an empty database
sock_url() { echo "postgresql://${2:-postgres}@/$1?host=$STRATA_PG_DIR&port=$STRATA_PG_PORT"; }
admin() { PGOPTIONS='-c client_min_messages=warning' psql -XqAt -v ON_ERROR_STOP=1 "$STRATA_PG_ADMIN_URL" "$@"; }
fresh_db() { admin -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\"" >/dev/null; }
drop_db() { admin -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null; }
pg_project() {
  local line
  mkdir -p "$1"
  "$STRATA" init "$1" >/dev/null || return 1
  while IFS= read -r line; do
    case $line in "url = "*) printf 'url = %s\n' "$2" ;; *) printf '%s\n' "$line" ;; esac
  done < "$1/strata.ini" > "$1/strata.ini.new" && mv "$1/strata.ini.new" "$1/strata.ini"
}
# The server's databases named like strata's scratch ones (none may be left behind).
shadow_dbs() { admin -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'strata\\_shadow\\_%'"; }

# rt_fail WHAT FILE...: not ok, with the last command and the files.
rt_fail() {
  local what=$1 f d
  shift
  d=$(detail)
  for f in "$@"; do [ -f "$f" ] && d=$(printf '%s\n--- %s\n%s' "$d" "${f##*/}" "$(cat "$f")"); done
  not_ok "$what" "$d"
}

roundtrip() {
  local name=$1 spec a b dir db up down bfile line text ok_all=1
  dir=$T/rt-$name
  db=ag_$name
  spec=$(cat)
  a=$(printf '%s\n' "$spec" | sed '/^----$/,$d')
  b=$(printf '%s\n' "$spec" | sed '0,/^----$/d')
  fresh_db "$db" && pg_project "$dir" "$(sock_url "$db")" || { not_ok "$name: set up"; return; }
  # A shadow database of its own (CREATE DATABASE per command is slow on a small machine),
  # unless the case asks for strata's own scratch databases.
  if [ "${RT_SCRATCH:-shadow}" = shadow ]; then
    fresh_db "${db}_shadow" && printf 'shadow_url = %s\n' "$(sock_url "${db}_shadow")" >> "$dir/strata.ini"
  fi

  # A, from an empty database.
  printf '%s\n' "$a" > "$dir/schema.sql"
  run_in "$dir" revision --autogenerate -m a
  [ "$rc" -eq 0 ] || { rt_fail "$name: autogenerate A" "$dir"/migrations/versions/*_a.sql; return; }
  run_in "$dir" upgrade head
  [ "$rc" -eq 0 ] || { rt_fail "$name: upgrade to A" "$dir"/migrations/versions/*_a.sql; return; }
  run_in "$dir" check
  if [ "$rc" -eq 0 ]; then ok "$name: A matches after upgrade"; else
    rt_fail "$name: A matches after upgrade" "$dir"/migrations/versions/*_a.sql; return; fi

  # B.
  printf '%s\n' "$b" > "$dir/schema.sql"
  run_in "$dir" revision --autogenerate -m b
  bfile=$(ls "$dir"/migrations/versions/*_b.sql 2>/dev/null)
  [ "$rc" -eq 0 ] && [ -n "$bfile" ] || { rt_fail "$name: autogenerate B"; return; }
  local warnings=$err
  up=$(sed '/^-- migrate:down/,$d' "$bfile")
  down=$(sed '1,/^-- migrate:down/d' "$bfile")
  while IFS= read -r line; do
    text=${line#*: }
    case $line in
      "--! up: "*) grep -qF -- "$text" <<< "$up" || { ok_all=0; not_ok "$name: the upgrade has: $text" "$(cat "$bfile")"; } ;;
      "--! no-up: "*) grep -qF -- "$text" <<< "$up" && { ok_all=0; not_ok "$name: the upgrade lacks: $text" "$(cat "$bfile")"; } ;;
      "--! down: "*) grep -qF -- "$text" <<< "$down" || { ok_all=0; not_ok "$name: the downgrade has: $text" "$(cat "$bfile")"; } ;;
      "--! warn: "*) grep -qF -- "$text" <<< "$warnings" || { ok_all=0; not_ok "$name: warns: $text" "$warnings"; } ;;
    esac
  done < <(printf '%s\n' "$spec" | grep '^--! ')
  [ "$ok_all" = 1 ] && grep -q '^--! ' <<< "$spec" && ok "$name: the migration says what was asked"
  run_in "$dir" upgrade head
  [ "$rc" -eq 0 ] || { rt_fail "$name: upgrade to B" "$bfile"; return; }
  run_in "$dir" check
  if [ "$rc" -eq 0 ]; then ok "$name: B matches after upgrade"; else
    rt_fail "$name: B matches after upgrade" "$bfile"; return; fi

  # Down to A: with B's revision out of the way, A is the head to compare at.
  run_in "$dir" downgrade -1
  [ "$rc" -eq 0 ] || { rt_fail "$name: downgrade to A" "$bfile"; return; }
  mkdir -p "$dir/held" && mv "$bfile" "$dir/held/"
  printf '%s\n' "$a" > "$dir/schema.sql"
  run_in "$dir" check
  if [ "$rc" -eq 0 ]; then ok "$name: A matches after downgrade"; else
    rt_fail "$name: A matches after downgrade" "$dir/held/${bfile##*/}"; return; fi
  mv "$dir/held/${bfile##*/}" "$bfile"

  # And up again.
  printf '%s\n' "$b" > "$dir/schema.sql"
  run_in "$dir" upgrade head
  [ "$rc" -eq 0 ] || { rt_fail "$name: upgrade to B again" "$bfile"; return; }
  run_in "$dir" check
  if [ "$rc" -eq 0 ]; then ok "$name: B matches after upgrading again"; else
    rt_fail "$name: B matches after upgrading again" "$bfile"; fi
  drop_db "$db"

  # No false positives: B as psql applies it.
  fresh_db "${db}_psql" && pg_project "$dir-psql" "$(sock_url "${db}_psql")" || { not_ok "$name: set up psql"; return; }
  [ "${RT_SCRATCH:-shadow}" = shadow ] && printf 'shadow_url = %s\n' "$(sock_url "${db}_shadow")" >> "$dir-psql/strata.ini"
  printf '%s\n' "$b" > "$dir-psql/schema.sql"
  if ! psql -XqAt -v ON_ERROR_STOP=1 "$(sock_url "${db}_psql")" -f "$dir-psql/schema.sql" >"$T/psql-$name" 2>&1; then
    not_ok "$name: B applies with psql" "$(cat "$T/psql-$name")"
  else
    run_in "$dir-psql" check
    if [ "$rc" -eq 0 ]; then ok "$name: B applied with psql: no difference"; else
      rt_fail "$name: B applied with psql: no difference"; fi
  fi
  drop_db "${db}_psql"
  drop_db "${db}_shadow"
}

# Run case functions a few at a time (each prints to its own file), then print in order.
cases() {
  local f i=0 jobs=${STRATA_AG_JOBS:-6} only=()
  # STRATA_AG_CASES="c_views c_enum_add" runs only those.
  if [ -n "${STRATA_AG_CASES:-}" ]; then
    for f in "$@"; do grep -qw -- "$f" <<< "$STRATA_AG_CASES" && only+=("$f"); done
    set -- "${only[@]}"
  fi
  for f in "$@"; do
    "$f" > "$T/case-$f.out" 2>&1 &
    i=$((i + 1))
    if [ "$i" -ge "$jobs" ]; then wait -n; i=$((i - 1)); fi
  done
  wait
  for f in "$@"; do cat "$T/case-$f.out"; done
}
