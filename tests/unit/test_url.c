/* test_url.c - database URLs (st_url_parse) and password redaction (st_url_redact). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "url.h"
#include "helpers.h"

#include <string.h>

typedef struct ufx {
	st_url u;
	st_err err;
} ufx;

static int setup(void **state)
{
	ufx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	ufx *f = *state;

	st_url_free(&f->u);
	st_err_clear(&f->err);
	free(f);
	return 0;
}

static int parse(ufx *f, const char *url, const char *base)
{
	st_url_free(&f->u);
	st_err_clear(&f->err);
	return st_url_parse(&f->err, &f->u, url, base, "--url");
}

static void sqlite_path(ufx *f, const char *url, const char *base, const char *want)
{
	if (parse(f, url, base))
		fail_msg("%s: %s", url, f->err.message);
	assert_int_equal(f->u.kind, ST_URL_SQLITE);
	assert_non_null(f->u.path);
	assert_string_equal(f->u.path, want);
	assert_null(f->u.conninfo);
	assert_string_equal(f->u.redacted, url);
}

static void test_sqlite_relative(void **state)
{
	ufx *f = *state;

	sqlite_path(f, "sqlite:///app.db", "/srv/proj", "/srv/proj/app.db");
	sqlite_path(f, "sqlite:///data/app.db", "/srv/proj", "/srv/proj/data/app.db");
	sqlite_path(f, "sqlite:///app.db", "rel/dir", "rel/dir/app.db");
	sqlite_path(f, "sqlite:///app.db", NULL, "app.db");
	sqlite_path(f, "sqlite:///app.db", ".", "app.db");
}

static void test_sqlite_absolute(void **state)
{
	ufx *f = *state;

	sqlite_path(f, "sqlite:////var/lib/app.db", "/srv/proj", "/var/lib/app.db");
	sqlite_path(f, "sqlite:////var/lib/app.db", NULL, "/var/lib/app.db");
}

static void test_sqlite_memory(void **state)
{
	ufx *f = *state;

	sqlite_path(f, "sqlite:///:memory:", "/srv/proj", ":memory:");
	sqlite_path(f, "sqlite:///:memory:", NULL, ":memory:");
}

static void test_sqlite_short_form(void **state)
{
	ufx *f = *state;

	sqlite_path(f, "sqlite:app.db", "/srv/proj", "/srv/proj/app.db");
	sqlite_path(f, "sqlite:/abs/app.db", "/srv/proj", "/abs/app.db");
	sqlite_path(f, "sqlite::memory:", "/srv/proj", ":memory:");
}

static void test_sqlite_errors(void **state)
{
	ufx *f = *state;

	assert_int_equal(parse(f, "sqlite://host/app.db", NULL), STRATA_ECONFIG);
	assert_contains(f->err.message, "a host is not allowed");
	assert_contains(f->err.message, "--url");
	assert_int_equal(parse(f, "sqlite:///app.db?mode=ro", NULL), STRATA_ECONFIG);
	assert_contains(f->err.message, "query parameters are not supported");
	assert_int_equal(parse(f, "sqlite:", NULL), STRATA_ECONFIG);
	assert_contains(f->err.message, "no file name");
	assert_int_equal(parse(f, "sqlite:///", NULL), STRATA_ECONFIG);
	assert_contains(f->err.message, "no file name");
}

static void postgres(ufx *f, const char *url, const char *redacted)
{
	if (parse(f, url, "/srv/proj"))
		fail_msg("%s: %s", url, f->err.message);
	assert_int_equal(f->u.kind, ST_URL_POSTGRES);
	/* libpq gets the text unchanged, password included. */
	assert_string_equal(f->u.conninfo, url);
	assert_null(f->u.path);
	assert_string_equal(f->u.redacted, redacted);
}

static void test_postgres_urls(void **state)
{
	ufx *f = *state;

	postgres(f, "postgresql://app@db.example.com/app", "postgresql://app@db.example.com/app");
	postgres(f, "postgres://app@localhost:5433/app", "postgres://app@localhost:5433/app");
	postgres(f, "postgresql://u:secret@h:5432/db?sslmode=require",
		 "postgresql://u:***@h:5432/db?sslmode=require");
	postgres(f, "postgresql:///app?host=/var/run/postgresql",
		 "postgresql:///app?host=/var/run/postgresql");
	postgres(f, "postgresql://", "postgresql://");
}

static void test_keyword_strings(void **state)
{
	ufx *f = *state;

	postgres(f, "host=localhost dbname=app", "host=localhost dbname=app");
	postgres(f, "host=localhost dbname=app password=secret",
		 "host=localhost dbname=app password=***");
	postgres(f, "dbname=app", "dbname=app");
}

static void test_unknown_scheme(void **state)
{
	ufx *f = *state;

	assert_int_equal(parse(f, "mysql://root@localhost/app", NULL), STRATA_ECONFIG);
	assert_string_equal(f->err.message,
			    "unknown URL scheme 'mysql' in --url: mysql://root@localhost/app");
	assert_non_null(f->err.hint);
	/* The message shows the redacted URL. */
	assert_int_equal(parse(f, "mysql://root:hunter2@localhost/app", NULL), STRATA_ECONFIG);
	assert_contains(f->err.message, "mysql://root:***@localhost/app");
	assert_not_contains(f->err.message, "hunter2");
	/* postgresql: without // is not a URL libpq takes. */
	assert_int_equal(parse(f, "postgresql:app", NULL), STRATA_ECONFIG);
	assert_contains(f->err.message, "not a database URL");
}

static void test_not_a_url(void **state)
{
	ufx *f = *state;

	assert_int_equal(st_url_parse(&f->err, &f->u, "app.db", NULL, "strata.ini"), STRATA_ECONFIG);
	assert_string_equal(f->err.message, "not a database URL in strata.ini: app.db");
	assert_contains(f->err.hint, "sqlite:///app.db");
	assert_int_equal(parse(f, "", NULL), STRATA_ECONFIG);
	assert_string_equal(f->err.message, "empty database URL in --url");
}

/* st_url_redact(in) is want, and holds no trace of secret. */
static void redacts(const char *in, const char *want, const char *secret)
{
	char *out = st_url_redact(in), r[512];

	/* Copied, so a failing check leaks nothing. */
	assert_non_null(out);
	snprintf(r, sizeof(r), "%s", out);
	free(out);
	if (want && strcmp(r, want) != 0)
		fail_msg("redact(\"%s\") = \"%s\", expected \"%s\"", in, r, want);
	if (secret && strstr(r, secret))
		fail_msg("redact(\"%s\") = \"%s\" still holds \"%s\"", in, r, secret);
}

static void test_redact_userinfo(void **state)
{
	(void)state;
	redacts("postgresql://u:secret@h/db", "postgresql://u:***@h/db", "secret");
	redacts("postgres://u:secret@h", "postgres://u:***@h", "secret");
	redacts("postgresql://:secret@h/db", "postgresql://:***@h/db", "secret");
	redacts("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db", "p%40ss");
	redacts("postgresql://u:pa@ss@h/db", "postgresql://u:***@h/db", "pa@ss");
	redacts("postgresql://u:pa:ss@h/db", "postgresql://u:***@h/db", "pa:ss");
	redacts("postgresql://u:secret@h1:5432,h2:5433/db", "postgresql://u:***@h1:5432,h2:5433/db",
		"secret");
	redacts("postgresql://u:secret@[::1]:5432/db", "postgresql://u:***@[::1]:5432/db", "secret");
	redacts("mysql://u:secret@h/db", "mysql://u:***@h/db", "secret");
}

static void test_redact_query(void **state)
{
	(void)state;
	redacts("postgresql://u@h/db?password=secret", "postgresql://u@h/db?password=***", "secret");
	redacts("postgresql://h/db?sslmode=require&password=secret&application_name=x",
		"postgresql://h/db?sslmode=require&password=***&application_name=x", "secret");
	redacts("postgresql://u@h?password=secret", "postgresql://u@h?password=***", "secret");
	redacts("postgresql://u:one@h/db?password=two", "postgresql://u:***@h/db?password=***", NULL);
	redacts("postgresql://u:one@h/db?password=two", NULL, "one");
	redacts("postgresql://u:one@h/db?password=two", NULL, "two");
	/* Not a password parameter. */
	redacts("postgresql://h/db?mypassword=x&passfile=/p", "postgresql://h/db?mypassword=x&passfile=/p",
		NULL);
}

static void test_redact_keywords(void **state)
{
	(void)state;
	redacts("password=secret", "password=***", "secret");
	redacts("host=h password=secret dbname=d", "host=h password=*** dbname=d", "secret");
	redacts("host=h\tpassword=secret", "host=h\tpassword=***", "secret");
	redacts("host=h password = secret", NULL, "secret");
	/* Quoted values, with spaces and escaped quotes. */
	redacts("host=h password = 'se cret' dbname=d", NULL, "se");
	redacts("host=h password = 'se cret' dbname=d", NULL, "cret");
	redacts("password='it\\'s secret' host=h", NULL, "secret");
	redacts("password='it\\'s secret' host=h", NULL, "it");
	{
		char *r = st_url_redact("host=h password = 'se cret' dbname=d");
		assert_starts_with(r, "host=h password");
		assert_contains(r, "***");
		assert_contains(r, " dbname=d");
		free(r);
		r = st_url_redact("password='it\\'s secret' host=h");
		assert_contains(r, "***");
		assert_contains(r, " host=h");
		free(r);
	}
	/* Not the password keyword. */
	redacts("host=h mypassword=x passfile=/p", "host=h mypassword=x passfile=/p", NULL);
	redacts("host=h dbname=password", "host=h dbname=password", NULL);
}

static void test_redact_nothing_to_hide(void **state)
{
	(void)state;
	redacts("postgresql://u@h:5432/db", "postgresql://u@h:5432/db", NULL);
	redacts("postgresql://h:5432/db", "postgresql://h:5432/db", NULL);
	redacts("sqlite:///app.db", "sqlite:///app.db", NULL);
	redacts("sqlite:////abs/app.db", "sqlite:////abs/app.db", NULL);
	redacts("", "", NULL);
}

/* BUG (src/url.c, st_url_redact): the userinfo is looked for only up to the first '/', '?'
 * or '#', but libpq looks for the '@' up to the first '/' only (conninfo_uri_parse_options),
 * so a password holding a raw '?' or '#' is used by libpq and printed in full by strata. */
static void test_redact_password_with_question_mark_or_hash(void **state)
{
	(void)state;
	redacts("postgresql://u:se?cret@h/db", NULL, "cret");
	redacts("postgresql://u:se#cret@h/db", NULL, "cret");
	redacts("postgresql://u:se?cret@h/db", NULL, "se?");
}

/* BUG (src/url.c, redact_keywords): libpq's keyword parser takes a backslash as an escape in
 * unquoted values too ("password=se\ cret" is the password "se cret"), but the redaction ends
 * the value at the space and prints the rest of the password. */
static void test_redact_keyword_backslash_escape(void **state)
{
	(void)state;
	redacts("host=h password=se\\ cret dbname=d", NULL, "cret");
}

/* BUG (src/url.c, st_url_redact): any "://" makes the string a URL, also inside a keyword
 * string's value; the text before it, password included, is then copied verbatim.  Such a
 * string is also refused by st_url_parse ("unknown URL scheme"), whose message then prints the
 * password.  Expected: a URL only when the text starts with a scheme ([A-Za-z][A-Za-z0-9+.-]*). */
static void test_redact_keyword_string_with_url_in_value(void **state)
{
	ufx *f = *state;

	redacts("host=h password=secret application_name=http://x", NULL, "secret");
	parse(f, "host=h password=secret application_name=http://x", NULL);
	assert_not_contains(f->err.message, "secret");
	assert_not_contains(f->u.redacted, "secret");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_sqlite_relative),
		T(test_sqlite_absolute),
		T(test_sqlite_memory),
		T(test_sqlite_short_form),
		T(test_sqlite_errors),
		T(test_postgres_urls),
		T(test_keyword_strings),
		T(test_unknown_scheme),
		T(test_not_a_url),
		cmocka_unit_test(test_redact_userinfo),
		cmocka_unit_test(test_redact_query),
		cmocka_unit_test(test_redact_keywords),
		cmocka_unit_test(test_redact_nothing_to_hide),
		cmocka_unit_test(test_redact_password_with_question_mark_or_hash),
		cmocka_unit_test(test_redact_keyword_backslash_escape),
		T(test_redact_keyword_string_with_url_in_value),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
