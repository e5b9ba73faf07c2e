/* test_config.c - strata.ini ([strata] through inih), ${VAR} expansion, durations and
 * identifiers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "helpers.h"

#include <string.h>
#include <sys/stat.h>

typedef struct cfx {
	char dir[256];
	char path[320];
	st_config cfg;
	st_err err;
} cfx;

static int setup(void **state)
{
	cfx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	th_mkdtemp(f->dir, sizeof(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/strata.ini", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	cfx *f = *state;

	st_config_free(&f->cfg);
	st_err_clear(&f->err);
	th_rmtree(f->dir);
	free(f);
	unsetenv("STRATA_T_HOST");
	unsetenv("STRATA_T_EMPTY");
	return 0;
}

static int load(cfx *f, const char *text)
{
	st_config_free(&f->cfg);
	st_err_clear(&f->err);
	th_write_file(f->path, text);
	return st_config_load(&f->err, &f->cfg, f->path);
}

static void load_ok(cfx *f, const char *text)
{
	if (load(f, text))
		fail_msg("st_config_load: %s (line %d)", f->err.message, f->err.line);
}

/* Loading fails with STRATA_ECONFIG at this line of the ini file, naming `what`. */
static void expect_error(cfx *f, const char *text, int line, const char *what)
{
	assert_int_equal(load(f, text), STRATA_ECONFIG);
	assert_int_equal(f->err.code, STRATA_ECONFIG);
	assert_contains(f->err.message, what);
	assert_non_null(f->err.file);
	assert_string_equal(f->err.file, f->path);
	assert_int_equal(f->err.line, line);
}

static void test_all_keys(void **state)
{
	cfx *f = *state;

	load_ok(f, "# strata settings\n"                      /* 1 */
		   "; another comment\n"                      /* 2 */
		   "[strata]\n"                               /* 3 */
		   "script_location = db/migrations\n"        /* 4 */
		   "url = sqlite:///app.db\n"                 /* 5 */
		   "version_table = my_versions\n"            /* 6 */
		   "version_table_schema = meta\n"            /* 7 */
		   "schema_file = db/schema.sql\n"            /* 8 */
		   "file_template = %(year)d_%(rev)s\n"       /* 9 */
		   "lock_timeout = 30s\n");                   /* 10 */
	assert_int_equal(f->err.code, 0);
	assert_string_equal(f->cfg.path, f->path);
	assert_string_equal(f->cfg.dir, f->dir);
	assert_string_equal(f->cfg.script_location, "db/migrations");
	assert_string_equal(f->cfg.url, "sqlite:///app.db");
	assert_int_equal(f->cfg.url_line, 5);
	assert_string_equal(f->cfg.version_table, "my_versions");
	assert_string_equal(f->cfg.version_table_schema, "meta");
	assert_string_equal(f->cfg.schema_file, "db/schema.sql");
	assert_string_equal(f->cfg.file_template, "%(year)d_%(rev)s");
	assert_int_equal(f->cfg.lock_timeout_ms, 30000);
}

static void test_defaults(void **state)
{
	cfx *f = *state;
	st_config c;

	/* Keys left out keep their defaults. */
	load_ok(f, "[strata]\nurl = sqlite:///x.db\n");
	assert_null(f->cfg.script_location);
	assert_null(f->cfg.version_table);
	assert_int_equal(f->cfg.lock_timeout_ms, 0);
	assert_int_equal(st_config_defaults(&f->err, &f->cfg), 0);
	assert_string_equal(f->cfg.script_location, "migrations");
	assert_string_equal(f->cfg.version_table, "strata_version");
	assert_null(f->cfg.version_table_schema);
	assert_string_equal(f->cfg.schema_file, "schema.sql");
	assert_string_equal(f->cfg.file_template, "%(rev)s_%(slug)s");
	assert_string_equal(f->cfg.url, "sqlite:///x.db");
	assert_string_equal(f->cfg.dir, f->dir);

	/* Without an ini file: everything from the defaults, relative to ".". */
	memset(&c, 0, sizeof(c));
	assert_int_equal(st_config_defaults(&f->err, &c), 0);
	assert_string_equal(c.dir, ".");
	assert_string_equal(c.script_location, "migrations");
	assert_null(c.url);
	assert_null(c.path);
	st_config_free(&c);
}

static void test_env_expansion_in_ini(void **state)
{
	cfx *f = *state;

	setenv("STRATA_T_HOST", "db.example.com", 1);
	unsetenv("STRATA_T_UNSET");
	load_ok(f, "[strata]\n"
		   "script_location = ${STRATA_T_HOST}/${STRATA_T_UNSET:-migrations}\n"
		   "schema_file = $${literal}/schema.sql\n"
		   "file_template = ${STRATA_T_UNSET:-%(rev)s}\n"
		   "lock_timeout = ${STRATA_T_UNSET:-10s}\n");
	assert_string_equal(f->cfg.script_location, "db.example.com/migrations");
	assert_string_equal(f->cfg.schema_file, "${literal}/schema.sql");
	assert_string_equal(f->cfg.file_template, "%(rev)s");
	assert_int_equal(f->cfg.lock_timeout_ms, 10000);
}

static void test_url_kept_as_written(void **state)
{
	cfx *f = *state;

	/* config.h: the url is kept as written; ${VAR} is expanded when the URL is used, so an
	 * unset variable there is no error while loading. */
	setenv("STRATA_T_HOST", "db.example.com", 1);
	unsetenv("STRATA_T_NOT_SET_ANYWHERE");
	load_ok(f, "[strata]\n\nurl = postgresql://app@${STRATA_T_HOST}/${STRATA_T_NOT_SET_ANYWHERE}\n");
	assert_string_equal(f->cfg.url, "postgresql://app@${STRATA_T_HOST}/${STRATA_T_NOT_SET_ANYWHERE}");
	assert_int_equal(f->cfg.url_line, 3);
}

static void test_unset_variable_in_ini(void **state)
{
	cfx *f = *state;

	unsetenv("STRATA_T_NOT_SET_ANYWHERE");
	expect_error(f, "[strata]\nurl = sqlite:///a.db\nschema_file = ${STRATA_T_NOT_SET_ANYWHERE}/s.sql\n",
		     3, "STRATA_T_NOT_SET_ANYWHERE");
	assert_contains(f->err.message, "is not set");
	assert_contains(f->err.hint, "${STRATA_T_NOT_SET_ANYWHERE:-");
	expect_error(f, "[strata]\n\n\nscript_location = ${STRATA_T_NOT_SET_ANYWHERE}\n", 4,
		     "environment variable STRATA_T_NOT_SET_ANYWHERE is not set");
	expect_error(f, "[strata]\nlock_timeout = ${STRATA_T_NOT_SET_ANYWHERE}\n", 2,
		     "STRATA_T_NOT_SET_ANYWHERE");
}

static void test_expand_env(void **state)
{
	cfx *f = *state;
	char *out = NULL;

	(void)f;
	setenv("STRATA_T_HOST", "h1", 1);
	setenv("STRATA_T_EMPTY", "", 1);
	unsetenv("STRATA_T_UNSET");

#define EXPANDS(in, want)                                                   \
	do {                                                                \
		assert_int_equal(st_expand_env(&f->err, &out, (in)), 0);    \
		assert_string_equal(out, (want));                           \
		free(out);                                                  \
		out = NULL;                                                 \
	} while (0)
	EXPANDS("", "");
	EXPANDS("plain text", "plain text");
	EXPANDS("${STRATA_T_HOST}", "h1");
	EXPANDS("a${STRATA_T_HOST}b${STRATA_T_HOST}c", "ah1bh1c");
	EXPANDS("${STRATA_T_UNSET:-fallback}", "fallback");
	EXPANDS("${STRATA_T_UNSET:-}", "");
	EXPANDS("${STRATA_T_UNSET:-a b:c}", "a b:c");
	EXPANDS("${STRATA_T_HOST:-unused}", "h1");
	EXPANDS("${STRATA_T_EMPTY:-used}", "used"); /* as in the shell, empty takes the default */
	EXPANDS("$${STRATA_T_HOST}", "${STRATA_T_HOST}");
	EXPANDS("$STRATA_T_HOST $ $$ {x}", "$STRATA_T_HOST $ $$ {x}");
	EXPANDS("100$", "100$");
#undef EXPANDS

	assert_int_equal(st_expand_env(&f->err, &out, "x ${STRATA_T_UNSET} y"), STRATA_ECONFIG);
	assert_null(out);
	assert_string_equal(f->err.message, "environment variable STRATA_T_UNSET is not set");
	st_err_clear(&f->err);

	assert_int_equal(st_expand_env(&f->err, &out, "${STRATA_T_HOST"), STRATA_ECONFIG);
	assert_contains(f->err.message, "unclosed ${");
	st_err_clear(&f->err);

	assert_int_equal(st_expand_env(&f->err, &out, "${}"), STRATA_ECONFIG);
	assert_contains(f->err.message, "invalid variable reference '${}'");
	st_err_clear(&f->err);

	assert_int_equal(st_expand_env(&f->err, &out, "${A-B}"), STRATA_ECONFIG);
	assert_contains(f->err.message, "invalid variable reference '${A-B}'");
	st_err_clear(&f->err);

	assert_int_equal(st_expand_env(&f->err, &out, "${A B}"), STRATA_ECONFIG);
	assert_contains(f->err.message, "invalid variable reference");
	assert_null(out);
}

static void test_unknown_key(void **state)
{
	cfx *f = *state;

	expect_error(f, "[strata]\nurl = sqlite:///a.db\n\ncolour = blue\n", 4,
		     "unknown key 'colour' in section [strata]");
	assert_contains(f->err.hint, "script_location");
}

static void test_other_sections_ignored(void **state)
{
	cfx *f = *state;

	load_ok(f, "top_level = ignored\n"
		   "[alembic]\n"
		   "script_location = elsewhere\n"
		   "colour = blue\n"
		   "[strata]\n"
		   "script_location = mine\n"
		   "[loggers]\n"
		   "keys = root\n"
		   "url = not-this-one\n");
	assert_string_equal(f->cfg.script_location, "mine");
	assert_null(f->cfg.url);
	assert_int_equal(f->cfg.url_line, 0);
}

static void test_comments_crlf_and_repeats(void **state)
{
	cfx *f = *state;

	/* Inline ; comments, CRLF line endings, a key given twice (the last wins). */
	load_ok(f, "[strata]\r\n"
		   "url = sqlite:///first.db\r\n"
		   "url = sqlite:///second.db ; the one in use\r\n"
		   "  # indented comment\r\n"
		   "version_table=vt\r\n");
	assert_string_equal(f->cfg.url, "sqlite:///second.db");
	assert_int_equal(f->cfg.url_line, 3);
	assert_string_equal(f->cfg.version_table, "vt");
}

static void test_syntax_error(void **state)
{
	cfx *f = *state;

	expect_error(f, "[strata]\nurl = sqlite:///a.db\n[broken\nscript_location = m\n", 3,
		     "syntax error in config file");
	assert_non_null(f->err.hint);
	expect_error(f, "# header\n[strata]\n\njust some words\n", 4, "syntax error");
}

static void test_long_line(void **state)
{
	cfx *f = *state;
	char *text, *p;
	size_t n = 5000;

	/* A value far longer than inih's line buffer (200 bytes by default) on line 3: an
	 * error naming the line, not a value cut short or a bogus syntax error. */
	text = malloc(n + 100);
	assert_non_null(text);
	p = text + sprintf(text, "[strata]\nscript_location = m\nurl = postgresql://u@h/db?options=");
	memset(p, 'x', n);
	strcpy(p + n, "\nversion_table = vt\n");
	assert_int_equal(load(f, text), STRATA_ECONFIG);
	free(text);
	assert_starts_with(f->err.message, "line too long for the ini parser (at most ");
	assert_string_equal(f->err.file, f->path);
	assert_int_equal(f->err.line, 3);
	assert_non_null(f->err.hint);
	/* Nothing of the long line was taken as a value. */
	assert_null(f->cfg.url);
}

static void test_line_just_fits(void **state)
{
	cfx *f = *state;
	char text[400], value[160];

	/* 150 bytes: well under inih's buffer, read whole. */
	memset(value, 'y', 150);
	value[150] = '\0';
	snprintf(text, sizeof(text), "[strata]\nschema_file = %s\n", value);
	load_ok(f, text);
	assert_string_equal(f->cfg.schema_file, value);
}

static void test_invalid_version_table(void **state)
{
	cfx *f = *state;

	expect_error(f, "[strata]\nversion_table = bad-name\n", 2, "invalid version_table 'bad-name'");
	expect_error(f, "[strata]\nurl = x\nversion_table_schema = 1abc\n", 3,
		     "invalid version_table_schema '1abc'");
	expect_error(f, "[strata]\nversion_table = \"quoted\"\n", 2, "invalid version_table");
}

static void test_valid_identifier(void **state)
{
	char id[80];

	(void)state;
	assert_true(st_valid_identifier("strata_version"));
	assert_true(st_valid_identifier("_x"));
	assert_true(st_valid_identifier("a$b"));
	assert_true(st_valid_identifier("T1"));
	assert_false(st_valid_identifier(""));
	assert_false(st_valid_identifier(NULL));
	assert_false(st_valid_identifier("1a"));
	assert_false(st_valid_identifier("$a"));
	assert_false(st_valid_identifier("a-b"));
	assert_false(st_valid_identifier("a b"));
	assert_false(st_valid_identifier("a.b"));
	assert_false(st_valid_identifier("a\"b"));
	memset(id, 'v', 63);
	id[63] = '\0';
	assert_true(st_valid_identifier(id));
	id[63] = 'v';
	id[64] = '\0';
	assert_false(st_valid_identifier(id));
}

static void test_lock_timeout_units(void **state)
{
	cfx *f = *state;

	load_ok(f, "[strata]\nlock_timeout = 500ms\n");
	assert_int_equal(f->cfg.lock_timeout_ms, 500);
	load_ok(f, "[strata]\nlock_timeout = 2m\n");
	assert_int_equal(f->cfg.lock_timeout_ms, 120000);
	load_ok(f, "[strata]\nlock_timeout = 45\n");
	assert_int_equal(f->cfg.lock_timeout_ms, 45000);
	load_ok(f, "[strata]\nlock_timeout = forever\n");
	assert_int_equal(f->cfg.lock_timeout_ms, -1);
	/* 0 means "do not wait", which must differ from "unset" (0 in the struct). */
	load_ok(f, "[strata]\nlock_timeout = 0\n");
	assert_int_equal(f->cfg.lock_timeout_ms, 1);
	expect_error(f, "[strata]\n\nlock_timeout = soon\n", 3, "invalid lock_timeout 'soon'");
	expect_error(f, "[strata]\nlock_timeout = 5h\n", 2, "invalid lock_timeout '5h'");
	expect_error(f, "[strata]\nlock_timeout = -5\n", 2, "invalid lock_timeout '-5'");
}

static void test_parse_duration(void **state)
{
	(void)state;
	assert_int_equal(st_parse_duration_ms("30"), 30000);
	assert_int_equal(st_parse_duration_ms("30s"), 30000);
	assert_int_equal(st_parse_duration_ms("1.5s"), 1500);
	assert_int_equal(st_parse_duration_ms("500ms"), 500);
	assert_int_equal(st_parse_duration_ms("2m"), 120000);
	assert_int_equal(st_parse_duration_ms("2min"), 120000);
	assert_int_equal(st_parse_duration_ms("2 m"), 120000);
	assert_int_equal(st_parse_duration_ms("0"), 0);
	assert_int_equal(st_parse_duration_ms("forever"), -1);
	assert_int_equal(st_parse_duration_ms("infinite"), -1);
	assert_int_equal(st_parse_duration_ms(""), -2);
	assert_int_equal(st_parse_duration_ms("s"), -2);
	assert_int_equal(st_parse_duration_ms("ms"), -2);
	assert_int_equal(st_parse_duration_ms("-1"), -2);
	assert_int_equal(st_parse_duration_ms("5h"), -2);
	assert_int_equal(st_parse_duration_ms("5 sec"), -2);
	assert_int_equal(st_parse_duration_ms("1e10"), -2);
	assert_int_equal(st_parse_duration_ms("inf"), -2);
	assert_int_equal(st_parse_duration_ms("Forever"), -2);
}

/* BUG (src/config.c, st_parse_duration_ms): strtod accepts "nan"; NaN passes the range check
 * (every comparison with NaN is false) and (long)NaN is undefined behaviour -- on x86-64 it
 * gives LONG_MIN, a negative timeout that is taken as valid.  Expected: -2 (invalid). */
static void test_parse_duration_nan(void **state)
{
	(void)state;
	assert_int_equal(st_parse_duration_ms("nan"), -2);
	assert_int_equal(st_parse_duration_ms("NaNms"), -2);
}

static void test_missing_file(void **state)
{
	cfx *f = *state;
	char path[400];

	snprintf(path, sizeof(path), "%s/nothere.ini", f->dir);
	assert_int_equal(st_config_load(&f->err, &f->cfg, path), STRATA_ECONFIG);
	assert_int_equal(f->err.code, STRATA_ECONFIG);
	assert_contains(f->err.message, "nothere.ini");
	assert_contains(f->err.hint, "strata init");
	st_config_free(&f->cfg);
	st_err_clear(&f->err);

	assert_int_equal(st_config_load(&f->err, &f->cfg, f->dir), STRATA_ECONFIG);
	assert_contains(f->err.message, "is a directory");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_all_keys),
		T(test_defaults),
		T(test_env_expansion_in_ini),
		T(test_url_kept_as_written),
		T(test_unset_variable_in_ini),
		T(test_expand_env),
		T(test_unknown_key),
		T(test_other_sections_ignored),
		T(test_comments_crlf_and_repeats),
		T(test_syntax_error),
		T(test_long_line),
		T(test_line_just_fits),
		T(test_invalid_version_table),
		cmocka_unit_test(test_valid_identifier),
		T(test_lock_timeout_units),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_duration_nan),
		T(test_missing_file),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
