#!/usr/bin/env bash
# The bookshelf sample's migration lifecycle on a real SQLite file, command by command:
#   examples/bookshelf/demo.sh STRATA_BINARY [WORK_DIR]
# It copies the project to WORK_DIR (default: a new temporary folder) so the example stays
# clean, then upgrades, inspects, downgrades and upgrades again.
set -euo pipefail
strata=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")" && pwd)
work=${2:-$(mktemp -d /tmp/strata-demo.XXXXXX)}
rm -rf "$work/bookshelf"
mkdir -p "$work"
cp -r "$src" "$work/bookshelf"
rm -f "$work/bookshelf/data/"*.db
cd "$work/bookshelf"

step() { printf '\n\033[1m$ strata %s\033[0m\n' "$*"; "$strata" "$@"; }
tables() { printf '\n\033[1m$ sqlite3 data/bookshelf.db .tables\033[0m\n'; sqlite3 data/bookshelf.db .tables; }

echo "Working in $work/bookshelf (database: data/bookshelf.db)"
step history
step status
step upgrade head
tables
step current
step history --indicate-current
step downgrade -1
step current -v
tables
step upgrade head
step status
step history --graph
# Data written by the application survives a migration cycle of a later revision.
sqlite3 data/bookshelf.db "INSERT INTO author (name, born) VALUES ('Ursula K. Le Guin', 1929);
  INSERT INTO book (author_id, title, published) VALUES (1, 'A Wizard of Earthsea', 1968);"
step downgrade -1
step upgrade head
printf '\n\033[1m$ sqlite3 data/bookshelf.db "SELECT title FROM book"\033[0m\n'
sqlite3 data/bookshelf.db "SELECT title FROM book"
step upgrade head --sql -q > data/upgrade.sql
echo
echo "Offline SQL for a DBA: $work/bookshelf/data/upgrade.sql ($(wc -l < data/upgrade.sql) lines)"
echo "The demo ran every step for real on $work/bookshelf/data/bookshelf.db."
