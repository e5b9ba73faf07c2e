/* test_pg_split.c - splitting PostgreSQL scripts into statements (st_pg_split) through
 * libpg_query, on the quoting forms a hand-written splitter gets wrong, and the statements
 * PostgreSQL refuses inside a transaction block (st_pg_needs_no_transaction). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "pg_split.h"
#include "helpers.h"

#include <string.h>

/* The statements of sql, each in [brackets], or "error: MESSAGE @OFFSET". */
static char *split(const char *sql)
{
	static char out[4096];
	size_t *starts, *lens, n, i, off, used = 0;
	char *msg;
	int rc = st_pg_split_at(sql, strlen(sql), &starts, &lens, &n, &msg, &off);

	if (rc) {
		assert_int_equal(rc, STRATA_ESCRIPT);
		assert_non_null(msg);
		snprintf(out, sizeof(out), "error: %s @%zd", msg, (ssize_t)off);
		free(msg);
		return out;
	}
	assert_null(msg);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		assert_true(starts[i] + lens[i] <= strlen(sql));
		used += (size_t)snprintf(out + used, sizeof(out) - used, "[%.*s]", (int)lens[i],
					 sql + starts[i]);
		assert_true(used < sizeof(out));
	}
	free(starts);
	free(lens);
	return out;
}

static void test_simple(void **state)
{
	(void)state;
	assert_string_equal(split("SELECT 1; SELECT 2;"), "[SELECT 1][SELECT 2]");
	assert_string_equal(split("CREATE TABLE t (id int);\n\nINSERT INTO t VALUES (1);\n"),
			    "[CREATE TABLE t (id int)][INSERT INTO t VALUES (1)]");
}

static void test_trailing_statement_without_semicolon(void **state)
{
	(void)state;
	assert_string_equal(split("SELECT 1;\nSELECT 2\n"), "[SELECT 1][SELECT 2]");
	assert_string_equal(split("SELECT 1"), "[SELECT 1]");
}

static void test_empty_statements_dropped(void **state)
{
	(void)state;
	assert_string_equal(split(""), "");
	assert_string_equal(split("  \n\t "), "");
	assert_string_equal(split(";;;"), "");
	assert_string_equal(split("SELECT 1;; ;\n;SELECT 2;;"), "[SELECT 1][SELECT 2]");
	assert_string_equal(split("-- only a comment\n"), "");
	assert_string_equal(split("/* only */ -- comments\n;"), "");
	assert_string_equal(split("SELECT 1;\n-- the end; really\n"), "[SELECT 1]");
	assert_string_equal(split("SELECT 1; /* trailing */ ;"), "[SELECT 1]");
}

static void test_single_quotes(void **state)
{
	(void)state;
	assert_string_equal(split("INSERT INTO t VALUES ('a;b'); SELECT ';'"),
			    "[INSERT INTO t VALUES ('a;b')][SELECT ';']");
	assert_string_equal(split("SELECT 'it''s; fine'; SELECT 2"),
			    "[SELECT 'it''s; fine'][SELECT 2]");
}

static void test_escape_strings(void **state)
{
	(void)state;
	/* E'\'' is one quote: the string goes on past it. */
	assert_string_equal(split("SELECT E'\\'; still'; SELECT 2;"),
			    "[SELECT E'\\'; still'][SELECT 2]");
	assert_string_equal(split("SELECT E'\\\\'; SELECT 2"), "[SELECT E'\\\\'][SELECT 2]");
}

static void test_quoted_identifiers(void **state)
{
	(void)state;
	assert_string_equal(split("CREATE TABLE \"a;b\" (\"c;\" int); DROP TABLE \"a;b\""),
			    "[CREATE TABLE \"a;b\" (\"c;\" int)][DROP TABLE \"a;b\"]");
	assert_string_equal(split("SELECT 1 AS \"x\"\"; y\"; SELECT 2"),
			    "[SELECT 1 AS \"x\"\"; y\"][SELECT 2]");
}

static void test_dollar_quotes(void **state)
{
	const char *fn = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\n"
			 "BEGIN\n  PERFORM 1; RETURN 2;\nEND\n$$";
	const char *tagged = "CREATE FUNCTION g() RETURNS text LANGUAGE plpgsql AS $body$\n"
			     "BEGIN RETURN '$$;'; END; -- $$ inside\n$body$";
	char both[1024];

	(void)state;
	snprintf(both, sizeof(both), "%s;\n%s;\nSELECT f();", fn, tagged);
	snprintf(both + 512, sizeof(both) - 512, "[%s][%s][SELECT f()]", fn, tagged);
	assert_string_equal(split(both), both + 512);
	assert_string_equal(split("SELECT $a$ x $$ ; $$ $a$; SELECT $$;$$"),
			    "[SELECT $a$ x $$ ; $$ $a$][SELECT $$;$$]");
}

static void test_comments(void **state)
{
	(void)state;
	assert_string_equal(split("SELECT 1 -- not the end;\n + 1; SELECT 2"),
			    "[SELECT 1 -- not the end;\n + 1][SELECT 2]");
	/* Block comments nest in PostgreSQL (not in C or SQLite). */
	assert_string_equal(split("SELECT 1 /* a /* ; */ ; */ + 1; SELECT 2"),
			    "[SELECT 1 /* a /* ; */ ; */ + 1][SELECT 2]");
	/* Leading comments are not part of the statement: its first token is where it starts. */
	assert_string_equal(split("-- header;\n/* x /* y */ ; */\n  SELECT 1;"), "[SELECT 1]");
}

static void test_begin_atomic(void **state)
{
	(void)state;
	assert_string_equal(split("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC "
				  "SELECT 1; SELECT 2; END; SELECT 3"),
			    "[CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; "
			    "SELECT 2; END][SELECT 3]");
}

static void test_syntax_errors_still_split(void **state)
{
	(void)state;
	/* The server reports syntax errors; splitting must keep every statement, also one
	 * without any keyword, which libpg_query's scanner split alone would drop. */
	assert_string_equal(split("SELECT 1; SELEC 2; SELECT 3"), "[SELECT 1][SELEC 2][SELECT 3]");
	assert_string_equal(split("SELECT 1;\n foo bar"), "[SELECT 1][foo bar]");
	assert_string_equal(split("CREATE TABLE t (a int,); SELECT ';'"),
			    "[CREATE TABLE t (a int,)][SELECT ';']");
}

static void test_offsets(void **state)
{
	const char *sql = "-- c\nSELECT 'é;';\n  SELECT 2 ;";
	size_t *starts, *lens, n;
	char *msg;

	(void)state;
	assert_int_equal(st_pg_split(sql, strlen(sql), &starts, &lens, &n, &msg), 0);
	assert_int_equal(n, 2);
	assert_int_equal(starts[0], 5);
	assert_int_equal(lens[0], strlen("SELECT 'é;'"));
	assert_int_equal(starts[1], strlen("-- c\nSELECT 'é;';\n  "));
	assert_int_equal(lens[1], 8);
	free(starts);
	free(lens);
	/* Not NUL-terminated: only len bytes count. */
	assert_int_equal(st_pg_split("SELECT 1; SELECT 2", 9, &starts, &lens, &n, &msg), 0);
	assert_int_equal(n, 1);
	free(starts);
	free(lens);
}

static void test_unsplittable(void **state)
{
	(void)state;
	assert_string_equal(split("SELECT 1; SELECT 'open"),
			    "error: unterminated quoted string at or near \"'open\" @17");
	/* The position is a byte offset, after multibyte characters too. */
	assert_string_equal(split("SELECT 'é'; /* open"), "error: unterminated /* comment at or "
							       "near \"/* open\" @13");
	assert_starts_with(split("SELECT $$ open"), "error: unterminated dollar-quoted string");
}

static void test_needs_no_transaction(void **state)
{
	static const char *const yes[] = {
		"CREATE INDEX CONCURRENTLY i ON t (a)",
		"create unique index concurrently if not exists i on t (a) where b > 0",
		"DROP INDEX CONCURRENTLY i",
		"DROP INDEX CONCURRENTLY IF EXISTS i",
		"REINDEX INDEX CONCURRENTLY i",
		"REINDEX (CONCURRENTLY) TABLE t",
		"REINDEX (CONCURRENTLY on) TABLE t",
		"REINDEX DATABASE d",
		"REINDEX SYSTEM d",
		"VACUUM",
		"VACUUM t",
		"VACUUM (ANALYZE, VERBOSE) t",
		"CREATE DATABASE d",
		"DROP DATABASE d",
		"DROP DATABASE IF EXISTS d WITH (FORCE)",
		"ALTER SYSTEM SET work_mem = '64MB'",
		"CREATE TABLESPACE s LOCATION '/srv/s'",
		"DROP TABLESPACE s",
		"ALTER DATABASE d SET TABLESPACE s",
		"ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
		"CLUSTER",
		"SELECT 1; CREATE INDEX CONCURRENTLY i ON t (a)",
		"-- comment\nCREATE INDEX CONCURRENTLY i ON t (a);",
	};
	static const char *const no[] = {
		"CREATE INDEX i ON t (a)",
		"CREATE INDEX \"concurrently\" ON t (a)", /* an index named concurrently */
		"CREATE INDEX i ON t (a) WHERE b = '\"concurrent\":true'",
		"DROP INDEX i",
		"DROP TABLE \"concurrent\"",
		"REINDEX TABLE t",
		"REINDEX (CONCURRENTLY false) TABLE t",
		"REINDEX (CONCURRENTLY 0) TABLE t",
		"REINDEX (VERBOSE) INDEX i",
		"ANALYZE t",
		"CREATE TABLE t (id int)",
		"ALTER DATABASE d SET work_mem = '64MB'",
		"ALTER TABLE p DETACH PARTITION c",
		"CLUSTER t USING i",
		"SELECT 'VACUUM'",
		"COMMENT ON TABLE t IS 'CREATE INDEX CONCURRENTLY x ON y (z)'",
		"DO $$ BEGIN EXECUTE 'VACUUM'; END $$",
		"",
		"-- VACUUM",
		"not sql at all",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (st_pg_needs_no_transaction(yes[i]) != 1)
			fail_msg("expected 1 for: %s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (st_pg_needs_no_transaction(no[i]) != 0)
			fail_msg("expected 0 for: %s", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_trailing_statement_without_semicolon),
		cmocka_unit_test(test_empty_statements_dropped),
		cmocka_unit_test(test_single_quotes),
		cmocka_unit_test(test_escape_strings),
		cmocka_unit_test(test_quoted_identifiers),
		cmocka_unit_test(test_dollar_quotes),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_begin_atomic),
		cmocka_unit_test(test_syntax_errors_still_split),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_unsplittable),
		cmocka_unit_test(test_needs_no_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
