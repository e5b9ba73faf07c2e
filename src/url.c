/* url.c - database URL parsing and redaction.
 *
 * sqlite:///relative.db (relative to the ini file), sqlite:////absolute.db, sqlite:///:memory:,
 * sqlite:relative.db; postgresql:// and postgres:// URLs and libpq keyword strings
 * ("host=... dbname=...") go to libpq unchanged: libpq is the authority on their syntax. */
#include "url.h"

#include "buf.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Replace the value of every password=... in a keyword string or a URL query. */
static void redact_keywords(st_buf *b, const char *s, int in_query)
{
	const char *p = s;

	while (*p) {
		const char *key = p;
		int at_key_start = (p == s) || (in_query ? (p[-1] == '?' || p[-1] == '&')
						       : isspace((unsigned char)p[-1]));
		if (at_key_start && strncmp(key, "password", 8) == 0) {
			const char *q = key + 8;
			while (!in_query && (*q == ' ' || *q == '\t'))
				q++;
			if (*q == '=') {
				q++;
				st_buf_add(b, key, (size_t)(q - key));
				st_buf_puts(b, "***");
				if (in_query) {
					while (*q && *q != '&')
						q++;
				} else {
					while (*q == ' ' || *q == '\t')
						q++;
					if (*q == '\'') {
						for (q++; *q && *q != '\''; q++)
							if (*q == '\\' && q[1])
								q++;
						if (*q)
							q++;
					} else {
						/* libpq honours backslash escapes here too */
						while (*q && !isspace((unsigned char)*q))
							q += (*q == '\\' && q[1]) ? 2 : 1;
					}
				}
				p = q;
				continue;
			}
		}
		st_buf_putc(b, *p++);
	}
}

/* Where "://" ends a scheme at the start of s ([A-Za-z][A-Za-z0-9+.-]*://), or NULL: a
 * keyword string may hold "://" inside a value. */
static const char *scheme_end_of(const char *s)
{
	const char *p = s;

	if (!isalpha((unsigned char)*p))
		return NULL;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '.' || *p == '-')
		p++;
	return strncmp(p, "://", 3) == 0 ? p : NULL;
}

char *st_url_redact(const char *url)
{
	st_buf b = ST_BUF_INIT;
	const char *scheme_end = scheme_end_of(url);

	if (!scheme_end) {
		redact_keywords(&b, url, 0);
		return st_buf_detach(&b);
	}
	{
		const char *auth = scheme_end + 3;
		const char *auth_end = auth + strcspn(auth, "/?#");
		const char *at = NULL, *p, *colon = NULL;

		/* libpq looks for the user's '@' up to the first '/' only, so a password may hold
		 * '?' or '#': search as far, or the password would be printed. */
		for (p = auth; *p && *p != '/'; p++)
			if (*p == '@')
				at = p;
		if (at && at >= auth_end)
			auth_end = at + strcspn(at, "/?#");
		if (at) {
			for (p = auth; p < at; p++)
				if (*p == ':') {
					colon = p;
					break;
				}
		}
		if (colon) {
			st_buf_add(&b, url, (size_t)(colon + 1 - url));
			st_buf_puts(&b, "***");
			st_buf_add(&b, at, (size_t)(auth_end - at));
		} else {
			st_buf_add(&b, url, (size_t)(auth_end - url));
		}
		if (*auth_end == '/') {
			const char *q = strchr(auth_end, '?');
			if (q) {
				st_buf_add(&b, auth_end, (size_t)(q - auth_end));
				redact_keywords(&b, q, 1);
			} else {
				st_buf_puts(&b, auth_end);
			}
		} else {
			redact_keywords(&b, auth_end, 1);
		}
	}
	return st_buf_detach(&b);
}

static int parse_sqlite(st_err *err, st_url *out, const char *rest, const char *base_dir,
			const char *what, const char *url)
{
	const char *path;

	/* rest is what follows "sqlite:" */
	if (st_starts_with(rest, "//")) {
		rest += 2;
		if (*rest == '\0') {
			path = ":memory:";
		} else if (*rest != '/') {
			return st_err_set(err, STRATA_ECONFIG,
					  "invalid SQLite URL in %s: %s: a host is not allowed "
					  "(write sqlite:///relative.db or sqlite:////absolute/path.db)",
					  what, out->redacted);
		} else {
			path = rest + 1; /* sqlite:///x -> "x", sqlite:////x -> "/x" */
		}
	} else {
		path = rest;
	}
	if (strchr(path, '?'))
		return st_err_set(err, STRATA_ECONFIG,
				  "invalid SQLite URL in %s: %s: query parameters are not supported",
				  what, out->redacted);
	if (*path == '\0')
		return st_err_set(err, STRATA_ECONFIG, "invalid SQLite URL in %s: %s: no file name",
				  what, url);
	out->kind = ST_URL_SQLITE;
	if (strcmp(path, ":memory:") == 0 || st_path_is_absolute(path) || !base_dir)
		out->path = strdup(path);
	else
		out->path = st_path_join(base_dir, path);
	return out->path ? 0 : st_err_oom(err);
}

int st_url_parse(st_err *err, st_url *out, const char *url, const char *base_dir,
		 const char *what)
{
	const char *colon;
	size_t slen;

	memset(out, 0, sizeof(*out));
	out->redacted = st_url_redact(url);
	if (!out->redacted)
		return st_err_oom(err);
	if (*url == '\0')
		return st_err_set(err, STRATA_ECONFIG, "empty database URL in %s", what);

	colon = strchr(url, ':');
	slen = colon ? (size_t)(colon - url) : 0;
	if (colon && slen == 6 && strncmp(url, "sqlite", 6) == 0)
		return parse_sqlite(err, out, colon + 1, base_dir, what, url);
	if (colon && strncmp(colon, "://", 3) == 0 &&
	    ((slen == 10 && strncmp(url, "postgresql", 10) == 0) ||
	     (slen == 8 && strncmp(url, "postgres", 8) == 0))) {
		out->kind = ST_URL_POSTGRES;
		out->conninfo = strdup(url);
		return out->conninfo ? 0 : st_err_oom(err);
	}
	if (!scheme_end_of(url) && strchr(url, '=')) {
		/* A libpq keyword/value string: "host=localhost dbname=app". */
		out->kind = ST_URL_POSTGRES;
		out->conninfo = strdup(url);
		return out->conninfo ? 0 : st_err_oom(err);
	}
	if (scheme_end_of(url)) {
		st_err_set(err, STRATA_ECONFIG, "unknown URL scheme '%.*s' in %s: %s", (int)slen, url,
			   what, out->redacted);
		st_err_hint(err, "strata supports sqlite:///path.db and postgresql://user@host/db");
		return STRATA_ECONFIG;
	}
	st_err_set(err, STRATA_ECONFIG, "not a database URL in %s: %s", what, out->redacted);
	st_err_hint(err, "write sqlite:///%s for a SQLite file, or postgresql://user@host/db",
		    out->redacted);
	return STRATA_ECONFIG;
}

void st_url_free(st_url *u)
{
	if (!u)
		return;
	free(u->redacted);
	free(u->path);
	free(u->conninfo);
	memset(u, 0, sizeof(*u));
}
