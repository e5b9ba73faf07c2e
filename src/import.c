/* import.c - adopting another tool's history.  strata_import() turns a golang-migrate, dbmate,
 * goose, Diesel or Flyway migrations folder into revision files (the tool's order, names, up and
 * down, and when it ran them outside a transaction), reporting whatever it cannot convert
 * exactly; strata_adopt() stamps a database that tool migrated, from the tool's own table,
 * without running anything.  docs/import.md describes each tool's rules and their mapping. */
#include "strata_int.h"

#include "script.h"
#ifdef STRATA_WITH_PG
#include "pg_split.h"
#endif

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef enum fmt { F_GOLANG_MIGRATE, F_DBMATE, F_GOOSE, F_DIESEL, F_FLYWAY, F_N } fmt;
static const char *const fmt_names[F_N] = { "golang-migrate", "dbmate", "goose", "diesel",
					    "flyway" };

/* How the source tool runs a section. */
enum { TX_ALWAYS = 1, /* in a transaction of its own */
       TX_NEVER,      /* outside any (the tool's own marker said so) */
       TX_AUTO };     /* in one unless a statement cannot run in one (golang-migrate on
		       * PostgreSQL: one multi-statement query; Flyway: detected) */

#define IMPORT_MARK "-- Imported by `strata import` from "

/* ---- the report ------------------------------------------------------------------------------ */

struct strata_import_report {
	st_arena a;
	const char *format;
	strata_import_migration *migs;
	size_t n, cap;
	strata_import_issue *iss;
	size_t n_iss, cap_iss;
};

STRATA_API const char *strata_import_report_format(const strata_import_report *r)
{
	return r ? r->format : NULL;
}

STRATA_API size_t strata_import_report_count(const strata_import_report *r)
{
	return r ? r->n : 0;
}

STRATA_API const strata_import_migration *strata_import_report_get(const strata_import_report *r,
								    size_t i)
{
	return r && i < r->n ? &r->migs[i] : NULL;
}

STRATA_API size_t strata_import_report_issue_count(const strata_import_report *r)
{
	return r ? r->n_iss : 0;
}

STRATA_API const strata_import_issue *strata_import_report_issue(const strata_import_report *r,
								size_t i)
{
	return r && i < r->n_iss ? &r->iss[i] : NULL;
}

STRATA_API void strata_import_report_free(strata_import_report *r)
{
	if (!r)
		return;
	st_arena_free(&r->a);
	free(r->migs);
	free(r->iss);
	free(r);
}

/* ---- one migration while it is converted ---------------------------------------------------- */

typedef struct isec {
	st_buf text;
	int *lines;      /* the source line of each line of text */
	size_t n_lines, cap_lines;
	char *src;       /* the source file, relative to the folder */
	int present;
	int mode;        /* TX_* */
	int transactional;
} isec;

typedef struct imig {
	char *version;   /* as the tool records it */
	char *digits;    /* what orders it (tool-specific) */
	char *name;
	char *id;
	char *no_down;   /* why there is no down section, or NULL */
	char *path;      /* the revision file */
	isec up, down;
	int existed;
} imig;

typedef struct ictx {
	strata *s;
	strata_import_report *rep;
	const char *dir;
	fmt f;
	int pg;          /* the project's dialect is PostgreSQL */
	imig *m;
	size_t n, cap;
} ictx;

static void sec_free(isec *x)
{
	st_buf_free(&x->text);
	free(x->lines);
	free(x->src);
}

static void mig_free(imig *m)
{
	free(m->version);
	free(m->digits);
	free(m->name);
	free(m->id);
	free(m->no_down);
	free(m->path);
	sec_free(&m->up);
	sec_free(&m->down);
}

static int oom(ictx *c)
{
	return st_err_oom(&c->s->err);
}

static imig *new_mig(ictx *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		imig *m = realloc(c->m, cap * sizeof(*m));
		if (!m)
			return NULL;
		c->m = m;
		c->cap = cap;
	}
	memset(&c->m[c->n], 0, sizeof(imig));
	return &c->m[c->n++];
}

static int issue(ictx *c, strata_import_issue_kind kind, const char *src, int line,
		 const char *rev, const char *fmt_, ...) __attribute__((format(printf, 6, 7)));

static int issue(ictx *c, strata_import_issue_kind kind, const char *src, int line,
		 const char *rev, const char *fmt_, ...)
{
	strata_import_report *r = c->rep;
	strata_import_issue *it;
	st_buf b = ST_BUF_INIT;
	va_list ap;

	if (r->n_iss == r->cap_iss) {
		size_t cap = r->cap_iss ? r->cap_iss * 2 : 32;
		strata_import_issue *v = realloc(r->iss, cap * sizeof(*v));
		if (!v)
			return oom(c);
		r->iss = v;
		r->cap_iss = cap;
	}
	va_start(ap, fmt_);
	st_buf_vprintf(&b, fmt_, ap);
	va_end(ap);
	it = &r->iss[r->n_iss];
	it->kind = kind;
	it->line = line;
	it->source = src ? st_arena_strdup(&r->a, src) : NULL;
	it->revision = rev ? st_arena_strdup(&r->a, rev) : NULL;
	it->message = st_buf_oom(&b) ? NULL : st_arena_strdup(&r->a, st_buf_str(&b));
	st_buf_free(&b);
	if (!it->message || (src && !it->source) || (rev && !it->revision))
		return oom(c);
	r->n_iss++;
	return 0;
}

/* Append one line (len bytes, without its ending) to a section, remembering its source line.
 * A line strata's parser would take for a section marker is defused ("--~ migrate:..."). */
static int sec_line(ictx *c, isec *x, const char *s, size_t len, int src_line)
{
	size_t i = 0, j;

	if (x->n_lines == x->cap_lines) {
		size_t cap = x->cap_lines ? x->cap_lines * 2 : 64;
		int *v = realloc(x->lines, cap * sizeof(int));
		if (!v)
			return oom(c);
		x->lines = v;
		x->cap_lines = cap;
	}
	x->lines[x->n_lines++] = src_line;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i >= 2 && s[i] == '-' && s[i + 1] == '-') {
		j = i + 2;
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (len - j >= 8 && strncmp(s + j, "migrate:", 8) == 0) {
			st_buf_add(&x->text, s, i + 2);
			st_buf_putc(&x->text, '~');
			st_buf_add(&x->text, s + i + 2, len - i - 2);
			st_buf_putc(&x->text, '\n');
			if (issue(c, STRATA_IMPORT_NOTE, x->src, src_line, NULL,
				  "a comment that reads as a strata section marker was changed to '--~'"))
				return STRATA_ENOMEM;
			return st_buf_oom(&x->text) ? oom(c) : 0;
		}
	}
	st_buf_add(&x->text, s, len);
	st_buf_putc(&x->text, '\n');
	return st_buf_oom(&x->text) ? oom(c) : 0;
}

/* Every line of text into the section (a whole file: golang-migrate, Diesel, Flyway). */
static int sec_text(ictx *c, isec *x, const char *text, size_t len)
{
	size_t i = 0;
	int no = 0, rc;

	while (i < len) {
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		if ((rc = sec_line(c, x, text + i, e > i && text[e - 1] == '\r' ? e - i - 1 : e - i,
				   ++no)))
			return rc;
		i = e + 1;
	}
	x->present = 1;
	return 0;
}

/* The source line of byte off of a section's text. */
static int src_line_at(const isec *x, size_t off)
{
	const char *t = st_buf_str(&x->text);
	size_t i, line = 0;

	for (i = 0; i < off && t[i]; i++)
		if (t[i] == '\n')
			line++;
	if (!x->n_lines)
		return 0;
	return x->lines[line < x->n_lines ? line : x->n_lines - 1];
}

/* ---- names ---------------------------------------------------------------------------------- */

static size_t count_digits(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Compare two digit strings as numbers (any length). */
static int numcmp(const char *a, const char *b)
{
	size_t la, lb;
	int d;

	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return la < lb ? -1 : 1;
	d = strcmp(a, b);
	return d < 0 ? -1 : d > 0;
}

/* Flyway versions: parts separated by '.', each compared as a number; missing parts are 0. */
static int flycmp(const char *a, const char *b)
{
	while (*a || *b) {
		char pa[64] = "0", pb[64] = "0";
		size_t na = strcspn(a, "."), nb = strcspn(b, ".");
		int d;
		if (na && na < sizeof(pa))
			snprintf(pa, sizeof(pa), "%.*s", (int)na, a);
		if (nb && nb < sizeof(pb))
			snprintf(pb, sizeof(pb), "%.*s", (int)nb, b);
		if ((d = numcmp(pa, pb)))
			return d;
		a += na + (a[na] == '.');
		b += nb + (b[nb] == '.');
	}
	return 0;
}

/* The order of the tool: versions compared as it compares them. */
static int vercmp(fmt f, const char *a, const char *b)
{
	int d;

	switch (f) {
	case F_GOLANG_MIGRATE:
	case F_GOOSE:
		return numcmp(a, b);
	case F_FLYWAY:
		return flycmp(a, b);
	default:
		d = strcmp(a, b);
		return d < 0 ? -1 : d > 0;
	}
}

static int cmp_mig(const void *pa, const void *pb, void *ctx)
{
	const imig *a = pa, *b = pb;

	return vercmp(*(const fmt *)ctx, a->digits, b->digits);
}

/* A revision id from the tool's version: kept when valid, otherwise made valid. */
static char *make_id(const char *v)
{
	size_t n = strlen(v), i;
	char *id = malloc(n > 64 ? 65 : n + 1);

	if (!id)
		return NULL;
	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++)
		id[i] = isalnum((unsigned char)v[i]) || v[i] == '-' || v[i] == '_' ? v[i] : '_';
	id[n] = '\0';
	if (!n) {
		free(id);
		return strdup("0");
	}
	return id;
}

/* A copy without control characters (names go into one-line headers). */
static char *clean_line(const char *s, size_t n)
{
	char *r = strndup(s, n), *p;

	if (r)
		for (p = r; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
	return r;
}

/* ---- listing the folder ---------------------------------------------------------------------- */

/* Entry names of dir (not starting with '.'), sorted; with prefix prepended ("sub/"). */
static int list_dir(ictx *c, const char *dir, const char *prefix, st_strvec *out, int recurse)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return st_fail(c->s, STRATA_EIO, "cannot open the folder %s: %s", dir, strerror(errno));
	while ((de = readdir(d)) && !rc) {
		char *full, *rel;
		if (de->d_name[0] == '.')
			continue;
		full = st_path_join(dir, de->d_name);
		rel = malloc(strlen(prefix) + strlen(de->d_name) + 2);
		if (!full || !rel) {
			free(full);
			free(rel);
			rc = oom(c);
			break;
		}
		sprintf(rel, "%s%s", prefix, de->d_name);
		if (recurse && st_is_dir(full)) {
			char *p2 = malloc(strlen(rel) + 2);
			if (!p2)
				rc = oom(c);
			else {
				sprintf(p2, "%s/", rel);
				rc = list_dir(c, full, p2, out, recurse);
				free(p2);
			}
		} else if (st_strvec_push(out, rel)) {
			rc = oom(c);
		}
		free(full);
		free(rel);
	}
	closedir(d);
	if (!rc)
		st_sort_strings(out->v, out->n);
	return rc;
}

static int read_rel(ictx *c, const char *rel, char **text, size_t *len)
{
	char *path = st_path_join(c->dir, rel);
	int rc;

	if (!path)
		return oom(c);
	rc = st_read_file(&c->s->err, path, text, len);
	free(path);
	return rc;
}

static int bad_file(ictx *c, const char *rel, int line, const char *why)
{
	char *path = st_path_join(c->dir, rel);

	st_fail(c->s, STRATA_ESCRIPT, "not a valid %s migration: %s", fmt_names[c->f], why);
	st_err_at(&c->s->err, path ? path : rel, line, 0);
	st_err_hint(&c->s->err, "nothing was imported; fix the file (the tool itself refuses it) or "
				"move it out of the folder");
	free(path);
	return STRATA_ESCRIPT;
}

/* ---- golang-migrate: N_name.up.sql / N_name.down.sql --------------------------------------- */

static imig *find_version(ictx *c, const char *version)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (vercmp(c->f, c->m[i].digits, version) == 0)
			return &c->m[i];
	return NULL;
}

static int load_golang_migrate(ictx *c, st_strvec *names)
{
	size_t i, k;
	int pass, rc;

	/* Ups first, then downs, so a down finds its migration. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < names->n; i++) {
			const char *f = names->v[i], *dir_ = pass ? ".down.sql" : ".up.sql";
			size_t nd = count_digits(f), fl = strlen(f);
			char *digits, *text = NULL;
			imig *m;
			isec *x;
			size_t len;
			if (!nd || f[nd] != '_' || !(ends_with(f, ".up.sql") || ends_with(f, ".down.sql"))) {
				if (pass == 0 && issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
						       "not a golang-migrate migration file "
						       "(N_name.up.sql or N_name.down.sql)"))
					return STRATA_ENOMEM;
				continue;
			}
			if (!ends_with(f, dir_))
				continue;
			if (!(digits = strndup(f, nd)))
				return oom(c);
			m = find_version(c, digits);
			if (pass == 0 && m) {
				free(digits);
				return bad_file(c, f, 0, "a second up file for the same version "
							 "(golang-migrate refuses duplicates)");
			}
			if (pass == 1 && !m) {
				free(digits);
				if (issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
					  "a down file without an up file for its version"))
					return STRATA_ENOMEM;
				continue;
			}
			if (pass == 0) {
				if (!(m = new_mig(c))) {
					free(digits);
					return oom(c);
				}
				m->digits = digits;
				k = 0;
				while (digits[k] == '0' && digits[k + 1])
					k++;
				m->version = strdup(digits + k);
				m->id = make_id(digits);
				m->name = clean_line(f + nd + 1, fl - nd - 1 - strlen(dir_));
				if (!m->version || !m->id || !m->name)
					return oom(c);
			} else {
				free(digits);
				if (m->down.present)
					return bad_file(c, f, 0, "a second down file for the same version");
			}
			x = pass ? &m->down : &m->up;
			if (!(x->src = strdup(f)))
				return oom(c);
			x->mode = c->pg ? TX_AUTO : TX_ALWAYS;
			if ((rc = read_rel(c, f, &text, &len)))
				return rc;
			rc = sec_text(c, x, text, len);
			free(text);
			if (rc)
				return rc;
		}
	for (i = 0; i < c->n; i++)
		if (!c->m[i].down.present &&
		    !(c->m[i].no_down = strdup("the source has no .down.sql file")))
			return oom(c);
	return 0;
}

static int is_blank_or_comment(const char *s, size_t len);

/* ---- dbmate: N_name.sql with -- migrate:up / -- migrate:down ------------------------------- */

/* "-- migrate:up opts" at the start of a line (dbmate's own pattern): 1 up, 2 down, 0 not. */
static int dbmate_marker(const char *s, size_t len, size_t *opts)
{
	size_t i = 2;

	if (len < 2 || s[0] != '-' || s[1] != '-')
		return 0;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (len - i >= 10 && strncmp(s + i, "migrate:up", 10) == 0 &&
	    (len == i + 10 || isspace((unsigned char)s[i + 10]))) {
		*opts = i + 10;
		return 1;
	}
	if (len - i >= 12 && strncmp(s + i, "migrate:down", 12) == 0 &&
	    (len == i + 12 || isspace((unsigned char)s[i + 12]))) {
		*opts = i + 12;
		return 2;
	}
	return 0;
}

static int dbmate_options(ictx *c, isec *x, const char *s, size_t len, int line)
{
	size_t i = 0;

	x->mode = TX_ALWAYS;
	while (i < len) {
		size_t st;
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		st = i;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
		if (i == st)
			break;
		if (i - st == 17 && strncmp(s + st, "transaction:false", 17) == 0)
			x->mode = TX_NEVER;
		else if (!(i - st == 16 && strncmp(s + st, "transaction:true", 16) == 0) &&
			 issue(c, STRATA_IMPORT_WARNING, x->src, line, NULL,
			       "section option '%.*s' has no strata equivalent and was left out",
			       (int)(i - st), s + st))
			return STRATA_ENOMEM;
	}
	return 0;
}

static int load_dbmate(ictx *c, st_strvec *names)
{
	size_t i, k;
	int rc;

	for (i = 0; i < names->n; i++) {
		const char *f = names->v[i];
		size_t nd = count_digits(f), len, off = 0, opts;
		char *text = NULL;
		imig *m;
		isec *cur = NULL;
		int no = 0, which;
		if (!nd || !ends_with(f, ".sql")) {
			if (issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
				  "not a dbmate migration file (VERSION_name.sql)"))
				return STRATA_ENOMEM;
			continue;
		}
		if (!(m = new_mig(c)))
			return oom(c);
		m->digits = strdup(f); /* dbmate orders by file name */
		m->version = strndup(f, nd);
		m->id = make_id(m->version ? m->version : "");
		m->name = clean_line(f + nd + (f[nd] == '_'), strlen(f) - nd - (f[nd] == '_') - 4);
		m->up.src = strdup(f);
		m->down.src = strdup(f);
		if (!m->digits || !m->version || !m->id || !m->name || !m->up.src || !m->down.src)
			return oom(c);
		for (k = 0; k + 1 < c->n; k++)
			if (strcmp(c->m[k].version, m->version) == 0)
				return bad_file(c, f, 0, "a second file for the same version");
		if ((rc = read_rel(c, f, &text, &len)))
			return rc;
		while (off < len) {
			size_t e = off, ll;
			const char *ln = text + off;
			while (e < len && text[e] != '\n')
				e++;
			ll = e - off;
			if (ll && ln[ll - 1] == '\r')
				ll--;
			off = e + 1;
			no++;
			which = dbmate_marker(ln, ll, &opts);
			if (which) {
				cur = which == 1 ? &m->up : &m->down;
				if (cur->present) {
					free(text);
					return bad_file(c, f, no, which == 1 ? "a second -- migrate:up"
									     : "a second -- migrate:down");
				}
				cur->present = 1;
				if ((rc = dbmate_options(c, cur, ln + opts, ll - opts, no))) {
					free(text);
					return rc;
				}
				continue;
			}
			if (!cur) {
				if (is_blank_or_comment(ln, ll))
					continue;
				free(text);
				return bad_file(c, f, no, "SQL before '-- migrate:up' (dbmate refuses it)");
			}
			if ((rc = sec_line(c, cur, ln, ll, no))) {
				free(text);
				return rc;
			}
		}
		free(text);
		if (!m->up.present)
			return bad_file(c, f, 0, "no '-- migrate:up' line");
		if (!m->down.present &&
		    !(m->no_down = strdup("the file has no '-- migrate:down' section (dbmate 2 "
					  "refuses such a file; older versions had nothing to roll back)")))
			return oom(c);
	}
	return 0;
}

/* ---- goose: N_name.sql with -- +goose Up / Down ---------------------------------------------- */

enum { G_NONE, G_UP, G_DOWN, G_BEGIN, G_END, G_NOTX, G_ENV_ON, G_ENV_OFF, G_BAD };

/* goose's extractAnnotation: a comment line holding "+goose"; case-insensitive. */
static int goose_annotation(const char *s, size_t len)
{
	static const struct {
		const char *w;
		int a;
	} names[] = { { "up", G_UP }, { "down", G_DOWN }, { "statementbegin", G_BEGIN },
		      { "statementend", G_END }, { "no transaction", G_NOTX },
		      { "envsub on", G_ENV_ON }, { "envsub off", G_ENV_OFF } };
	char buf[64];
	size_t i = 0, n = 0, k;
	const char *g;

	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (len - i < 2 || s[i] != '-' || s[i + 1] != '-')
		return G_NONE;
	g = memmem(s, len, "+goose", 6);
	if (!g)
		return G_NONE;
	/* Remove every "--" and the first "+goose", then trim. */
	for (k = i; k < len && n + 1 < sizeof(buf); k++) {
		if (s + k == g) {
			k += 5;
			continue;
		}
		if (s[k] == '-' && k + 1 < len && s[k + 1] == '-') {
			k++;
			continue;
		}
		buf[n++] = (char)tolower((unsigned char)s[k]);
	}
	buf[n] = '\0';
	{
		char *t = st_trim(buf);
		for (k = 0; k < ST_ARRAY_LEN(names); k++)
			if (strcmp(t, names[k].w) == 0)
				return names[k].a;
	}
	return G_BAD;
}

/* goose's endsWithSemicolon: the last word before a "--" word ends with ';'. */
static int goose_ends_semicolon(const char *s, size_t len)
{
	size_t i = 0, ws = 0, we = 0;

	while (i < len) {
		size_t st;
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		st = i;
		while (i < len && !isspace((unsigned char)s[i]))
			i++;
		if (i == st)
			break;
		if (i - st >= 2 && s[st] == '-' && s[st + 1] == '-')
			break;
		ws = st;
		we = i;
	}
	return we > ws && s[we - 1] == ';';
}

static int is_blank_or_comment(const char *s, size_t len)
{
	size_t k = 0;

	while (k < len && isspace((unsigned char)s[k]))
		k++;
	return k == len || (len - k >= 2 && s[k] == '-' && s[k + 1] == '-');
}

static int goose_file(ictx *c, imig *m, const char *f, const char *text, size_t len)
{
	size_t off = 0;
	int no = 0, state = 0, in_block = 0, block_semi = 1, pending = 0, pending_line = 0;
	int notx = 0, begin_line = 0, rc;
	isec *cur = &m->up; /* comments before Up go to the up section */

	while (off < len) {
		size_t e = off, ll;
		const char *ln = text + off;
		int a;
		while (e < len && text[e] != '\n')
			e++;
		ll = e - off;
		if (ll && ln[ll - 1] == '\r')
			ll--;
		off = e + 1;
		no++;
		a = goose_annotation(ln, ll);
		if (a == G_BAD)
			return bad_file(c, f, no, "unknown goose annotation (goose refuses the file)");
		if (a == G_UP || a == G_DOWN) {
			if (in_block)
				return bad_file(c, f, no, "a section starts inside StatementBegin/End");
			if (a == G_UP && state != 0)
				return bad_file(c, f, no, "a second '-- +goose Up'");
			if (a == G_DOWN && state != 1)
				return bad_file(c, f, no, state == 0 ? "'-- +goose Down' before Up"
								     : "a second '-- +goose Down'");
			if (a == G_DOWN && pending &&
			    issue(c, STRATA_IMPORT_WARNING, f, pending_line, m->id,
				  "the Up section's last statement has no ';': goose refuses to apply "
				  "this file ('missing semicolon?'); imported as written"))
				return STRATA_ENOMEM;
			pending = 0;
			state = a == G_UP ? 1 : 2;
			cur = a == G_UP ? &m->up : &m->down;
			cur->present = 1;
			continue;
		}
		if (state == 0 && a == G_NONE && !is_blank_or_comment(ln, ll))
			return bad_file(c, f, no, "SQL before '-- +goose Up' (goose refuses the file)");
		if (a == G_BEGIN) {
			if (in_block || state == 0)
				return bad_file(c, f, no, "StatementBegin out of place");
			in_block = 1;
			block_semi = 1;
			begin_line = no;
		} else if (a == G_END) {
			if (!in_block)
				return bad_file(c, f, no, "StatementEnd without StatementBegin");
			in_block = 0;
			pending = 0;
			if (!block_semi) {
				/* goose sends the block on its own; strata sends the section as a
				 * whole, so the statement needs its end. */
				st_buf line = ST_BUF_INIT;
				st_buf_puts(&line, "; ");
				st_buf_add(&line, ln, ll);
				rc = st_buf_oom(&line) ? oom(c)
						       : sec_line(c, cur, line.data, line.len, no);
				st_buf_free(&line);
				if (rc || issue(c, STRATA_IMPORT_NOTE, f, no, m->id,
						"added ';' at StatementEnd: the block's last statement had "
						"none (goose runs each block on its own)"))
					return rc ? rc : STRATA_ENOMEM;
				continue;
			}
		} else if (a == G_NOTX) {
			notx = 1;
		} else if (a == G_ENV_ON) {
			if (issue(c, STRATA_IMPORT_WARNING, f, no, m->id,
				  "ENVSUB ON: goose replaces ${VAR} with the environment in this file; "
				  "strata runs the text as written"))
				return STRATA_ENOMEM;
		} else if (a == G_NONE && state) {
			if (in_block) {
				if (!is_blank_or_comment(ln, ll))
					block_semi = goose_ends_semicolon(ln, ll);
			} else if (pending || !is_blank_or_comment(ln, ll)) {
				if (!pending)
					pending_line = no;
				pending = !goose_ends_semicolon(ln, ll);
			}
		}
		if ((rc = sec_line(c, cur, ln, ll, no)))
			return rc;
	}
	if (in_block)
		return bad_file(c, f, begin_line, "StatementBegin without StatementEnd");
	if (state == 0)
		return bad_file(c, f, 0, "no '-- +goose Up' annotation");
	if (pending && issue(c, STRATA_IMPORT_WARNING, f, pending_line, m->id,
			     "the %s section's last statement has no ';': goose refuses to %s this "
			     "file ('missing semicolon?'); imported as written",
			     state == 1 ? "Up" : "Down", state == 1 ? "apply" : "roll back"))
		return STRATA_ENOMEM;
	m->up.mode = m->down.mode = notx ? TX_NEVER : TX_ALWAYS;
	if (!m->down.present &&
	    !(m->no_down = strdup("the file has no '-- +goose Down' section (goose would record a "
				  "rollback and run nothing)")))
		return oom(c);
	return 0;
}

static int load_goose(ictx *c, st_strvec *names)
{
	size_t i, len;
	int rc;

	for (i = 0; i < names->n; i++) {
		const char *f = names->v[i];
		size_t nd = count_digits(f);
		char *text = NULL;
		imig *m;
		if (!nd || f[nd] != '_' || !(ends_with(f, ".sql") || ends_with(f, ".go"))) {
			if (issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
				  "not a goose migration file (VERSION_name.sql)"))
				return STRATA_ENOMEM;
			continue;
		}
		if (ends_with(f, ".go")) {
			if (issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
				  "a Go migration (program code): not importable; the revisions "
				  "around it follow each other without it"))
				return STRATA_ENOMEM;
			continue;
		}
		if (!(m = new_mig(c)))
			return oom(c);
		m->digits = strndup(f, nd);
		m->id = make_id(m->digits ? m->digits : "");
		m->name = clean_line(f + nd + 1, strlen(f) - nd - 5);
		m->up.src = strdup(f);
		m->down.src = strdup(f);
		if (!m->digits || !m->id || !m->name || !m->up.src || !m->down.src)
			return oom(c);
		{
			size_t k = 0;
			while (m->digits[k] == '0' && m->digits[k + 1])
				k++;
			if (!(m->version = strdup(m->digits + k)))
				return oom(c);
		}
		if (find_version(c, m->digits) != m)
			return bad_file(c, f, 0, "a second file for the same version (goose refuses "
						 "duplicates)");
		if ((rc = read_rel(c, f, &text, &len)))
			return rc;
		rc = goose_file(c, m, f, text, len);
		free(text);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- Diesel: one folder per migration, up.sql, down.sql, metadata.toml ---------------------- */

static int diesel_no_transaction(ictx *c, const char *rel)
{
	char *text = NULL, *line, *save = NULL;
	size_t len;
	int notx = 0;

	if (read_rel(c, rel, &text, &len)) {
		st_err_clear(&c->s->err);
		return 0;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t = st_trim(line), *eq;
		if (!st_starts_with(t, "run_in_transaction") || !(eq = strchr(t, '=')))
			continue;
		eq = st_trim(eq + 1);
		notx = strncmp(eq, "false", 5) == 0;
	}
	free(text);
	return notx;
}

static int load_diesel(ictx *c, st_strvec *names)
{
	size_t i;
	int rc;

	for (i = 0; i < names->n; i++) {
		const char *d = names->v[i];
		char *full = st_path_join(c->dir, d), *up = NULL, *down = NULL, *meta = NULL;
		char *text = NULL, *v;
		size_t vl = strcspn(d, "_"), len, k, j;
		imig *m;
		int is_mig;
		if (!full)
			return oom(c);
		up = st_path_join(d, "up.sql");
		down = st_path_join(d, "down.sql");
		meta = st_path_join(d, "metadata.toml");
		if (!up || !down || !meta) {
			free(full);
			free(up);
			free(down);
			free(meta);
			return oom(c);
		}
		{
			char *p = st_path_join(c->dir, up);
			is_mig = st_is_dir(full) && p && st_path_exists(p);
			free(p);
		}
		free(full);
		if (!is_mig) {
			free(up);
			free(down);
			free(meta);
			if (issue(c, STRATA_IMPORT_SKIPPED, d, 0, NULL,
				  "not a Diesel migration (a folder holding up.sql)"))
				return STRATA_ENOMEM;
			continue;
		}
		if (!(m = new_mig(c)) || !(v = malloc(vl + 1))) {
			free(up);
			free(down);
			free(meta);
			return oom(c);
		}
		/* Diesel's version: the name up to the first '_', without its dashes. */
		for (k = j = 0; k < vl; k++)
			if (d[k] != '-')
				v[j++] = d[k];
		v[j] = '\0';
		m->version = v;
		m->digits = strdup(v);
		m->id = make_id(v);
		m->name = clean_line(d[vl] ? d + vl + 1 : d, strlen(d[vl] ? d + vl + 1 : d));
		m->up.src = up;
		m->down.src = down;
		if (!m->digits || !m->id || !m->name) {
			free(meta);
			return oom(c);
		}
		if (find_version(c, m->digits) != m) {
			free(meta);
			return bad_file(c, up, 0, "a second migration with the same version");
		}
		m->up.mode = m->down.mode = diesel_no_transaction(c, meta) ? TX_NEVER : TX_ALWAYS;
		free(meta);
		if ((rc = read_rel(c, up, &text, &len)))
			return rc;
		if (!len && issue(c, STRATA_IMPORT_WARNING, up, 0, m->id,
				  "up.sql is empty: Diesel refuses to run it ('empty migration'); "
				  "strata runs it as a no-op"))
			rc = STRATA_ENOMEM;
		if (!rc)
			rc = sec_text(c, &m->up, text, len);
		free(text);
		text = NULL;
		if (rc)
			return rc;
		{
			char *p = st_path_join(c->dir, down);
			int exists = p && st_path_exists(p);
			free(p);
			if (!exists) {
				if (!(m->no_down = strdup("the migration has no down.sql (Diesel refuses to "
							  "revert it)")))
					return oom(c);
				continue;
			}
		}
		if ((rc = read_rel(c, down, &text, &len)))
			return rc;
		if (!len) {
			free(text);
			if (!(m->no_down = strdup("down.sql is empty: Diesel refuses to revert it "
						  "('empty migration')")))
				return oom(c);
			continue;
		}
		rc = sec_text(c, &m->down, text, len);
		free(text);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- Flyway: V<version>__<description>.sql, U... undo, R__ repeatable ----------------------- */

/* Split a Flyway file name: kind 'V', 'U', 'R' or 0 when it is not a migration. */
static int flyway_name(const char *path, char **version, char **desc)
{
	const char *f = strrchr(path, '/'), *sep;
	size_t i;
	char kind;

	f = f ? f + 1 : path;
	*version = *desc = NULL;
	if (!ends_with(f, ".sql") || !(f[0] == 'V' || f[0] == 'U' || f[0] == 'R'))
		return 0;
	kind = f[0];
	sep = strstr(f + 1, "__");
	if (!sep)
		return 0;
	for (i = 1; f + i < sep; i++)
		if (!isdigit((unsigned char)f[i]) && f[i] != '.' && f[i] != '_')
			return 0;
	if ((kind == 'R') != (sep == f + 1))
		return 0;
	*version = strndup(f + 1, (size_t)(sep - f - 1));
	*desc = strndup(sep + 2, strlen(sep + 2) - 4);
	if (!*version || !*desc) {
		free(*version);
		free(*desc);
		*version = *desc = NULL;
		return -1;
	}
	for (i = 0; (*version)[i]; i++)
		if ((*version)[i] == '_')
			(*version)[i] = '.';
	for (i = 0; (*desc)[i]; i++)
		if ((*desc)[i] == '_')
			(*desc)[i] = ' ';
	return kind;
}

static int flyway_conf_no_transaction(ictx *c, const char *rel)
{
	char *conf = malloc(strlen(rel) + 6), *text = NULL, *p;
	size_t len;
	int notx = 0;

	if (!conf)
		return 0;
	sprintf(conf, "%s.conf", rel);
	{
		char *full = st_path_join(c->dir, conf);
		int exists = full && st_path_exists(full);
		free(full);
		if (!exists || read_rel(c, conf, &text, &len)) {
			st_err_clear(&c->s->err);
			free(conf);
			return 0;
		}
	}
	for (p = strstr(text, "executeInTransaction"); p; p = strstr(p + 1, "executeInTransaction")) {
		char *q = p + 20;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=') {
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			notx = strncmp(q, "false", 5) == 0;
		}
	}
	free(text);
	free(conf);
	return notx;
}

static int load_flyway(ictx *c, st_strvec *names)
{
	size_t i, len;
	int pass, rc;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < names->n; i++) {
			const char *f = names->v[i];
			char *version = NULL, *desc = NULL, *text = NULL;
			int kind = flyway_name(f, &version, &desc);
			imig *m;
			isec *x;
			if (kind < 0)
				return oom(c);
			if (kind == 0) {
				if (pass == 0 && !ends_with(f, ".sql.conf") &&
				    issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
					  ends_with(f, ".sql")
						  ? "not a versioned Flyway migration (V<version>__<name>.sql): "
						    "a callback or another script, not imported"
						  : "not a Flyway migration file"))
					return STRATA_ENOMEM;
				continue;
			}
			if (kind == 'R') {
				free(version);
				free(desc);
				if (pass == 0 &&
				    issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
					  "a repeatable migration (R__): Flyway runs it again whenever it "
					  "changes, after the versioned ones; strata has no such thing, so "
					  "it is not imported (make its SQL a revision when it changes)"))
					return STRATA_ENOMEM;
				continue;
			}
			if ((kind == 'V') != (pass == 0)) {
				free(version);
				free(desc);
				continue;
			}
			m = find_version(c, version);
			if (kind == 'V' && m) {
				free(version);
				free(desc);
				return bad_file(c, f, 0, "a second migration with the same version "
							 "(Flyway refuses duplicates)");
			}
			if (kind == 'U' && (!m || m->down.present)) {
				free(version);
				free(desc);
				if (issue(c, STRATA_IMPORT_SKIPPED, f, 0, NULL,
					  m ? "a second undo migration for the same version"
					    : "an undo migration without its versioned migration"))
					return STRATA_ENOMEM;
				continue;
			}
			if (kind == 'V') {
				if (!(m = new_mig(c))) {
					free(version);
					free(desc);
					return oom(c);
				}
				m->version = version;
				m->digits = strdup(version);
				m->name = desc;
				{
					char *v2 = strdup(version), *p;
					if (v2)
						for (p = v2; *p; p++)
							if (*p == '.')
								*p = '_';
					m->id = v2 ? make_id(v2) : NULL;
					free(v2);
				}
				if (!m->digits || !m->id)
					return oom(c);
				x = &m->up;
			} else {
				free(version);
				free(desc);
				x = &m->down;
			}
			if (!(x->src = strdup(f)))
				return oom(c);
			x->mode = flyway_conf_no_transaction(c, f) ? TX_NEVER : TX_AUTO;
			if ((rc = read_rel(c, f, &text, &len)))
				return rc;
			if (strstr(text, "${") &&
			    issue(c, STRATA_IMPORT_WARNING, f, 0, m->id,
				  "Flyway replaces ${placeholders} in this file; strata runs the text "
				  "as written"))
				rc = STRATA_ENOMEM;
			if (!rc)
				rc = sec_text(c, x, text, len);
			free(text);
			if (rc)
				return rc;
		}
	for (i = 0; i < c->n; i++)
		if (!c->m[i].down.present &&
		    !(c->m[i].no_down = strdup("the source has no undo migration (U...) for it")))
			return oom(c);
	return 0;
}

/* ---- statements: where they are, and what the engine allows in a transaction ---------------- */

typedef struct stmts {
	size_t *starts, *lens, n;
} stmts;

static void stmts_free(stmts *st)
{
	free(st->starts);
	free(st->lens);
	memset(st, 0, sizeof(*st));
}

/* Skip blanks and comments. */
static size_t skip_blank(const char *t, size_t i, size_t end)
{
	for (;;) {
		while (i < end && isspace((unsigned char)t[i]))
			i++;
		if (i + 1 < end && t[i] == '-' && t[i + 1] == '-') {
			while (i < end && t[i] != '\n')
				i++;
		} else if (i + 1 < end && t[i] == '/' && t[i + 1] == '*') {
			const char *e = memmem(t + i + 2, end - i - 2, "*/", 2);
			i = e ? (size_t)(e - t) + 2 : end;
		} else {
			return i;
		}
	}
}

static int stmt_push(stmts *st, size_t start, size_t len)
{
	size_t *a = realloc(st->starts, (st->n + 1) * sizeof(size_t));
	size_t *b;

	if (!a)
		return -1;
	st->starts = a;
	b = realloc(st->lens, (st->n + 1) * sizeof(size_t));
	if (!b)
		return -1;
	st->lens = b;
	st->starts[st->n] = start;
	st->lens[st->n++] = len;
	return 0;
}

/* SQLite: split where sqlite3_complete says a statement ends (as the SQLite driver does). */
static int split_sqlite(const char *t, size_t len, stmts *st)
{
	st_buf cand = ST_BUF_INIT;
	size_t start = 0, i;
	int rc = 0;

	for (i = 0; i <= len && !rc; i++) {
		size_t s0, e;
		if (i < len && t[i] != ';')
			continue;
		if (i < len) {
			st_buf_truncate(&cand, 0);
			st_buf_add(&cand, t + start, i + 1 - start);
			if (st_buf_oom(&cand)) {
				rc = -1;
				break;
			}
			if (!sqlite3_complete(st_buf_str(&cand)))
				continue;
		}
		s0 = skip_blank(t, start, i);
		e = i;
		while (e > s0 && isspace((unsigned char)t[e - 1]))
			e--;
		if (e > s0 && stmt_push(st, s0, e - s0))
			rc = -1;
		start = i + 1;
	}
	st_buf_free(&cand);
	return rc;
}

static void first_words(const char *p, const char *end, char w[2][16])
{
	int k;

	for (k = 0; k < 2; k++) {
		size_t n = 0;
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (p < end && isalpha((unsigned char)*p) && n + 1 < 16)
			w[k][n++] = (char)toupper((unsigned char)*p++);
		w[k][n] = '\0';
	}
}

enum { K_NO_TXN = 1, K_ENDS = 2 };

static int classify(ictx *c, const char *t, size_t off, size_t n)
{
	char w[2][16];

	first_words(t + off, t + off + n, w);
#ifdef STRATA_WITH_PG
	if (c->pg) {
		char *one = strndup(t + off, n);
		int fl, k = 0;
		if (!one)
			return -1;
		fl = st_pg_classify(one);
		free(one);
		if (fl & ST_PG_NO_TRANSACTION)
			k |= K_NO_TXN;
		if (fl & ST_PG_ENDS_TRANSACTION)
			k |= K_ENDS;
		return k;
	}
#endif
	if (strcmp(w[0], "VACUUM") == 0)
		return K_NO_TXN;
	if (strcmp(w[0], "BEGIN") == 0 || strcmp(w[0], "COMMIT") == 0 || strcmp(w[0], "END") == 0 ||
	    (strcmp(w[0], "ROLLBACK") == 0 && strcmp(w[1], "TO") != 0))
		return K_ENDS;
	return 0;
}

static int split_section(ictx *c, const char *t, size_t len, stmts *st, char **msg)
{
	*msg = NULL;
#ifdef STRATA_WITH_PG
	if (c->pg) {
		int rc = st_pg_split(t, len, &st->starts, &st->lens, &st->n, msg);
		return rc == STRATA_ENOMEM ? -1 : rc ? 1 : 0;
	}
#endif
	(void)c;
	return split_sqlite(t, len, st);
}

/* One statement, shortened for a message: its first line, at most about 60 bytes. */
static void short_stmt(char *out, size_t size, const char *t, size_t n)
{
	size_t w = strcspn(t, "\n"), i;
	int cut;

	if (w > n)
		w = n;
	cut = w < n || w > 60;
	if (w > 60)
		w = 60;
	if (w + 4 > size)
		w = size - 4;
	for (i = 0; i < w; i++)
		out[i] = t[i] == '\t' ? ' ' : t[i];
	strcpy(out + w, cut ? "..." : "");
}

/* Decide whether a section runs in a transaction, as the tool ran it, and make it runnable in
 * strata's: BEGIN/COMMIT inside a transactional section are commented out. */
static int analyse(ictx *c, imig *m, isec *x)
{
	const char *t = st_buf_str(&x->text), *tool = fmt_names[c->f];
	size_t len = x->text.len, i, first_notx = (size_t)-1;
	stmts st = { 0 };
	char *msg = NULL, ex[96];
	int *kinds = NULL, rc = 0, n_notx = 0, n_ends = 0;

	x->transactional = x->mode != TX_NEVER;
	rc = split_section(c, t, len, &st, &msg);
	if (rc < 0)
		return oom(c);
	if (rc > 0) {
		rc = issue(c, STRATA_IMPORT_WARNING, x->src, 0, m->id,
			   "cannot split this file into statements (%s): its transaction handling was "
			   "not checked", msg ? msg : "?");
		free(msg);
		return rc;
	}
	if (st.n && !(kinds = calloc(st.n, sizeof(int)))) {
		stmts_free(&st);
		return oom(c);
	}
	for (i = 0; i < st.n; i++) {
		if ((kinds[i] = classify(c, t, st.starts[i], st.lens[i])) < 0) {
			rc = oom(c);
			goto out;
		}
		if (kinds[i] & K_NO_TXN) {
			if (!n_notx)
				first_notx = i;
			n_notx++;
		}
		if (kinds[i] & K_ENDS)
			n_ends++;
	}
	if (n_notx) {
		short_stmt(ex, sizeof(ex), t + st.starts[first_notx], st.lens[first_notx]);
		if (x->mode == TX_AUTO) {
			x->transactional = 0;
			rc = issue(c, STRATA_IMPORT_NOTE, x->src, src_line_at(x, st.starts[first_notx]),
				   m->id, "marked transaction:false: '%s' cannot run inside a transaction, "
				   "and %s ran this file without one", ex, tool);
			if (!rc && st.n > 1 && c->f == F_GOLANG_MIGRATE)
				rc = issue(c, STRATA_IMPORT_WARNING, x->src,
					   src_line_at(x, st.starts[first_notx]), m->id,
					   "golang-migrate sends a file as one query, which PostgreSQL runs "
					   "as one transaction, so this file of %zu statements failed "
					   "there; strata runs them one at a time", st.n);
			if (!rc && st.n > (size_t)n_notx && c->f == F_FLYWAY)
				rc = issue(c, STRATA_IMPORT_WARNING, x->src,
					   src_line_at(x, st.starts[first_notx]), m->id,
					   "Flyway refuses a migration that mixes statements that need a "
					   "transaction with ones that cannot run in one (unless "
					   "mixed=true); strata runs them all without one");
		} else if (x->mode == TX_ALWAYS) {
			rc = issue(c, STRATA_IMPORT_WARNING, x->src, src_line_at(x, st.starts[first_notx]),
				   m->id, "'%s' cannot run inside a transaction, and %s runs this "
				   "section in one, so it fails there too; strata refuses it before "
				   "running anything (mark the section transaction:false if it should "
				   "run outside one)", ex, tool);
		}
		if (rc)
			goto out;
	}
	if (x->transactional && n_ends) {
		/* Rebuild the text with BEGIN/COMMIT commented out. */
		st_buf nb = ST_BUF_INIT;
		size_t pos = 0;
		for (i = 0; i < st.n; i++) {
			size_t s0 = st.starts[i], e = s0 + st.lens[i], j = e;
			char w[2][16];
			if (!(kinds[i] & K_ENDS))
				continue;
			short_stmt(ex, sizeof(ex), t + s0, st.lens[i]);
			first_words(t + s0, t + e, w);
			while (j < len && (t[j] == ' ' || t[j] == '\t'))
				j++;
			if (j < len && t[j] == ';')
				e = j + 1;
			if (!(strcmp(w[0], "BEGIN") == 0 || strcmp(w[0], "START") == 0 ||
			      strcmp(w[0], "COMMIT") == 0 || strcmp(w[0], "END") == 0) ||
			    memmem(t + s0, e - s0, "/*", 2) || memmem(t + s0, e - s0, "*/", 2)) {
				rc = issue(c, STRATA_IMPORT_WARNING, x->src, src_line_at(x, s0), m->id,
					   "'%s' would end the transaction strata runs this migration in; "
					   "strata refuses the section until it is removed", ex);
				if (rc)
					break;
				continue;
			}
			st_buf_add(&nb, t + pos, s0 - pos);
			st_buf_puts(&nb, "/* ");
			st_buf_add(&nb, t + s0, e - s0);
			st_buf_puts(&nb, " (strata import) */");
			pos = e;
			rc = issue(c, STRATA_IMPORT_NOTE, x->src, src_line_at(x, s0), m->id,
				   "'%s' commented out: the whole section runs in the transaction strata "
				   "commits with the version row%s", ex,
				   c->f == F_GOLANG_MIGRATE && c->pg
					   ? " (golang-migrate sent the file as one query, which "
					     "PostgreSQL also runs as one transaction)"
					   : "");
			if (rc)
				break;
		}
		if (!rc && pos) {
			st_buf_add(&nb, t + pos, len - pos);
			if (st_buf_oom(&nb)) {
				rc = oom(c);
			} else {
				st_buf_free(&x->text);
				x->text = nb;
				nb.data = NULL;
			}
		}
		st_buf_free(&nb);
	}
	/* The runner's own check, as it will run before the first migration. */
	if (!rc && c->s->drv && c->s->drv->check_script) {
		st_err e = { 0 };
		st_srcpos pos = { x->src, 1 };
		if (c->s->drv->check_script(&e, st_buf_str(&x->text), x->text.len, &pos,
					    x->transactional) &&
		    e.code != STRATA_ENOMEM && n_notx == 0 && n_ends == 0)
			rc = issue(c, STRATA_IMPORT_WARNING, x->src, 0, m->id,
				   "strata will refuse this section before running it: %s",
				   e.message ? e.message : "?");
		else if (e.code == STRATA_ENOMEM)
			rc = oom(c);
		st_err_clear(&e);
	}
out:
	free(kinds);
	stmts_free(&st);
	return rc;
}

/* ---- writing -------------------------------------------------------------------------------- */

static int render(ictx *c, imig *m, const char *parent, st_buf *b)
{
	st_buf_printf(b, "-- revision: %s\n", m->id);
	if (parent)
		st_buf_printf(b, "-- down_revision: %s\n", parent);
	st_buf_printf(b, "-- message: %s\n", m->name);
	st_buf_printf(b, IMPORT_MARK "%s version %s: %s", fmt_names[c->f], m->version, m->up.src);
	if (m->down.present && m->down.src && strcmp(m->down.src, m->up.src) != 0)
		st_buf_printf(b, ", %s", m->down.src);
	st_buf_putc(b, '\n');
	if (m->no_down)
		st_buf_printf(b, "-- No down section: %s.\n", m->no_down);
	st_buf_printf(b, "\n-- migrate:up%s\n", m->up.transactional ? "" : " transaction:false");
	st_buf_add(b, st_buf_str(&m->up.text), m->up.text.len);
	if (m->down.present) {
		st_buf_printf(b, "\n-- migrate:down%s\n",
			      m->down.transactional ? "" : " transaction:false");
		st_buf_add(b, st_buf_str(&m->down.text), m->down.text.len);
	}
	return st_buf_oom(b) ? oom(c) : 0;
}

static int fill_report(ictx *c, int dry_run)
{
	strata_import_report *r = c->rep;
	st_arena *a = &r->a;
	size_t i;

	if (!(r->migs = calloc(c->n ? c->n : 1, sizeof(*r->migs))))
		return oom(c);
	for (i = 0; i < c->n; i++) {
		imig *m = &c->m[i];
		strata_import_migration *o = &r->migs[r->n++];
		o->revision = st_arena_strdup(a, m->id);
		o->version = st_arena_strdup(a, m->version);
		o->name = st_arena_strdup(a, m->name);
		o->source_up = st_arena_strdup(a, m->up.src);
		o->source_down = m->down.present ? st_arena_strdup(a, m->down.src) : NULL;
		o->path = m->path && !m->existed && !dry_run ? st_arena_strdup(a, m->path) : NULL;
		o->up_transactional = m->up.transactional;
		o->down_transactional = m->down.present ? m->down.transactional : 1;
		o->has_down = m->down.present;
		o->existed = m->existed;
		if (!o->revision || !o->version || !o->name || !o->source_up ||
		    (m->down.present && !o->source_down) || (m->path && !m->existed && !dry_run && !o->path))
			return oom(c);
	}
	return 0;
}

static int parse_format(const char *name, fmt *out)
{
	int i;

	for (i = 0; i < F_N; i++)
		if (st_strieq(name, fmt_names[i])) {
			*out = (fmt)i;
			return 0;
		}
	if (st_strieq(name, "migrate") || st_strieq(name, "golang_migrate")) {
		*out = F_GOLANG_MIGRATE;
		return 0;
	}
	return -1;
}

/* Guess the format from the folder's entries. */
static int detect(ictx *c, fmt *out)
{
	st_strvec names = { 0 };
	size_t i, score[F_N] = { 0 };
	int rc, best = -1, tie = 0, k;

	if ((rc = list_dir(c, c->dir, "", &names, 0)))
		return rc;
	for (i = 0; i < names.n; i++) {
		const char *f = names.v[i];
		char *full = st_path_join(c->dir, f), *upf = full ? st_path_join(full, "up.sql") : NULL;
		size_t nd = count_digits(f);
		if (!full || !upf) {
			free(full);
			free(upf);
			st_strvec_free(&names);
			return oom(c);
		}
		if (st_is_dir(full)) {
			if (st_path_exists(upf))
				score[F_DIESEL]++;
		} else if (nd && f[nd] == '_' &&
			   (ends_with(f, ".up.sql") || ends_with(f, ".down.sql"))) {
			score[F_GOLANG_MIGRATE]++;
		} else if ((f[0] == 'V' || f[0] == 'U' || f[0] == 'R') && strstr(f, "__") &&
			   ends_with(f, ".sql")) {
			score[F_FLYWAY]++;
		} else if (nd && ends_with(f, ".sql")) {
			char *text = NULL;
			size_t len;
			if (st_read_file(&c->s->err, full, &text, &len) == 0) {
				size_t off = 0;
				while (off < len) {
					size_t e = off, o2;
					while (e < len && text[e] != '\n')
						e++;
					k = goose_annotation(text + off, e - off);
					if (k == G_UP) {
						score[F_GOOSE]++;
						break;
					}
					if (dbmate_marker(text + off, e - off, &o2)) {
						score[F_DBMATE]++;
						break;
					}
					off = e + 1;
				}
			}
			st_err_clear(&c->s->err);
			free(text);
		} else if (nd && ends_with(f, ".go")) {
			score[F_GOOSE]++;
		}
		free(full);
		free(upf);
	}
	st_strvec_free(&names);
	for (k = 0; k < F_N; k++) {
		if (!score[k])
			continue;
		if (best < 0 || score[k] > score[best]) {
			best = k;
			tie = 0;
		} else if (score[k] == score[best]) {
			tie = 1;
		}
	}
	if (best < 0 || tie) {
		st_fail(c->s, STRATA_EUSAGE, best < 0 ? "cannot tell which tool's migrations %s holds"
						      : "%s holds migrations of more than one tool",
			c->dir);
		st_err_hint(&c->s->err, "say which with --from golang-migrate|dbmate|goose|diesel|"
					"flyway");
		return STRATA_EUSAGE;
	}
	*out = (fmt)best;
	return 0;
}

static int reload(strata *s)
{
	st_graph_free(&s->graph);
	free(s->applied);
	s->applied = NULL;
	s->state_valid = 0;
	return st_load_scripts(s, NULL, 0);
}

STRATA_API int strata_import(strata *s, strata_import_report **out, const char *dir,
			     const char *format, int flags)
{
	ictx c;
	st_strvec names = { 0 };
	st_buf body = ST_BUF_INIT;
	size_t i, written = 0, n_before;
	const char *parent = NULL;
	int rc;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (!s->versions_dir)
		return st_fail(s, STRATA_EUSAGE, "this project's scripts are embedded: there is no "
						 "folder to import into");
	if (!dir || !*dir)
		return st_fail(s, STRATA_EUSAGE, "no folder to import from");
	if (!st_is_dir(dir)) {
		st_fail(s, STRATA_EIO, "%s is not a folder", dir);
		st_err_hint(&s->err, "give the folder that holds the other tool's migrations");
		return STRATA_EIO;
	}
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.dir = dir;
	c.pg = s->drv ? strcmp(s->drv->name, "postgresql") == 0 : 0;
#ifdef STRATA_WITH_PG
	if (!s->drv)
		c.pg = 1; /* the URL is not known yet: PostgreSQL's rules are the stricter ones */
#endif
	if (!(c.rep = calloc(1, sizeof(*c.rep))))
		return st_err_oom(&s->err);
	if (format && *format) {
		if (parse_format(format, &c.f)) {
			rc = st_fail(s, STRATA_EUSAGE, "unknown format '%s': use golang-migrate, dbmate, "
						       "goose, diesel or flyway", format);
			goto out;
		}
	} else if ((rc = detect(&c, &c.f))) {
		goto out;
	}
	c.rep->format = fmt_names[c.f];
	if ((rc = list_dir(&c, dir, "", &names, c.f == F_FLYWAY)))
		goto out;
	switch (c.f) {
	case F_GOLANG_MIGRATE: rc = load_golang_migrate(&c, &names); break;
	case F_DBMATE: rc = load_dbmate(&c, &names); break;
	case F_GOOSE: rc = load_goose(&c, &names); break;
	case F_DIESEL: rc = load_diesel(&c, &names); break;
	default: rc = load_flyway(&c, &names); break;
	}
	if (rc)
		goto out;
	if (!c.n) {
		rc = st_fail(s, STRATA_EUSAGE, "%s holds no %s migration", dir, fmt_names[c.f]);
		goto out;
	}
	qsort_r(c.m, c.n, sizeof(imig), cmp_mig, &c.f);

	/* Ids, sections, files: everything is checked before anything is written. */
	n_before = s->graph.n;
	for (i = 0; i < c.n && !rc; i++) {
		imig *m = &c.m[i];
		char slug[41], *name;
		size_t j;
		for (j = 0; j < i; j++)
			if (strcmp(c.m[j].id, m->id) == 0) {
				rc = bad_file(&c, m->up.src, 0, "its revision id collides with another "
								 "migration's (versions that differ only "
								 "in characters ids cannot hold)");
				break;
			}
		if (rc)
			break;
		if (strcmp(m->id, m->digits) != 0 && c.f != F_FLYWAY &&
		    (rc = issue(&c, STRATA_IMPORT_NOTE, m->up.src, 0, m->id,
				"version %s became revision id %s", m->version, m->id)))
			break;
		if (!m->up.present)
			m->up.present = 1; /* an empty up section */
		if ((rc = analyse(&c, m, &m->up)) || (m->down.present && (rc = analyse(&c, m, &m->down))))
			break;
		if (m->no_down &&
		    (rc = issue(&c, STRATA_IMPORT_WARNING, m->up.src, 0, m->id,
				"no down section: %s; strata refuses to downgrade past it", m->no_down)))
			break;
		st_slugify(slug, sizeof(slug), m->name);
		name = malloc(strlen(m->id) + strlen(slug) + 6);
		if (!name) {
			rc = oom(&c);
			break;
		}
		sprintf(name, "%s%s%s.sql", m->id, *slug ? "_" : "", slug);
		m->path = st_path_join(s->versions_dir, name);
		free(name);
		if (!m->path) {
			rc = oom(&c);
			break;
		}
		if (st_graph_get(&s->graph, m->id)) {
			m->existed = 1;
		} else if (st_path_exists(m->path)) {
			rc = st_fail(s, STRATA_EIO, "%s already exists", m->path);
		} else {
			/* Parse what will be written, as strata will read it. */
			st_arena a = { 0 };
			st_rev r;
			st_buf_truncate(&body, 0);
			if ((rc = render(&c, m, parent, &body)) == 0)
				rc = st_script_parse(&s->err, &a, &r, m->path, st_buf_str(&body), body.len);
			st_arena_free(&a);
			if (rc)
				st_err_prefix(&s->err, "strata import produced an unreadable file: ");
		}
		parent = m->id;
	}
	if (!rc && !(flags & STRATA_IMPORT_DRY_RUN)) {
		parent = NULL;
		for (i = 0; i < c.n && !rc; i++) {
			imig *m = &c.m[i];
			if (!m->existed) {
				st_buf_truncate(&body, 0);
				if ((rc = render(&c, m, parent, &body)) == 0 &&
				    (rc = st_write_new_file(&s->err, m->path, body.data, body.len)) == 0)
					written++;
			}
			parent = m->id;
		}
		if (rc && written)
			st_err_hint(&s->err, "%zu revision files were written before this; importing "
					     "again keeps them and adds the rest", written);
		if (!rc && written && (rc = reload(s)) != 0)
			st_err_prefix(&s->err, "the imported revisions do not load: ");
		if (!rc && n_before && s->graph.n_heads > 1)
			rc = issue(&c, STRATA_IMPORT_WARNING, NULL, 0, NULL,
				   "the project already had revisions of its own: the graph now has "
				   "%zu heads (join them with `strata merge heads`)", s->graph.n_heads);
	}
	if (!rc) {
		/* Revisions the project already had were imported before: their issues were
		 * reported then. */
		size_t k = 0;
		for (i = 0; i < c.rep->n_iss; i++) {
			imig *m = NULL;
			size_t j;
			for (j = 0; j < c.n && c.rep->iss[i].revision && !m; j++)
				if (c.m[j].existed && strcmp(c.m[j].id, c.rep->iss[i].revision) == 0)
					m = &c.m[j];
			if (!m || !m->existed)
				c.rep->iss[k++] = c.rep->iss[i];
		}
		c.rep->n_iss = k;
		rc = fill_report(&c, flags & STRATA_IMPORT_DRY_RUN);
	}
out:
	st_buf_free(&body);
	st_strvec_free(&names);
	for (i = 0; i < c.n; i++)
		mig_free(&c.m[i]);
	free(c.m);
	if (rc) {
		strata_import_report_free(c.rep);
		return rc;
	}
	*out = c.rep;
	return 0;
}

/* ---- adopt: stamp from the other tool's table ----------------------------------------------- */

static int truthy(const char *v)
{
	return st_strieq(v, "t") || st_strieq(v, "true") || strcmp(v, "1") == 0;
}

/* The tool and version an imported revision came from (from its header comment): 1, or 0
 * when it has none, or -1 when its file cannot be read (s's error set). */
static int rev_source(strata *s, const st_rev *r, char *tool, size_t tsize, char *ver,
		      size_t vsize)
{
	const char *p, *end;
	size_t ml = strlen(IMPORT_MARK);

	if (st_rev_load_body(s, r))
		return -1;
	p = r->text;
	end = r->text + r->text_len;

	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		if ((size_t)(e - p) > ml && strncmp(p, IMPORT_MARK, ml) == 0) {
			const char *t = p + ml, *v = strstr(t, " version "), *colon;
			if (!v || v > e)
				return 0;
			colon = strstr(v + 9, ": ");
			if (!colon || colon > e)
				colon = e;
			snprintf(tool, tsize, "%.*s", (int)(v - t), t);
			snprintf(ver, vsize, "%.*s", (int)(colon - v - 9), v + 9);
			return 1;
		}
		if (strncmp(p, "-- migrate:", 11) == 0)
			break;
		p = e + 1;
	}
	return 0;
}

static int table_exists(strata *s, const char *schema, const char *table, int *exists)
{
	return s->conn_drv->table_exists(&s->err, s->conn, schema, table, exists);
}

static void put_table(st_buf *b, const char *schema, const char *table)
{
	if (schema) {
		st_buf_put_ident(b, schema);
		st_buf_putc(b, '.');
	}
	st_buf_put_ident(b, table);
}

static const char *default_table(fmt f)
{
	switch (f) {
	case F_GOOSE: return "goose_db_version";
	case F_DIESEL: return "__diesel_schema_migrations";
	case F_FLYWAY: return "flyway_schema_history";
	default: return "schema_migrations";
	}
}

/* Whether schema_migrations has golang-migrate's dirty column (else it is dbmate's). */
static int has_dirty_column(strata *s, const char *schema, const char *table, int *yes)
{
	st_buf b = ST_BUF_INIT;
	st_strvec out = { 0 };
	int rc;

	if (strcmp(s->drv->name, "postgresql") == 0) {
		st_buf_puts(&b, "SELECT count(*) FROM information_schema.columns WHERE column_name = "
				"'dirty' AND table_name = ");
		st_buf_put_literal(&b, table);
		st_buf_puts(&b, " AND table_schema = ");
		if (schema)
			st_buf_put_literal(&b, schema);
		else
			st_buf_puts(&b, "current_schema()");
	} else {
		st_buf_puts(&b, "SELECT count(*) FROM pragma_table_info(");
		st_buf_put_literal(&b, table);
		st_buf_puts(&b, ") WHERE name = 'dirty'");
	}
	if (st_buf_oom(&b))
		return st_err_oom(&s->err);
	rc = s->conn_drv->query_column(&s->err, s->conn, st_buf_str(&b), &out);
	*yes = !rc && out.n && strcmp(out.v[0], "0") != 0;
	st_buf_free(&b);
	st_strvec_free(&out);
	return rc;
}

static int query(strata *s, st_buf *b, int ncols, st_strvec *out)
{
	int rc;

	if (st_buf_oom(b)) {
		st_buf_free(b);
		return st_err_oom(&s->err);
	}
	rc = s->conn_drv->query(&s->err, s->conn, st_buf_str(b), ncols, out);
	st_buf_free(b);
	return rc;
}

/* The versions the tool's table says are applied, in any order; refuses a dirty state. */
static int tool_versions(strata *s, fmt f, const char *schema, const char *table,
			 st_strvec *applied)
{
	st_buf b = ST_BUF_INIT;
	st_strvec rows = { 0 };
	size_t i, j;
	int rc;

	switch (f) {
	case F_GOLANG_MIGRATE:
		st_buf_puts(&b, "SELECT version, dirty FROM ");
		put_table(&b, schema, table);
		if ((rc = query(s, &b, 2, &rows)))
			break;
		if (rows.n > 2) {
			rc = st_fail(s, STRATA_ETARGET, "golang-migrate's %s has %zu rows; it keeps one",
				     table, rows.n / 2);
			break;
		}
		if (rows.n == 2 && truthy(rows.v[1])) {
			rc = st_fail(s, STRATA_ETARGET, "golang-migrate's %s says version %s is dirty: "
							"a migration failed half-way, so the schema is "
							"not at any version",
				     table, rows.v[0]);
			st_err_hint(&s->err, "repair the database by hand, then `migrate force "
					     "VERSION` (golang-migrate), then adopt");
			break;
		}
		if (rows.n == 2 && strcmp(rows.v[0], "-1") != 0) {
			/* One row: that version and every one before it are applied. */
			st_buf bb = ST_BUF_INIT;
			st_buf_printf(&bb, "baseline:%s", rows.v[0]);
			rc = st_buf_oom(&bb) || st_strvec_push(applied, rows.v[0]) ||
					     st_strvec_push(applied, st_buf_str(&bb))
				     ? st_err_oom(&s->err) : 0;
			st_buf_free(&bb);
		}
		break;
	case F_DBMATE:
	case F_DIESEL:
		st_buf_puts(&b, "SELECT version FROM ");
		put_table(&b, schema, table);
		if ((rc = query(s, &b, 1, &rows)))
			break;
		for (i = 0; i < rows.n && !rc; i++)
			rc = st_strvec_push(applied, rows.v[i]) ? st_err_oom(&s->err) : 0;
		break;
	case F_GOOSE:
		/* The latest row of each version says whether it is applied. */
		st_buf_puts(&b, "SELECT version_id, is_applied FROM ");
		put_table(&b, schema, table);
		st_buf_puts(&b, " ORDER BY id DESC");
		if ((rc = query(s, &b, 2, &rows)))
			break;
		for (i = 0; i < rows.n && !rc; i += 2) {
			int seen = 0;
			if (strcmp(rows.v[i], "0") == 0)
				continue;
			for (j = 0; j < i && !seen; j += 2)
				seen = strcmp(rows.v[j], rows.v[i]) == 0;
			if (!seen && truthy(rows.v[i + 1]))
				rc = st_strvec_push(applied, rows.v[i]) ? st_err_oom(&s->err) : 0;
		}
		break;
	default: /* Flyway */
		st_buf_puts(&b, "SELECT version, type, success FROM ");
		put_table(&b, schema, table);
		st_buf_puts(&b, " ORDER BY installed_rank");
		if ((rc = query(s, &b, 3, &rows)))
			break;
		for (i = 0; i < rows.n && !rc; i += 3) {
			const char *v = rows.v[i], *type = rows.v[i + 1];
			if (!truthy(rows.v[i + 2])) {
				rc = st_fail(s, STRATA_ETARGET, "Flyway's %s records a failed migration "
								"(version %s): the schema is not at any "
								"version",
					     table, *v ? v : "(repeatable)");
				st_err_hint(&s->err, "repair the database, then `flyway repair`, then "
						     "adopt");
				break;
			}
			if (!*v || strcmp(type, "SCHEMA") == 0)
				continue;
			if (st_starts_with(type, "UNDO")) {
				for (j = 0; j < applied->n; j++)
					if (flycmp(applied->v[j], v) == 0) {
						free(applied->v[j]);
						applied->v[j] = applied->v[--applied->n];
						break;
					}
				continue;
			}
			if (strcmp(type, "BASELINE") == 0) {
				/* "baseline:" marks every version up to it as applied. */
				st_buf bb = ST_BUF_INIT;
				st_buf_printf(&bb, "baseline:%s", v);
				rc = st_buf_oom(&bb) || st_strvec_push(applied, st_buf_str(&bb))
					     ? st_err_oom(&s->err) : 0;
				st_buf_free(&bb);
				continue;
			}
			rc = st_strvec_push(applied, v) ? st_err_oom(&s->err) : 0;
		}
		break;
	}
	st_buf_free(&b);
	st_strvec_free(&rows);
	return rc;
}

/* Equal versions for the tool. */
static int same_version(fmt f, const char *a, const char *b)
{
	return vercmp(f, a, b) == 0;
}

static int adopt_from(strata *s, fmt f, const char *schema, const char *table)
{
	st_strvec applied = { 0 }, unknown = { 0 };
	uint8_t *mark = NULL, *need = NULL;
	char **srcver = NULL;
	const char *baseline = NULL;
	st_rev *target = NULL;
	size_t i, j, n = s->graph.n, n_mapped = 0;
	int rc;

	if ((rc = tool_versions(s, f, schema, table, &applied)))
		goto out;
	mark = calloc(n ? n : 1, 1);
	need = calloc(n ? n : 1, 1);
	srcver = calloc(n ? n : 1, sizeof(char *));
	if (!mark || !need || !srcver) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	/* The version each revision stands for: from its import comment, else its id. */
	for (i = 0; i < n; i++) {
		char tool[32], ver[128];
		int src = rev_source(s, s->graph.revs[i], tool, sizeof(tool), ver, sizeof(ver));
		if (src < 0) {
			rc = s->err.code;
			goto out;
		}
		if (src) {
			if (strcmp(tool, fmt_names[f]) != 0)
				continue;
			srcver[i] = strdup(ver);
		} else {
			srcver[i] = strdup(s->graph.revs[i]->id);
		}
		if (!srcver[i]) {
			rc = st_err_oom(&s->err);
			goto out;
		}
	}
	for (i = 0; i < applied.n; i++) {
		const char *v = applied.v[i];
		int found = 0;
		if (st_starts_with(v, "baseline:")) {
			baseline = v + 9;
			continue;
		}
		for (j = 0; j < n; j++)
			if (srcver[j] && same_version(f, srcver[j], v)) {
				mark[j] = 1;
				found = 1;
			}
		if (!found && st_strvec_push(&unknown, v)) {
			rc = st_err_oom(&s->err);
			goto out;
		}
	}
	if (baseline)
		for (j = 0; j < n; j++)
			if (srcver[j] && vercmp(f, srcver[j], baseline) <= 0)
				mark[j] = 1;
	for (j = 0; j < n; j++)
		if (mark[j]) {
			n_mapped++;
			target = s->graph.revs[j]; /* topological order: the last one is the newest */
		}
	if (!applied.n) {
		st_log(s, STRATA_LOG_INFO, "%s's %s records no applied migration: nothing to adopt",
		       fmt_names[f], table);
		goto out;
	}
	if (!target) {
		rc = st_fail(s, STRATA_ETARGET, "none of the %zu versions in %s's %s is a revision of "
						"this project",
			     applied.n, fmt_names[f], table);
		st_err_hint(&s->err, "import the tool's migrations first (`strata import`), or check "
				     "the project and the database");
		goto out;
	}
	/* Everything target needs must be applied: no holes in the history. */
	st_graph_mark_ancestors(&s->graph, need, &target, 1);
	{
		st_buf miss = ST_BUF_INIT;
		size_t n_miss = 0;
		for (j = 0; j < n; j++)
			if (need[j] && !mark[j] && srcver[j]) {
				if (n_miss < 5)
					st_buf_printf(&miss, "%s%s", n_miss ? ", " : "", s->graph.revs[j]->id);
				n_miss++;
			}
		if (n_miss) {
			rc = st_fail(s, STRATA_ETARGET, "%s's %s records %s as applied but not %zu "
							"migration%s before it (%s%s): the database is "
							"half-applied or was migrated out of order",
				     fmt_names[f], table, target->id, n_miss, n_miss == 1 ? "" : "s",
				     st_buf_str(&miss), n_miss > 5 ? ", ..." : "");
			st_err_hint(&s->err, "apply the missing ones with %s first, or stamp by hand "
					     "(`strata stamp REV`) after checking the schema",
				    fmt_names[f]);
			st_buf_free(&miss);
			goto out;
		}
		st_buf_free(&miss);
	}
	/* Versions strata has no revision for: fine when older than the target (migrations the
	 * folder did not have, such as goose's Go migrations); not when newer. */
	{
		const char *tv = srcver[target->idx];
		for (i = 0; i < unknown.n; i++)
			if (vercmp(f, unknown.v[i], tv) > 0) {
				rc = st_fail(s, STRATA_ETARGET, "%s's %s records version %s, newer than the "
								"last imported revision %s",
					     fmt_names[f], table, unknown.v[i], target->id);
				st_err_hint(&s->err, "import the tool's migrations again (`strata "
						     "import` adds the new ones), then adopt");
				goto out;
			}
		if (unknown.n) {
			st_buf l = ST_BUF_INIT;
			for (i = 0; i < unknown.n && i < 10; i++)
				st_buf_printf(&l, "%s%s", i ? ", " : "", unknown.v[i]);
			st_log(s, STRATA_LOG_WARN, "%s's %s also records %zu version%s no revision has "
						   "(%s%s): migrations that were not in the imported folder",
			       fmt_names[f], table, unknown.n, unknown.n == 1 ? "" : "s", st_buf_str(&l),
			       unknown.n > 10 ? ", ..." : "");
			st_buf_free(&l);
		}
	}
	/* strata's own table: adopting twice is fine, over another state is not. */
	s->state_valid = 0;
	if ((rc = st_read_state(s, 0)))
		goto out;
	if (s->rows.n) {
		if (s->rows.n == 1 && strcmp(s->rows.v[0], target->id) == 0) {
			st_log(s, STRATA_LOG_INFO, "strata's version table already says %s",
			       target->id);
			goto out;
		}
		rc = st_fail(s, STRATA_ETARGET, "strata's version table already holds %s%s; %s's "
						"table says %s",
			     s->rows.v[0], s->rows.n > 1 ? " and more" : "", fmt_names[f], target->id);
		st_err_hint(&s->err, "`strata stamp --purge %s` sets it if the other tool is right",
			    target->id);
		goto out;
	}
	st_log(s, STRATA_LOG_INFO, "%s's %s: %zu migration%s applied, the last %s; stamping %s",
	       fmt_names[f], table, n_mapped, n_mapped == 1 ? "" : "s", srcver[target->idx],
	       target->id);
	{
		char *id = strdup(target->id);
		if (!id) {
			rc = st_err_oom(&s->err);
			goto out;
		}
		rc = strata_stamp(s, id, 0);
		free(id);
	}
out:
	if (srcver)
		for (i = 0; i < n; i++)
			free(srcver[i]);
	free(srcver);
	free(mark);
	free(need);
	st_strvec_free(&applied);
	st_strvec_free(&unknown);
	return rc;
}

STRATA_API int strata_adopt(strata *s, const char *tool, const char *table)
{
	fmt f = F_N;
	char *schema = NULL, *name = NULL;
	int rc, exists = 0, locked = 0;

	st_begin_call(s);
	if ((rc = st_need_project(s)))
		return rc;
	if (s->offline)
		return st_fail(s, STRATA_EUSAGE, "adopt reads the database: it has no offline form");
	if (tool && *tool && parse_format(tool, &f))
		return st_fail(s, STRATA_EUSAGE, "unknown tool '%s': use golang-migrate, dbmate, goose, "
						 "diesel or flyway", tool);
	if ((rc = st_connect(s, 0)))
		return rc;
	if (table && *table) {
		const char *dot = strchr(table, '.');
		schema = dot ? strndup(table, (size_t)(dot - table)) : NULL;
		name = strdup(dot ? dot + 1 : table);
		if ((dot && !schema) || !name) {
			rc = st_err_oom(&s->err);
			goto out;
		}
	}
	if (f == F_N) {
		/* Detect: the tool whose table is there. */
		static const fmt order[] = { F_GOLANG_MIGRATE, F_GOOSE, F_DIESEL, F_FLYWAY };
		size_t k, found = 0;
		for (k = 0; k < ST_ARRAY_LEN(order); k++) {
			const char *t = name ? name : default_table(order[k]);
			if ((rc = table_exists(s, schema, t, &exists)))
				goto out;
			if (exists) {
				f = order[k];
				found++;
				if (name)
					break;
			}
		}
		if (!found) {
			rc = st_fail(s, STRATA_ETARGET, "the database has no table of golang-migrate, "
							"dbmate, goose, Diesel or Flyway%s%s",
				     name ? " named " : "", name ? name : "");
			goto out;
		}
		if (found > 1) {
			rc = st_fail(s, STRATA_EUSAGE, "the database has the tables of several tools");
			st_err_hint(&s->err, "say which one: strata adopt --from TOOL");
			goto out;
		}
	}
	if (!name && !(name = strdup(default_table(f)))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	if ((rc = table_exists(s, schema, name, &exists)))
		goto out;
	if (!exists) {
		rc = st_fail(s, STRATA_ETARGET, "the database has no table %s%s%s (%s's)",
			     schema ? schema : "", schema ? "." : "", name, fmt_names[f]);
		st_err_hint(&s->err, "give the table with --table if the tool was set up to use "
				     "another name");
		goto out;
	}
	if (f == F_GOLANG_MIGRATE || f == F_DBMATE) {
		int dirty = 0;
		if ((rc = has_dirty_column(s, schema, name, &dirty)))
			goto out;
		if (!tool || !*tool)
			f = dirty ? F_GOLANG_MIGRATE : F_DBMATE;
	}
	/* The migration lock for the whole adoption (stamp takes it again: it is reentrant on
	 * PostgreSQL, and SQLite's write transaction covers stamp itself). */
	if ((rc = st_lock_run(s, 1)))
		goto out;
	locked = 1;
	rc = adopt_from(s, f, schema, name);
out:
	if (locked)
		st_lock_run(s, 0);
	free(schema);
	free(name);
	return rc;
}
