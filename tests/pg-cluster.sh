#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests.
#   tests/pg-cluster.sh start DIR   initdb in DIR, start it (Unix socket in DIR and 127.0.0.1 on a
#                                   free port), write DIR/env with the URLs
#   tests/pg-cluster.sh stop DIR
# As root, the server runs as the unprivileged user `postgres` (initdb refuses root).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?DIR}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; }

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_owner=(runuser -u postgres --)
fi

case "$cmd" in
start)
  mkdir -p "$dir"
  [ ${#as_owner[@]} -gt 0 ] && chown postgres "$dir"
  chmod 755 "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  pw=strata-test-password
  printf '%s\n' "$pw" > "$dir/pwfile"
  [ ${#as_owner[@]} -gt 0 ] && chown postgres "$dir/pwfile"
  "${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start -o \
      "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  cat > "$dir/env" <<EOT
export STRATA_PG_DIR='$dir'
export STRATA_PG_PORT='$port'
export STRATA_PG_PASSWORD='$pw'
export STRATA_PG_ADMIN_URL='postgresql://postgres@/postgres?host=$dir&port=$port'
export STRATA_PG_TCP_URL_BASE='postgresql://postgres:$pw@127.0.0.1:$port'
export STRATA_PG_BIN='$bindir'
EOT
  ;;
stop)
  if [ -d "$dir/data" ]; then
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
