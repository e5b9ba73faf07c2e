/* fuzz_url.c - database URLs: st_url_parse and st_url_redact on arbitrary text, and a
 * property check on well-formed URLs built from the input: the redacted form never shows the
 * password, wherever it stands (postgresql://user:PASS@host/db, ?password=PASS in the query,
 * password=PASS or password='PASS' in a libpq keyword string).
 *
 * Input: the first byte picks the well-formed form; the rest, split at 0x01 bytes, gives the
 * user, password, host, database and query parts (cleaned to what each part may hold). The
 * whole input, as a string, is also parsed and redacted as it is. */
#include "fuzz.h"

#include "buf.h"
#include "url.h"

static int unreserved(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* Keep only the bytes `ok` accepts. */
static void keep(st_buf *b, const char *s, size_t n, int (*ok)(int))
{
	for (size_t i = 0; i < n; i++)
		if (ok((unsigned char)s[i]))
			st_buf_putc(b, s[i]);
}

static int host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static int query_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '=' || c == '&';
}

/* Percent-encode all but unreserved bytes and the extra characters allowed raw. */
static void encode(st_buf *b, const char *s, size_t n, const char *raw_ok)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (unreserved(c) || (c && strchr(raw_ok, c))) {
			st_buf_putc(b, (char)c);
		} else {
			st_buf_putc(b, '%');
			st_buf_putc(b, hex[c >> 4]);
			st_buf_putc(b, hex[c & 15]);
		}
	}
}

/* The password as a libpq keyword value: bare with backslash escapes, or single-quoted. */
static void keyword_value(st_buf *b, const char *s, size_t n, int quoted)
{
	if (quoted)
		st_buf_putc(b, '\'');
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\0')
			continue;
		if (c == '\\' || c == '\'' || (!quoted && (c == ' ' || c == '\t' || c == '\n' ||
							   c == '\r' || c == '\f' || c == '\v')))
			st_buf_putc(b, '\\');
		st_buf_putc(b, c);
	}
	if (quoted)
		st_buf_putc(b, '\'');
}

static void check_plain(const char *in)
{
	st_url u;
	st_err err = { 0 };
	char *red = st_url_redact(in);
	int rc = st_url_parse(&err, &u, in, "/base", "fuzz");

	FUZZ_CHECK(red != NULL, "redact returned NULL");
	if (rc == 0) {
		FUZZ_CHECK(u.redacted && strcmp(u.redacted, red) == 0, "two redactions differ");
		FUZZ_CHECK(u.kind == ST_URL_SQLITE || u.kind == ST_URL_POSTGRES, "kind %d", u.kind);
		if (u.kind == ST_URL_SQLITE)
			FUZZ_CHECK(u.path && *u.path, "SQLite URL without a path");
		else
			FUZZ_CHECK(u.conninfo && strcmp(u.conninfo, in) == 0, "conninfo changed");
	} else {
		FUZZ_CHECK(rc == STRATA_ECONFIG || rc == STRATA_ENOMEM, "code %d", rc);
		FUZZ_CHECK(err.message && *err.message, "error without a message");
	}
	st_url_free(&u);
	st_err_clear(&err);
	free(red);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size);
	const char *part[5] = { "", "", "", "", "" };
	size_t plen[5] = { 0 }, k = 0, start = 1;
	st_buf url = ST_BUF_INIT, pass = ST_BUF_INIT, without = ST_BUF_INIT;
	int form;

	check_plain(in);
	if (size < 2) {
		free(in);
		return 0;
	}
	form = data[0] % 5;
	for (size_t i = 1; i <= size && k < 5; i++)
		if (i == size || data[i] == 1) {
			part[k] = (const char *)data + start;
			plen[k++] = i - start;
			start = i + 1;
		}

	/* The password as it is written in the URL: built twice, once as itself and once as
	 * "***", so "the password appears elsewhere in the URL" can be told apart. */
	switch (form) {
	case 0: case 1: encode(&pass, part[1], plen[1], "!$&'()*+,;=:"); break;
	case 2: encode(&pass, part[1], plen[1], "!$'()*,;:@/?"); break;
	default: keyword_value(&pass, part[1], plen[1], form == 4); break;
	}
	for (int pw = 0; pw < 2; pw++) {
		st_buf *b = pw ? &without : &url;
		const char *p = pw ? "***" : st_buf_str(&pass);
		if (form <= 2) {
			st_buf_puts(b, "postgresql://");
			keep(b, part[0], plen[0], unreserved);
			if (form < 2) {
				st_buf_putc(b, ':');
				st_buf_puts(b, p);
			}
			st_buf_putc(b, '@');
			keep(b, part[2], plen[2], host_char);
			st_buf_putc(b, '/');
			keep(b, part[3], plen[3], unreserved);
			if (form >= 1) {
				st_buf_putc(b, '?');
				keep(b, part[4], plen[4], query_char);
			}
			if (form == 2) {
				st_buf_puts(b, "&password=");
				st_buf_puts(b, p);
			}
		} else {
			st_buf_puts(b, "host=");
			keep(b, part[2], plen[2], host_char);
			st_buf_puts(b, " user=");
			keep(b, part[0], plen[0], unreserved);
			st_buf_puts(b, " password=");
			st_buf_puts(b, p);
			st_buf_puts(b, " dbname=");
			keep(b, part[3], plen[3], unreserved);
		}
	}
	if (!st_buf_oom(&url) && !st_buf_oom(&pass) && !st_buf_oom(&without)) {
		const char *u = st_buf_str(&url), *p = st_buf_str(&pass);
		char *red = st_url_redact(u);
		st_url parsed;
		st_err err = { 0 };
		int rc = st_url_parse(&err, &parsed, u, NULL, "fuzz");

		FUZZ_CHECK(red != NULL, "redact returned NULL");
		FUZZ_CHECK(rc == 0 && parsed.kind == ST_URL_POSTGRES, "well-formed URL refused: %s",
			   u);
		if (*p && !strstr(st_buf_str(&without), p))
			FUZZ_CHECK(!strstr(red, p), "the password shows: url '%s', password '%s', "
						    "redacted '%s'", u, p, red);
		FUZZ_CHECK(strstr(red, "***") != NULL, "nothing redacted: '%s' -> '%s'", u, red);
		free(red);
		st_url_free(&parsed);
		st_err_clear(&err);
	}
	st_buf_free(&url);
	st_buf_free(&pass);
	st_buf_free(&without);
	free(in);
	return 0;
}
