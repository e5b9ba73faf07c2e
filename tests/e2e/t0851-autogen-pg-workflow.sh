#!/usr/bin/env bash
# Autogenerate on PostgreSQL as a user meets it: the issue's "done when" (edit schema.sql, read
# the migration, upgrade, check), equivalent spellings that are no difference, declared and
# undeclared renames, what is reported as not compared, the scratch database (left behind
# never, even when the schema file fails), a role without CREATEDB, and shadow_url.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-autogen-pg.sh"

if [ -z "${STRATA_PG_ADMIN_URL:-}" ]; then
  skip "autogenerate on PostgreSQL: the user's workflow" "no PostgreSQL"
  exit 0
fi

# ---- the issue's "done when" ------------------------------------------------------------------

fresh_db ag_blog
url=$(sock_url ag_blog)
p=$T/blog
pg_project "$p" "$url"
cat > "$p/schema.sql" <<'EOF'
CREATE TABLE author (
    id serial PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE post (
    id serial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES author (id),
    title varchar(100) NOT NULL,
    published_at timestamptz
);
EOF
run_in "$p" revision --autogenerate -m "blog"
expect_rc 0 "done when: the first migration is written"
run_in "$p" upgrade head
expect_rc 0 "done when: and applied"
sql "$url" "INSERT INTO author (name) VALUES ('ann'); INSERT INTO post (author_id, title) VALUES (1, 'hello')" >/dev/null

# The user adds a table with a foreign key, a NOT NULL column with a default, changes a
# column's type and adds a partial index.
cat > "$p/schema.sql" <<'EOF'
CREATE TABLE author (
    id serial PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE post (
    id serial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES author (id),
    title varchar(200) NOT NULL,
    published_at timestamptz,
    status text NOT NULL DEFAULT 'draft'
);

CREATE TABLE comment (
    id bigserial PRIMARY KEY,
    post_id integer NOT NULL REFERENCES post (id) ON DELETE CASCADE,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX post_published ON post (published_at) WHERE status = 'published';
EOF
run_in "$p" check
expect_rc 3 "done when: check sees the edit (exit 3)"
expect_out "missing table comment" "done when: check names the new table"
expect_out "table post: column title: type character varying(100) -> character varying(200)" \
  "done when: check names the type change"
run_in "$p" revision --autogenerate -m "comments"
expect_rc 0 "done when: revision --autogenerate writes the migration"
expect_no "WARNING" "done when: no warning for an upgrade that loses nothing"
f=$(ls "$p"/migrations/versions/*_comments.sql)
cat > "$T/want-up" <<'EOF'
-- migrate:up
-- Create tables
CREATE TABLE comment (
    id bigserial PRIMARY KEY,
    post_id integer NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);

-- Alter table post
ALTER TABLE post ALTER COLUMN title TYPE character varying(200);
ALTER TABLE post ADD COLUMN status text DEFAULT 'draft'::text NOT NULL;

-- Add foreign keys (once every table exists)
ALTER TABLE comment ADD CONSTRAINT comment_post_id_fkey FOREIGN KEY (post_id) REFERENCES post(id) ON DELETE CASCADE;

-- Create indexes
CREATE INDEX post_published ON post (published_at) WHERE (status = 'published'::text);
EOF
sed -n '/^-- migrate:up/,/^-- migrate:down/p' "$f" | sed '$d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$T/got-up"
if cmp -s "$T/want-up" "$T/got-up"; then ok "done when: the upgrade reads as written by hand"; else
  not_ok "done when: the upgrade reads as written by hand" "$(diff "$T/want-up" "$T/got-up")"; fi
check "done when: the downgrade warns that a column is dropped" \
  grep -q -- "-- WARNING: table post: column status is dropped with its data" "$f"
run_in "$p" upgrade head
expect_rc 0 "done when: the migration applies"
run_in "$p" check
expect_rc 0 "done when: check says the database matches"
expect_out "The database matches the schema file." "done when: in those words"
check "done when: the rows are still there, with the new column's default" \
  test "$(sql "$url" "SELECT title || '/' || status FROM post")" = "hello/draft"
run_in "$p" diff
expect_rc 0 "done when: diff has nothing to print"
expect_err "No differences" "done when: diff says so"
run_in "$p" downgrade -1
expect_rc 0 "done when: the downgrade applies"
check "done when: downgrade keeps the rows" test "$(sql "$url" "SELECT title FROM post")" = "hello"

# ---- equivalent spellings are no difference -----------------------------------------------------

fresh_db ag_spell
url=$(sock_url ag_spell)
p=$T/spell
pg_project "$p" "$url"
sql "$url" "
CREATE SEQUENCE public.account_id_seq AS integer;
CREATE TABLE public.\"account\" (
  \"id\" integer NOT NULL DEFAULT nextval('account_id_seq'::regclass),
  email character varying(320), active boolean DEFAULT 't', n int4, score float8,
  price decimal(10,2), created timestamp with time zone, tags character varying[],
  CONSTRAINT account_pkey PRIMARY KEY (id), CONSTRAINT account_n_check CHECK ((n > 0)));
ALTER SEQUENCE account_id_seq OWNED BY account.id;
CREATE INDEX account_email_idx ON public.account USING btree (email);
CREATE VIEW active_accounts AS SELECT account.id FROM account WHERE account.active;
" >/dev/null
cat > "$p/schema.sql" <<'EOF'
-- Written as people write it; the database was made with other spellings.
create table account (
    id      SERIAL primary key,
    email   VARCHAR(320),
    active  BOOL default TRUE,
    n       INT check (n > 0),
    score   DOUBLE PRECISION,
    price   NUMERIC(10, 2),
    created TIMESTAMPTZ,
    tags    varchar ARRAY
);
create index on account (email);
create view active_accounts as
    select id
    from account   -- only the active ones
    where active;
EOF
run_in "$p" check
expect_rc 0 "spellings: int/integer, varchar/character varying, serial and its sequence, quoting, true/'t' are no difference"

# ---- renames: declared, and not ------------------------------------------------------------------

fresh_db ag_rename
url=$(sock_url ag_rename)
p=$T/rename
pg_project "$p" "$url"
cat > "$p/schema.sql" <<'EOF'
CREATE TABLE client (id int PRIMARY KEY, fullname text);
CREATE TABLE note (id int PRIMARY KEY, client_id int REFERENCES client (id), txt text);
EOF
run_in "$p" revision --autogenerate -m one
run_in "$p" upgrade head
sql "$url" "INSERT INTO client VALUES (1, 'Ann'); INSERT INTO note VALUES (1, 1, 'hi')" >/dev/null
cat > "$p/schema.sql" <<'EOF'
CREATE TABLE customer (id int PRIMARY KEY, name text);
CREATE TABLE note (id int PRIMARY KEY, client_id int REFERENCES customer (id), body text);
EOF
run_in "$p" revision --autogenerate -m guessed --sql
expect_rc 0 "undeclared rename: diff runs"
expect_err "table client is dropped and customer created: if it is a rename, declare it (--rename client:customer)" \
  "undeclared rename: a warning names the --rename to declare"
expect_out "DROP TABLE client;" "undeclared rename: drop + create, never guessed"
expect_err "if column txt is body renamed, declare it (--rename note.txt:body)" \
  "undeclared column rename: a warning"
run_in "$p" revision --autogenerate -m renamed --rename client:customer --rename customer.fullname:name \
  --rename note.txt:body
expect_rc 0 "declared renames: the migration is written"
f=$(ls "$p"/migrations/versions/*_renamed.sql)
check "declared renames: ALTER TABLE ... RENAME TO" grep -q "^ALTER TABLE client RENAME TO customer;" "$f"
check "declared renames: ALTER TABLE ... RENAME COLUMN" grep -q "^ALTER TABLE customer RENAME COLUMN fullname TO name;" "$f"
check "declared renames: nothing dropped" bash -c "! sed '/migrate:down/,\$d' '$f' | grep -q DROP"
check "declared renames: the downgrade renames back" grep -q "^ALTER TABLE customer RENAME TO client;" "$f"
run_in "$p" upgrade head
expect_rc 0 "declared renames: applied"
run_in "$p" check
expect_rc 0 "declared renames: check matches"
check "declared renames: the rows kept their data" \
  test "$(sql "$url" "SELECT c.name || '/' || n.body FROM customer c JOIN note n ON n.client_id = c.id")" = "Ann/hi"
run_in "$p" downgrade -1
expect_rc 0 "declared renames: downgrade"
check "declared renames: downgrade brings the old names and the data back" \
  test "$(sql "$url" "SELECT c.fullname || '/' || n.txt FROM client c JOIN note n ON n.client_id = c.id")" = "Ann/hi"

# ---- what strata cannot compare is said, by name ------------------------------------------------

fresh_db ag_unsup
url=$(sock_url ag_unsup)
p=$T/unsup
pg_project "$p" "$url"
cat > "$p/schema.sql" <<'EOF'
CREATE TABLE doc (id int PRIMARY KEY, owner text);
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TEXT SEARCH CONFIGURATION plain (COPY = simple);
CREATE FUNCTION same_len(text, text) RETURNS boolean LANGUAGE sql AS $$ SELECT length($1) = length($2) $$;
CREATE OPERATOR === (LEFTARG = text, RIGHTARG = text, FUNCTION = same_len);
GRANT SELECT ON doc TO PUBLIC;
EOF
psql -XqAt "$url" -f "$p/schema.sql" >/dev/null 2>&1
run_in "$p" check
expect_rc 0 "not compared: check still compares the rest"
expect_err "not compared (strata cannot read it): collation public.ci" "not compared: a collation, by name"
expect_err "not compared (strata cannot read it): text search configuration public.plain" \
  "not compared: a text search configuration, by name"
expect_err "not compared (strata cannot read it): operator public.===(text,text)" "not compared: an operator, by name"
expect_err "not compared (strata cannot read it): privileges (GRANT and REVOKE) of 1 object" \
  "not compared: privileges, counted"
run_in "$p" check --json
expect_out '"not_compared": [' "not compared: in check --json"
expect_out 'collation public.ci' "not compared: --json names it"

# ---- the scratch database ------------------------------------------------------------------------

fresh_db ag_scratch
url=$(sock_url ag_scratch)
p=$T/scratch
pg_project "$p" "$url"
printf 'CREATE TABLE ok (id int);\nCREATE TABLE broken (id int REFERENCES nowhere (id));\n' > "$p/schema.sql"
run_in "$p" check
expect_rc 1 "scratch: a schema file that fails stops check"
expect_err "schema.sql:2:" "scratch: the error names the schema file's line"
expect_err 'relation "nowhere" does not exist' "scratch: and the server's message"
check "scratch: no scratch database is left behind, even after a failure" test "$(shadow_dbs)" -eq 0

# A role that may not create databases: a clear error with what to do.
drop_db ag_plain_db
drop_db ag_plain_shadow
admin -c "DROP ROLE IF EXISTS ag_plain" -c "CREATE ROLE ag_plain LOGIN" >/dev/null
fresh_db ag_plain_db
admin -c "ALTER DATABASE ag_plain_db OWNER TO ag_plain" >/dev/null
p=$T/plain
pg_project "$p" "$(sock_url ag_plain_db ag_plain)"
echo "CREATE TABLE t (id int);" > "$p/schema.sql"
run_in "$p" check
expect_rc 1 "no CREATEDB: check fails"
expect_err "permission denied to create database" "no CREATEDB: says why"
expect_err "shadow_url" "no CREATEDB: the hint names shadow_url"
expect_err "CREATEDB" "no CREATEDB: and CREATEDB"

# shadow_url: an empty database of the user's, used in a transaction that is rolled back.
fresh_db ag_plain_shadow
admin -c "ALTER DATABASE ag_plain_shadow OWNER TO ag_plain" >/dev/null
printf 'shadow_url = ${AG_SHADOW}\n' >> "$p/strata.ini"
export AG_SHADOW
AG_SHADOW=$(sock_url ag_plain_shadow ag_plain)
run_in "$p" check
expect_rc 3 "shadow_url: check works without CREATEDB (one difference)"
expect_out "missing table t" "shadow_url: and sees the schema file"
run_in "$p" revision --autogenerate -m t
run_in "$p" upgrade head
run_in "$p" check
expect_rc 0 "shadow_url: after the upgrade, the database matches"
check "shadow_url: the shadow database is left empty" \
  test "$(psql -XqAt "$AG_SHADOW" -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")" -eq 0
psql -XqAt "$AG_SHADOW" -c "CREATE TABLE leftover (id int)" >/dev/null
run_in "$p" check
expect_rc 5 "shadow_url not empty: refused (a configuration error)"
expect_err "the shadow database" "shadow_url not empty: says so"
expect_err "table public.leftover" "shadow_url not empty: names what is there"
expect_no "strata-test-password" "shadow_url: no password printed"
check "nothing left behind by any of it" test "$(shadow_dbs)" -eq 0
