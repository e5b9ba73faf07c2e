/* config.c - strata.ini, read with inih.
 *
 * inih is given a reader of our own, so strata knows the line being parsed (for errors about
 * unknown keys and bad values) and can refuse lines longer than inih's line buffer instead of
 * letting inih split them silently. */
#include "config.h"

#include "buf.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader_state {
	const char *p;   /* next unread byte */
	int line;        /* number of the line last handed to inih */
	int long_line;   /* first line that did not fit, or 0 */
	int max;         /* inih's line buffer size */
} reader_state;

static char *strata_ini_read(char *str, int num, void *stream)
{
	reader_state *rs = stream;
	const char *nl;
	size_t len;

	if (!*rs->p)
		return NULL;
	nl = strchr(rs->p, '\n');
	len = nl ? (size_t)(nl - rs->p + 1) : strlen(rs->p);
	rs->line++;
	rs->max = num;
	if (len + 1 > (size_t)num) {
		/* Hand inih an empty line and remember the problem; the caller reports it. */
		if (!rs->long_line)
			rs->long_line = rs->line;
		str[0] = '\n';
		str[1] = '\0';
	} else {
		memcpy(str, rs->p, len);
		str[len] = '\0';
	}
	rs->p += len;
	return str;
}

typedef struct load_ctx {
	st_config *cfg;
	st_err *err;
	reader_state rs;
} load_ctx;

static int set_string(load_ctx *lc, char **field, const char *value)
{
	char *v = NULL;

	if (st_expand_env(lc->err, &v, value)) {
		st_err_at(lc->err, lc->cfg->path, lc->rs.line, 0);
		return 0;
	}
	free(*field);
	*field = v;
	return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	load_ctx *lc = user;
	st_config *cfg = lc->cfg;

	if (lc->err->code)
		return 0;
	if (strcmp(section, "strata") != 0)
		return 1;
	if (strcmp(name, "script_location") == 0)
		return set_string(lc, &cfg->script_location, value);
	if (strcmp(name, "url") == 0) {
		/* Kept as written: ${VAR} is expanded when the URL is used, so commands that need
		 * no database work without the variable (see choose_url in api.c). */
		cfg->url_line = lc->rs.line;
		free(cfg->url);
		cfg->url = strdup(value);
		return cfg->url ? 1 : (st_err_oom(lc->err), 0);
	}
	if (strcmp(name, "version_table") == 0 || strcmp(name, "version_table_schema") == 0) {
		char **field = name[13] ? &cfg->version_table_schema : &cfg->version_table;
		if (!set_string(lc, field, value))
			return 0;
		if (!st_valid_identifier(*field)) {
			st_err_set(lc->err, STRATA_ECONFIG,
				   "invalid %s '%s': use letters, digits and _ (at most 63), "
				   "starting with a letter or _",
				   name, *field);
			st_err_at(lc->err, cfg->path, lc->rs.line, 0);
			return 0;
		}
		return 1;
	}
	if (strcmp(name, "single_transaction") == 0) {
		char *v = NULL;
		if (!set_string(lc, &v, value))
			return 0;
		if (st_strieq(v, "true") || st_strieq(v, "yes") || st_strieq(v, "on") ||
		    strcmp(v, "1") == 0) {
			cfg->single_transaction = 1;
		} else if (st_strieq(v, "false") || st_strieq(v, "no") || st_strieq(v, "off") ||
			   strcmp(v, "0") == 0) {
			cfg->single_transaction = 0;
		} else {
			st_err_set(lc->err, STRATA_ECONFIG,
				   "invalid single_transaction '%s': write true or false", v);
			st_err_at(lc->err, cfg->path, lc->rs.line, 0);
			free(v);
			return 0;
		}
		free(v);
		return 1;
	}
	if (strcmp(name, "schema_file") == 0)
		return set_string(lc, &cfg->schema_file, value);
	if (strcmp(name, "shadow_url") == 0) {
		/* Like url: may hold a password, expanded when used. */
		free(cfg->shadow_url);
		cfg->shadow_url = strdup(value);
		return cfg->shadow_url ? 1 : (st_err_oom(lc->err), 0);
	}
	if (strcmp(name, "file_template") == 0)
		return set_string(lc, &cfg->file_template, value);
	if (strcmp(name, "lock_timeout") == 0 || strcmp(name, "statement_timeout") == 0 ||
	    strcmp(name, "pg_lock_timeout") == 0) {
		long *field = name[0] == 'l' ? &cfg->lock_timeout_ms
			      : name[0] == 's' ? &cfg->statement_timeout_ms : &cfg->pg_lock_timeout_ms;
		char *v = NULL;
		long ms;
		if (!set_string(lc, &v, value))
			return 0;
		ms = st_parse_duration_ms(v);
		if (ms == -2) {
			st_err_set(lc->err, STRATA_ECONFIG,
				   "invalid %s '%s': write seconds (30, 30s), 500ms, 2m or forever",
				   name, v);
			st_err_at(lc->err, cfg->path, lc->rs.line, 0);
			free(v);
			return 0;
		}
		free(v);
		*field = ms ? ms : 1;
		return 1;
	}
	st_err_set(lc->err, STRATA_ECONFIG, "unknown key '%s' in section [strata]", name);
	st_err_at(lc->err, cfg->path, lc->rs.line, 0);
	st_err_hint(lc->err, "known keys: script_location, url, version_table, "
			     "version_table_schema, schema_file, shadow_url, file_template, "
			     "lock_timeout, statement_timeout, pg_lock_timeout, single_transaction");
	return 0;
}

int st_config_load(st_err *err, st_config *cfg, const char *path)
{
	load_ctx lc;
	char *text = NULL;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->path = strdup(path);
	cfg->dir = st_path_dirname(path);
	if (!cfg->path || !cfg->dir)
		return st_err_oom(err);
	if (st_is_dir(path))
		return st_err_set(err, STRATA_ECONFIG, "config file %s is a directory", path);
	rc = st_read_file(err, path, &text, NULL);
	if (rc) {
		/* A missing config is a configuration problem, not an I/O one. */
		err->code = STRATA_ECONFIG;
		if (!st_path_exists(path))
			st_err_hint(err, "run `strata init` to create a project, or pass -c FILE");
		return STRATA_ECONFIG;
	}
	memset(&lc, 0, sizeof(lc));
	lc.cfg = cfg;
	lc.err = err;
	lc.rs.p = text;
	rc = ini_parse_stream(strata_ini_read, &lc.rs, handler, &lc);
	free(text);
	if (err->code)
		return err->code;
	if (lc.rs.long_line) {
		st_err_set(err, STRATA_ECONFIG, "line too long for the ini parser (at most %d bytes)",
			   lc.rs.max - 2);
		st_err_at(err, path, lc.rs.long_line, 0);
		st_err_hint(err, "put a long value in an environment variable and write ${NAME}");
		return STRATA_ECONFIG;
	}
	if (rc > 0) {
		st_err_set(err, STRATA_ECONFIG, "syntax error in config file");
		st_err_at(err, path, rc, 0);
		st_err_hint(err, "expected `[section]`, `key = value`, or a comment starting with ; or #");
		return STRATA_ECONFIG;
	}
	if (rc < 0)
		return st_err_set(err, STRATA_ECONFIG, "cannot parse config file %s", path);
	return 0;
}

int st_config_defaults(st_err *err, st_config *cfg)
{
	if (!cfg->dir && !(cfg->dir = strdup(".")))
		return st_err_oom(err);
	if (!cfg->script_location && !(cfg->script_location = strdup("migrations")))
		return st_err_oom(err);
	if (!cfg->version_table && !(cfg->version_table = strdup("strata_version")))
		return st_err_oom(err);
	if (!cfg->schema_file && !(cfg->schema_file = strdup("schema.sql")))
		return st_err_oom(err);
	if (!cfg->file_template && !(cfg->file_template = strdup("%(rev)s_%(slug)s")))
		return st_err_oom(err);
	return 0;
}

void st_config_free(st_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->dir);
	free(cfg->script_location);
	free(cfg->url);
	free(cfg->version_table);
	free(cfg->version_table_schema);
	free(cfg->schema_file);
	free(cfg->shadow_url);
	free(cfg->file_template);
	memset(cfg, 0, sizeof(*cfg));
}

int st_expand_env(st_err *err, char **out, const char *value)
{
	st_buf b = ST_BUF_INIT;
	const char *p = value;

	*out = NULL;
	while (*p) {
		if (p[0] == '$' && p[1] == '$' && p[2] == '{') {
			st_buf_puts(&b, "${");
			p += 3;
			continue;
		}
		if (p[0] == '$' && p[1] == '{') {
			const char *start = p + 2, *end = strchr(start, '}'), *name_end;
			const char *def = NULL, *val;
			char name[256];
			size_t nlen;

			if (!end) {
				st_buf_free(&b);
				return st_err_set(err, STRATA_ECONFIG, "unclosed ${ in '%s'", value);
			}
			name_end = start;
			while (name_end < end && (isalnum((unsigned char)*name_end) || *name_end == '_'))
				name_end++;
			if (name_end + 1 < end && name_end[0] == ':' && name_end[1] == '-')
				def = name_end + 2;
			else if (name_end != end)
				name_end = NULL;
			nlen = name_end ? (size_t)(name_end - start) : 0;
			if (!name_end || nlen == 0 || nlen >= sizeof(name)) {
				st_buf_free(&b);
				return st_err_set(err, STRATA_ECONFIG,
						  "invalid variable reference '%.*s' (write ${NAME} or "
						  "${NAME:-default})",
						  (int)(end - p + 1), p);
			}
			memcpy(name, start, nlen);
			name[nlen] = '\0';
			val = getenv(name);
			if (val && *val) {
				st_buf_puts(&b, val);
			} else if (def) {
				st_buf_add(&b, def, (size_t)(end - def));
			} else {
				st_buf_free(&b);
				st_err_set(err, STRATA_ECONFIG, "environment variable %s is %s", name,
					   val ? "empty" : "not set");
				st_err_hint(err, "set it, or give a default: ${%s:-value}", name);
				return STRATA_ECONFIG;
			}
			p = end + 1;
			continue;
		}
		st_buf_putc(&b, *p++);
	}
	*out = st_buf_detach(&b);
	return *out ? 0 : st_err_oom(err);
}

long st_parse_duration_ms(const char *s)
{
	char *end;
	double v;

	if (strcmp(s, "forever") == 0 || strcmp(s, "infinite") == 0)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !(v >= 0 && v <= 1e9)) /* also refuses NaN */
		return -2;
	while (*end == ' ')
		end++;
	if (*end == '\0' || strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "ms") == 0)
		;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60000;
	else
		return -2;
	return (long)v;
}

int st_valid_identifier(const char *s)
{
	size_t n = 0;

	if (!s || !(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (; *s; s++, n++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '$'))
			return 0;
	return n <= 63;
}
