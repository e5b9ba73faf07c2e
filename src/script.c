/* script.c - the revision file parser; see script.h for the format. */
#include "script.h"

#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int st_valid_rev_id(const char *id)
{
	size_t n = 0;

	for (; id[n]; n++)
		if (!(isalnum((unsigned char)id[n]) || id[n] == '_' || id[n] == '-'))
			return 0;
	return n >= 1 && n <= 64;
}

int st_file_name_matches_id(const char *file_name, const char *id)
{
	size_t fl = strlen(file_name), il = strlen(id);
	const char *p;

	if (fl >= 4 && strcmp(file_name + fl - 4, ".sql") == 0)
		fl -= 4;
	for (p = file_name; p + il <= file_name + fl; p++) {
		if (strncmp(p, id, il) != 0)
			continue;
		if ((p == file_name || p[-1] == '_') &&
		    (p + il == file_name + fl || p[il] == '_'))
			return 1;
	}
	return 0;
}

/* One line of the file, without its line ending. */
typedef struct line {
	const char *s;
	size_t len;
	size_t next; /* offset of the following line */
	int no;
} line;

static int next_line(const char *text, size_t len, size_t *off, line *ln)
{
	size_t i = *off, end;

	if (i >= len)
		return 0;
	{
		const char *nl = memchr(text + i, '\n', len - i);
		end = nl ? (size_t)(nl - text) : len;
	}
	ln->s = text + i;
	ln->len = end - i;
	if (ln->len && ln->s[ln->len - 1] == '\r')
		ln->len--;
	ln->next = end < len ? end + 1 : end;
	ln->no++;
	*off = ln->next;
	return 1;
}

/* "  -- x" -> pointer to "x" (after "--" and spaces), or NULL when not a comment line. */
static const char *comment_body(const line *ln, size_t *blen)
{
	size_t i = 0;

	while (i < ln->len && (ln->s[i] == ' ' || ln->s[i] == '\t'))
		i++;
	if (i + 1 >= ln->len + 1 || ln->len - i < 2 || ln->s[i] != '-' || ln->s[i + 1] != '-')
		return NULL;
	i += 2;
	while (i < ln->len && (ln->s[i] == ' ' || ln->s[i] == '\t'))
		i++;
	*blen = ln->len - i;
	return ln->s + i;
}

static int is_blank(const line *ln)
{
	size_t i;

	for (i = 0; i < ln->len; i++)
		if (!isspace((unsigned char)ln->s[i]))
			return 0;
	return 1;
}

typedef struct parser {
	st_err *err;
	st_arena *a;
	const char *path;
	st_rev *r;
	int seen[6];
} parser;

static int fail(parser *p, int line_no, const char *msg, const char *hint)
{
	st_err_set(p->err, STRATA_ESCRIPT, "%s", msg);
	st_err_at(p->err, p->path, line_no, 0);
	if (hint)
		st_err_hint(p->err, "%s", hint);
	return STRATA_ESCRIPT;
}

/* Split a header list value ("a, b": len bytes, trimmed) into an arena array of strings;
 * "none" and "" are empty.  No heap allocation: the items are copied straight into the arena. */
static int parse_list(parser *p, const char *value, size_t len, const char ***out, size_t *n,
		      int line_no, const char *key, int ids)
{
	size_t k = 0, cnt = 0;
	const char *v, *end = value + len;

	*out = NULL;
	*n = 0;
	if (!len || (len == 4 && strncasecmp(value, "none", 4) == 0))
		return 0;
	for (v = value; v < end;) {
		while (v < end && (*v == ',' || isspace((unsigned char)*v)))
			v++;
		if (v == end)
			break;
		cnt++;
		while (v < end && *v != ',' && !isspace((unsigned char)*v))
			v++;
	}
	if (!cnt)
		return 0;
	*out = st_arena_alloc(p->a, sizeof(char *) * cnt);
	if (!*out)
		return st_err_oom(p->err);
	for (v = value; v < end;) {
		const char *start;
		size_t ilen, j;
		char *item;
		while (v < end && (*v == ',' || isspace((unsigned char)*v)))
			v++;
		if (v == end)
			break;
		start = v;
		while (v < end && *v != ',' && !isspace((unsigned char)*v))
			v++;
		ilen = (size_t)(v - start);
		if (!(item = st_arena_strndup(p->a, start, ilen)))
			return st_err_oom(p->err);
		if (ids && !st_valid_rev_id(item)) {
			char msg[256];
			snprintf(msg, sizeof(msg), "invalid revision id '%.64s' in %s", item, key);
			return fail(p, line_no, msg, "ids use letters, digits, _ and -, at most 64");
		}
		for (j = 0; j < k; j++)
			if (strcmp((*out)[j], item) == 0) {
				char msg[256];
				snprintf(msg, sizeof(msg), "'%.64s' is listed twice in %s", item, key);
				return fail(p, line_no, msg, NULL);
			}
		(*out)[k++] = item;
	}
	*n = k;
	return 0;
}

static const char *const header_keys[] = { "revision", "down_revision", "branch_labels",
					   "depends_on", "message", "created" };

static int header_field(parser *p, const line *ln, const char *key, size_t klen,
			const char *value, size_t vlen)
{
	size_t k;
	char *v = NULL;
	st_rev *r = p->r;

	for (k = 0; k < ST_ARRAY_LEN(header_keys); k++)
		if (strlen(header_keys[k]) == klen && strncmp(header_keys[k], key, klen) == 0)
			break;
	if (k == ST_ARRAY_LEN(header_keys)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "unknown header field '%.*s'", (int)(klen > 64 ? 64 : klen),
			 key);
		return fail(p, ln->no, msg,
			    "header fields are revision, down_revision, branch_labels, depends_on, "
			    "message and created");
	}
	if (p->seen[k]) {
		char msg[160];
		snprintf(msg, sizeof(msg), "header field '%s' appears twice", header_keys[k]);
		return fail(p, ln->no, msg, NULL);
	}
	p->seen[k] = ln->no;
	if (k == 0)
		r->id_line = ln->no;
	else if (k == 1)
		r->down_line = ln->no;
	else if (k == 2)
		r->labels_line = ln->no;
	else if (k == 3)
		r->depends_line = ln->no;
	while (vlen && (*value == ' ' || *value == '\t' || *value == '\r'))
		value++, vlen--;
	while (vlen && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t' ||
			value[vlen - 1] == '\r'))
		vlen--;
	if (k == 1)
		return parse_list(p, value, vlen, &r->down_ids, &r->n_down_ids, ln->no,
				  "down_revision", 1);
	if (k == 3)
		return parse_list(p, value, vlen, &r->depends_ids, &r->n_depends_ids, ln->no,
				  "depends_on", 1);
	if (k == 2) {
		if (parse_list(p, value, vlen, &r->labels, &r->n_labels, ln->no, "branch_labels", 0))
			return p->err->code;
	} else if (!(v = st_arena_strndup(p->a, value, vlen))) {
		return st_err_oom(p->err);
	}
	switch (k) {
	case 0:
		if (!st_valid_rev_id(v)) {
			char msg[160];
			snprintf(msg, sizeof(msg), "invalid revision id '%.64s'", v);
			return fail(p, ln->no, msg, "ids use letters, digits, _ and -, at most 64");
		}
		r->id = v;
		return 0;
	case 2:
		for (k = 0; k < r->n_labels; k++) {
			const char *l = r->labels[k];
			if (strchr(l, '@') || strchr(l, ':') || strchr(l, '+') ||
			    (l[0] == '-' ) || st_strieq(l, "head") || st_strieq(l, "heads") ||
			    st_strieq(l, "base") || st_strieq(l, "current")) {
				char msg[160];
				snprintf(msg, sizeof(msg), "invalid branch label '%.64s'", l);
				return fail(p, ln->no, msg,
					    "a label may not contain @ : + or start with -, and may "
					    "not be head, heads, base or current");
			}
		}
		return 0;
	case 4:
		r->message = v;
		return 0;
	default:
		r->created = *v ? v : NULL;
		return 0;
	}
}

/* A section marker: "-- migrate:up", "-- migrate:down", with options.  Returns 1 for up,
 * 2 for down, 0 when the line is not a marker, negative on error. */
static int marker(parser *p, const line *ln, int *transactional)
{
	size_t blen, i;
	const char *b = comment_body(ln, &blen);
	int which;

	*transactional = 1;
	if (!b || blen < 8 || strncmp(b, "migrate:", 8) != 0)
		return 0;
	i = 8;
	if (blen - i >= 2 && strncmp(b + i, "up", 2) == 0 &&
	    (blen == i + 2 || isspace((unsigned char)b[i + 2]))) {
		which = 1;
		i += 2;
	} else if (blen - i >= 4 && strncmp(b + i, "down", 4) == 0 &&
		   (blen == i + 4 || isspace((unsigned char)b[i + 4]))) {
		which = 2;
		i += 4;
	} else {
		char msg[160];
		size_t w = 8;
		while (w < blen && !isspace((unsigned char)b[w]))
			w++;
		snprintf(msg, sizeof(msg), "unknown section marker '-- %.*s'", (int)(w > 60 ? 60 : w), b);
		return fail(p, ln->no, msg, "sections are `-- migrate:up` and `-- migrate:down`");
	}
	while (i < blen) {
		size_t start;
		while (i < blen && isspace((unsigned char)b[i]))
			i++;
		start = i;
		while (i < blen && !isspace((unsigned char)b[i]))
			i++;
		if (i == start)
			break;
		if (i - start == 17 && strncmp(b + start, "transaction:false", 17) == 0) {
			*transactional = 0;
		} else if (i - start == 16 && strncmp(b + start, "transaction:true", 16) == 0) {
			*transactional = 1;
		} else {
			char msg[160];
			snprintf(msg, sizeof(msg), "unknown section option '%.*s'",
				 (int)(i - start > 60 ? 60 : i - start), b + start);
			return fail(p, ln->no, msg, "the only option is transaction:false");
		}
	}
	return which;
}

/* A header line "-- key: value" with key in [a-z_]; returns 1 when ln is one. */
static int header_line(const line *ln, const char **key, size_t *klen, const char **val,
		       size_t *vlen)
{
	size_t blen, i = 0;
	const char *b = comment_body(ln, &blen);

	if (!b)
		return 0;
	while (i < blen && (islower((unsigned char)b[i]) || b[i] == '_'))
		i++;
	if (i == 0 || i >= blen || b[i] != ':')
		return 0;
	*key = b;
	*klen = i;
	*val = b + i + 1;
	*vlen = blen - i - 1;
	return 1;
}

/* Set a section's place in the file; with keep, copy its text into the arena. */
static int end_section(parser *p, st_section *sec, const char *text, size_t start, size_t end,
		       int keep)
{
	sec->off = start;
	sec->len = end - start;
	if (keep && !(sec->sql = st_arena_strndup(p->a, text + start, end - start)))
		return st_err_oom(p->err);
	return 0;
}

static int parse(st_err *err, st_arena *a, st_rev *r, const char *path, const char *text,
		 size_t len, int keep)
{
	parser p;
	line ln;
	size_t off = 0;
	int which, txn, current = 0;
	st_section *sec = NULL;
	size_t sec_start = 0;

	memset(r, 0, sizeof(*r));
	memset(&p, 0, sizeof(p));
	memset(&ln, 0, sizeof(ln));
	p.err = err;
	p.a = a;
	p.path = path;
	p.r = r;
	if (!(r->path = st_arena_strdup(a, path)))
		return st_err_oom(err);
	if (keep) {
		if (!(r->text = st_arena_strndup(a, text, len)))
			return st_err_oom(err);
		text = r->text;
	}
	r->text_len = len;
	if (memchr(text, '\0', len))
		return fail(&p, 1, "the file contains a NUL byte (is it a SQL text file?)", NULL);

	while (next_line(text, len, &off, &ln)) {
		const char *key, *val;
		size_t klen, vlen;

		/* Inside a section only marker lines matter: a line that does not start with
		 * optional blanks and "--" is skipped without further look. */
		if (current) {
			size_t i = 0;
			while (i < ln.len && (ln.s[i] == ' ' || ln.s[i] == '\t'))
				i++;
			if (ln.len - i < 10 || ln.s[i] != '-' || ln.s[i + 1] != '-')
				continue;
		}
		which = marker(&p, &ln, &txn);
		if (which < 0 || err->code)
			return err->code;
		if (which) {
			st_section *next = which == 1 ? &r->up : &r->down;
			if (next->present) {
				char msg[64];
				snprintf(msg, sizeof(msg), "second `-- migrate:%s` section",
					 which == 1 ? "up" : "down");
				return fail(&p, ln.no, msg, "each section may appear once");
			}
			if (sec && end_section(&p, sec, text, sec_start, (size_t)(ln.s - text), keep))
				return err->code;
			sec = next;
			sec->present = ln.no;
			sec->transactional = txn;
			sec->line = ln.no + 1;
			sec_start = ln.next;
			current = which;
			continue;
		}
		if (current)
			continue;
		/* Before the first section: header fields, comments and blank lines. */
		if (header_line(&ln, &key, &klen, &val, &vlen)) {
			if (header_field(&p, &ln, key, klen, val, vlen))
				return err->code;
			continue;
		}
		if (is_blank(&ln) || comment_body(&ln, &klen))
			continue;
		return fail(&p, ln.no, "SQL before the first section marker",
			    "put statements under `-- migrate:up` or `-- migrate:down`");
	}
	if (sec && end_section(&p, sec, text, sec_start, len, keep))
		return err->code;
	if (!r->id)
		return fail(&p, 1, "missing `-- revision: <id>` header",
			    "a revision file starts with `-- revision: <id>` and `-- down_revision: <parent>`");
	if (!r->up.present)
		return fail(&p, ln.no ? ln.no : 1, "missing `-- migrate:up` section",
			    "write the upgrade under a line `-- migrate:up`");
	if (!r->message)
		r->message = "";
	for (size_t i = 0; i < r->n_down_ids; i++)
		if (strcmp(r->down_ids[i], r->id) == 0)
			return fail(&p, p.seen[1], "a revision cannot be its own down_revision", NULL);
	for (size_t i = 0; i < r->n_depends_ids; i++)
		if (strcmp(r->depends_ids[i], r->id) == 0)
			return fail(&p, p.seen[3], "a revision cannot depend on itself", NULL);
	return 0;
}

int st_script_parse(st_err *err, st_arena *a, st_rev *r, const char *path, const char *text,
		    size_t len)
{
	return parse(err, a, r, path, text, len, 1);
}

int st_script_parse_header(st_err *err, st_arena *a, st_rev *r, const char *path,
			   const char *text, size_t len)
{
	return parse(err, a, r, path, text, len, 0);
}
