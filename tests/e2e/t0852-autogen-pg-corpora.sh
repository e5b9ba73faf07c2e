#!/usr/bin/env bash
# Autogenerate on PostgreSQL against real schemas: the sample schemas in ../shared/corpora
# (pagila, chinook, northwind, sakila: functions, triggers, domains, enums, custom aggregates,
# partitions, a materialized view) from an empty database to the whole schema and back, and
# each applied by psql compared without a difference; the kraken example's hand-written
# migrations compared with the schema they make, then edited.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-autogen-pg.sh"

if [ -z "${STRATA_PG_ADMIN_URL:-}" ]; then
  skip "autogenerate on PostgreSQL: real schemas" "no PostgreSQL"
  exit 0
fi
corpora=${STRATA_ROOT:?}/../shared/corpora

# How many objects strata compares in a schema file: check on an empty database lists each.
census() {
  local name=$1 file=$2 dir=$T/census-$1 n kinds
  fresh_db "ag_census_$name" && pg_project "$dir" "$(sock_url "ag_census_$name")" || return
  cp "$file" "$dir/schema.sql"
  run_in "$dir" check
  n=$(grep -c '^missing ' <<< "$out")
  kinds=$(grep '^missing ' <<< "$out" | awk '{ print ($2 == "materialized" ? "matview" : $2) }' |
    sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
  echo "# $name: strata compares $n objects ($kinds)"
  grep -F "not compared" <<< "$err" | sort -u | sed 's/^/# /'
  drop_db "ag_census_$name"
}

corpus() {
  local name=$1 file=$2
  if [ ! -f "$file" ]; then
    skip "$name: from empty to the whole schema and back" "$file is absent (../shared/corpora)"
    return
  fi
  census "$name" "$file"
  { echo ----; cat "$file"; } | roundtrip "$name"
}

c_pagila() { RT_SCRATCH=create corpus pagila "$corpora/pagila-postgres/pre-pg18/pagila-schema.sql"; }
c_chinook() {
  # The file makes its own database first (DROP/CREATE DATABASE, \c): the rest is the schema.
  if [ -f "$corpora/chinook-postgres/Chinook_PostgreSql.sql" ]; then
    sed '1,/^\\c chinook;/d' "$corpora/chinook-postgres/Chinook_PostgreSql.sql" > "$T/chinook.sql"
  fi
  corpus chinook "$T/chinook.sql"
}
c_northwind() { corpus northwind "$corpora/northwind-postgres/northwind.sql"; }
c_sakila() { RT_SCRATCH=create corpus sakila "$corpora/sakila-postgres/postgres-sakila-schema.sql"; }

# The kraken example: its three hand-written migrations (one with CREATE INDEX CONCURRENTLY)
# against the schema they spell out.
kraken_schema() {
  local f
  for f in "$STRATA_ROOT"/examples/kraken/migrations/versions/*.sql; do
    sed -n '/^-- migrate:up/,/^-- migrate:down/p' "$f" | sed '1d;$d'
  done
}
c_kraken() {
  local dir=$T/kraken
  fresh_db ag_kraken && pg_project "$dir" "$(sock_url ag_kraken)" || { not_ok "kraken: set up"; return; }
  cp "$STRATA_ROOT"/examples/kraken/migrations/versions/*.sql "$dir/migrations/versions/"
  kraken_schema > "$dir/schema.sql"
  run_in "$dir" upgrade head
  expect_rc 0 "kraken: its migrations apply"
  run_in "$dir" check
  expect_rc 0 "kraken: the database its migrations made matches the schema they spell out"
  drop_db ag_kraken
  { echo ----; kraken_schema; } | RT_SCRATCH=create roundtrip kraken_from_empty
  { kraken_schema; echo ----; kraken_schema | sed \
      -e 's/    model              TEXT NOT NULL,/    model              TEXT NOT NULL,\n    provider           TEXT NOT NULL DEFAULT '"'"'openai'"'"',/' \
      -e "s/CHECK (status IN ('ok', 'error'))/CHECK (status IN ('ok', 'error', 'timeout'))/" \
      -e 's/    latency_ms          INTEGER,/    latency_ms          BIGINT,/'
    echo "CREATE INDEX ix_kraken_conversations_provider ON kraken_conversations (provider) WHERE provider <> 'openai';"
    echo "--! up: ALTER TABLE kraken_conversations ADD COLUMN provider text DEFAULT 'openai'::text NOT NULL;"
    echo "--! up: ALTER TABLE kraken_tool_calls DROP CONSTRAINT kraken_tool_calls_status_check;"
    echo "--! up: ALTER TABLE kraken_turns ALTER COLUMN latency_ms TYPE bigint;"
  } | RT_SCRATCH=create roundtrip kraken_edited
}

cases c_pagila c_chinook c_northwind c_sakila c_kraken
check "no scratch database left behind" test "$(shadow_dbs)" -eq 0
