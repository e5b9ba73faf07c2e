/* render_pg.c - the SQL that turns one PostgreSQL schema into another, in dependency order:
 * what changes or stands on what changes dropped first (foreign keys, views, triggers, indexes);
 * objects made and others changed in place where PostgreSQL can (CREATE OR REPLACE, ADD VALUE,
 * ALTER DOMAIN and SEQUENCE), then tables altered; foreign keys once every table exists; views,
 * indexes and triggers made (again); what goes dropped last, dependents first. */
#include "introspect.h"
#include "schema.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A set of strings ("what key"), hashed. */
typedef struct sset {
	char **v;
	size_t n, cap;
} sset;

static size_t sset_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 ^ (unsigned char)*s++;
	return h;
}

static int sset_has(const sset *s, const char *k)
{
	size_t i;

	if (!s->cap)
		return 0;
	for (i = sset_hash(k) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (strcmp(s->v[i], k) == 0)
			return 1;
	return 0;
}

static int sset_add(sset *s, const char *k)
{
	size_t i;

	if (sset_has(s, k))
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256, j;
		char **nv = calloc(cap, sizeof(char *));
		if (!nv)
			return -1;
		for (j = 0; j < s->cap; j++)
			if (s->v[j]) {
				for (i = sset_hash(s->v[j]) & (cap - 1); nv[i];
				     i = (i + 1) & (cap - 1))
					;
				nv[i] = s->v[j];
			}
		free(s->v);
		s->v = nv;
		s->cap = cap;
	}
	for (i = sset_hash(k) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		;
	if (!(s->v[i] = strdup(k)))
		return -1;
	s->n++;
	return 0;
}

static void sset_free(sset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

typedef struct rctx {
	st_err *err;
	const st_diff *d;
	const st_schema *cur, *des;
	st_buf *out;
	st_strvec *warnings;
	sset marks;      /* "what key": decisions and what was emitted */
	st_buf group;    /* the title of the group being written */
	const st_change **by_from, **by_to; /* the changes by key (change_of) */
	st_buf ring[4];  /* quoted identifiers, for formatting statements */
	int next;
	int failed;      /* out of memory */
} rctx;

static int was(rctx *c, const char *what, const char *key)
{
	st_buf b = ST_BUF_INIT;
	int r;

	st_buf_printf(&b, "%s %s", what, key);
	r = !st_buf_oom(&b) && sset_has(&c->marks, st_buf_str(&b));
	st_buf_free(&b);
	return r;
}

static void mark(rctx *c, const char *what, const char *key)
{
	st_buf b = ST_BUF_INIT;

	st_buf_printf(&b, "%s %s", what, key);
	if (st_buf_oom(&b) || sset_add(&c->marks, st_buf_str(&b)))
		c->failed = 1;
	st_buf_free(&b);
}

static void warn(rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(rctx *c, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (st_buf_oom(&b) || st_strvec_push(c->warnings, st_buf_str(&b)))
		c->failed = 1;
	else
		st_buf_printf(c->out, "-- WARNING: %s\n", st_buf_str(&b));
	st_buf_free(&b);
}

/* A comment over each group of statements, written once before the group's first statement. */
static void group(rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void group(rctx *c, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (strcmp(st_buf_str(&b), st_buf_str(&c->group)) != 0) {
		st_buf_printf(c->out, "%s-- %s\n", c->out->len ? "\n" : "", st_buf_str(&b));
		st_buf_truncate(&c->group, 0);
		st_buf_puts(&c->group, st_buf_str(&b));
	}
	st_buf_free(&b);
}

static void stmt(rctx *c, const char *sql)
{
	size_t n = strlen(sql);

	while (n && (isspace((unsigned char)sql[n - 1]) || sql[n - 1] == ';'))
		n--;
	st_buf_add(c->out, sql, n);
	st_buf_puts(c->out, ";\n");
}

static void stmtf(rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void stmtf(rctx *c, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (st_buf_oom(&b))
		c->failed = 1;
	else
		stmt(c, st_buf_str(&b));
	st_buf_free(&b);
}

/* Quoted identifiers for statements, in a scratch buffer each (at most 4 live at once). */
static const char *ident(rctx *c, const char *name)
{
	st_buf *b = &c->ring[c->next++ & 3];

	st_buf_truncate(b, 0);
	st_pg_put_ident(b, name);
	if (st_buf_oom(b))
		c->failed = 1;
	return st_buf_str(b);
}

static const char *literal(const char *text, st_buf *b)
{
	st_buf_truncate(b, 0);
	if (!text)
		st_buf_puts(b, "NULL");
	else
		st_buf_put_literal(b, text);
	return st_buf_str(b);
}

static int same(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

/* What follows "DROP KIND " in drop_sql: the object as statements name it. */
static const char *target(const st_object *o)
{
	static const char *const words[] = { "MATERIALIZED VIEW ", "EXTENSION ", "AGGREGATE ",
					     "PROCEDURE ", "FUNCTION ", "SEQUENCE ", "TRIGGER ",
					     "SCHEMA ", "DOMAIN ", "TABLE ", "INDEX ", "VIEW ",
					     "TYPE ", "RULE ", "POLICY " };
	const char *s = o->drop_sql + 5;
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(words); i++)
		if (strncmp(s, words[i], strlen(words[i])) == 0)
			return s + strlen(words[i]);
	return s;
}

static void comment_on(rctx *c, const st_object *o, const char *text)
{
	st_buf l = ST_BUF_INIT;

	/* COMMENT ON names the object as DROP does: "TABLE x", "TRIGGER t ON x". */
	stmtf(c, "COMMENT ON %s IS %s", o->drop_sql + 5, literal(text, &l));
	st_buf_free(&l);
}

static void comment_column(rctx *c, const st_object *t, const char *col, const char *text)
{
	st_buf l = ST_BUF_INIT;

	stmtf(c, "COMMENT ON COLUMN %s.%s IS %s", target(t), ident(c, col), literal(text, &l));
	st_buf_free(&l);
}

static int cmp_from(const void *x, const void *y)
{
	const st_change *a = *(const st_change *const *)x, *b = *(const st_change *const *)y;

	return strcmp(a->from ? a->from->key : "", b->from ? b->from->key : "");
}

static int cmp_to(const void *x, const void *y)
{
	const st_change *a = *(const st_change *const *)x, *b = *(const st_change *const *)y;

	return strcmp(a->to ? a->to->key : "", b->to ? b->to->key : "");
}

/* The changes, indexed by their current and their desired object's key. */
static int index_changes(rctx *c)
{
	size_t i;

	c->by_from = malloc((c->d->n + 1) * sizeof(*c->by_from));
	c->by_to = malloc((c->d->n + 1) * sizeof(*c->by_to));
	if (!c->by_from || !c->by_to)
		return -1;
	for (i = 0; i < c->d->n; i++)
		c->by_from[i] = c->by_to[i] = &c->d->v[i];
	qsort(c->by_from, c->d->n, sizeof(*c->by_from), cmp_from);
	qsort(c->by_to, c->d->n, sizeof(*c->by_to), cmp_to);
	return 0;
}

static const st_change *change_of(rctx *c, const char *key, int side_from)
{
	const st_change **v = side_from ? c->by_from : c->by_to;
	size_t lo = 0, hi = c->d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const st_object *o = side_from ? v[mid]->from : v[mid]->to;
		int r = strcmp(o ? o->key : "", key);
		if (r == 0)
			return v[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static const st_column *column(const st_object *t, const char *name)
{
	size_t i;

	for (i = 0; name && i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static const char *renamed_column(const st_diff *d, const st_object *t, const char *to)
{
	size_t i;

	for (i = 0; i < d->n_renames; i++)
		if (d->renames[i].table && strcmp(d->renames[i].table, t->name) == 0 &&
		    strcmp(d->renames[i].to, to) == 0)
			return d->renames[i].from;
	return NULL;
}

/* Whether column name of current table a is kept (maybe renamed) in desired table b. */
static int column_kept(const st_diff *d, const st_object *b, const char *name)
{
	size_t i;

	if (column(b, name))
		return 1;
	for (i = 0; i < d->n_renames; i++)
		if (d->renames[i].table && strcmp(d->renames[i].table, b->name) == 0 &&
		    strcmp(d->renames[i].from, name) == 0)
			return 1;
	return 0;
}

/* The current column a desired one continues (renamed or not). */
static const st_column *old_column(rctx *c, const st_object *a, const st_object *b,
				   const st_column *nc)
{
	const char *old = renamed_column(c->d, b, nc->name);
	const st_column *oc = old ? column(a, old) : NULL;

	return oc ? oc : column(a, nc->name);
}

static int has_con(const st_object *t, const st_constraint *k)
{
	size_t i;

	for (i = 0; i < t->n_cons; i++)
		if (t->cons[i].kind == k->kind && same(t->cons[i].definition, k->definition) &&
		    same(t->cons[i].name, k->name))
			return 1;
	return 0;
}

/* The desired constraint current one k becomes under another name (same kind and clause, its
 * name not taken in a), or NULL. */
static const st_constraint *con_renamed(const st_object *a, const st_object *b,
					const st_constraint *k)
{
	size_t i, j;

	for (i = 0; i < b->n_cons; i++) {
		const st_constraint *w = &b->cons[i];
		int taken = 0;
		if (w->kind != k->kind || !same(w->definition, k->definition) ||
		    same(w->name, k->name))
			continue;
		for (j = 0; j < a->n_cons && !taken; j++)
			taken = same(a->cons[j].name, w->name);
		if (!taken && !has_con(b, k))
			return w;
	}
	return NULL;
}

/* Inherited columns (from INHERITS parents) are the parent's to change. */
static int inherited(const st_column *col)
{
	return col->definition && !*col->definition;
}

static int is_partition(const st_object *t)
{
	return t->options && strstr(t->options, "PARTITION OF ") != NULL;
}

/* The sequence a serial column owns: nextval('NAME'::regclass), when the column is `serial`. */
static int serial_seq(const st_column *col, st_buf *name)
{
	const char *d = col->definition, *s, *e;

	st_buf_truncate(name, 0);
	if (!d || !col->default_expr)
		return 0;
	s = strrchr(d, ' ');
	if (!s || (strcmp(s, " serial") != 0 && strcmp(s, " bigserial") != 0 &&
		   strcmp(s, " smallserial") != 0))
		return 0;
	if (strncmp(col->default_expr, "nextval('", 9) != 0 ||
	    !(e = strstr(col->default_expr, "'::regclass)")))
		return 0;
	for (s = col->default_expr + 9; s < e; s++) {
		if (*s == '\'' && s[1] == '\'')
			s++;
		st_buf_putc(name, *s);
	}
	return 1;
}

/* ---- types ----------------------------------------------------------------------------------- */

/* The type without its modifiers and array brackets. */
static void base_type(const char *t, char *out, size_t size)
{
	size_t n = strcspn(t, "([");

	while (n && t[n - 1] == ' ')
		n--;
	snprintf(out, size, "%.*s", (int)n, t);
}

static int family(const char *base)
{
	static const struct {
		const char *name;
		int family;
	} f[] = { { "text", 1 },	 { "character varying", 1 }, { "character", 1 },
		  { "bpchar", 1 },	 { "name", 1 },		     { "smallint", 2 },
		  { "integer", 2 },	 { "bigint", 2 },	     { "numeric", 2 },
		  { "real", 2 },	 { "double precision", 2 },  { "date", 3 },
		  { "timestamp without time zone", 3 },	     { "timestamp with time zone", 3 },
		  { "time without time zone", 4 },	     { "time with time zone", 4 },
		  { "bit", 5 },		 { "bit varying", 5 },	     { "json", 6 },
		  { "jsonb", 6 } };
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(f); i++)
		if (strcmp(base, f[i].name) == 0)
			return f[i].family;
	return 0;
}

/* ALTER COLUMN TYPE converts by assignment casts; others need USING col::type. */
static int needs_using(const char *from, const char *to)
{
	char a[128], b[128];
	int fa;

	if ((strstr(from, "[]") != NULL) != (strstr(to, "[]") != NULL))
		return 1;
	base_type(from, a, sizeof(a));
	base_type(to, b, sizeof(b));
	if (strcmp(a, b) == 0)
		return 0;
	fa = family(a);
	return !fa || fa != family(b) || fa == 6;
}

/* A type change that keeps every value. */
static int widens(const char *from, const char *to)
{
	static const char *const ints[] = { "smallint", "integer", "bigint", "numeric" };
	char a[128], b[128];
	int na, nb, sa, sb;
	size_t i, ia = 9, ib = 9;

	if (strcmp(from, to) == 0 || strcmp(to, "text") == 0)
		return 1;
	base_type(from, a, sizeof(a));
	base_type(to, b, sizeof(b));
	if ((strcmp(a, "character varying") == 0 || strcmp(a, "character") == 0) &&
	    strcmp(b, "character varying") == 0) {
		if (strcmp(to, "character varying") == 0)
			return 1;
		return sscanf(strchr(from, '(') ? strchr(from, '(') : "", "(%d)", &na) == 1 &&
		       sscanf(strchr(to, '(') ? strchr(to, '(') : "", "(%d)", &nb) == 1 && nb >= na;
	}
	if (strcmp(a, "numeric") == 0 && strcmp(b, "numeric") == 0) {
		if (strcmp(to, "numeric") == 0)
			return 1;
		return sscanf(from, "numeric(%d,%d)", &na, &sa) == 2 &&
		       sscanf(to, "numeric(%d,%d)", &nb, &sb) == 2 && sb >= sa &&
		       nb - sb >= na - sa;
	}
	for (i = 0; i < ST_ARRAY_LEN(ints); i++) {
		if (strcmp(a, ints[i]) == 0)
			ia = i;
		if (strcmp(b, ints[i]) == 0)
			ib = i;
	}
	if (ia < 9 && ib < 9 && strchr(from, '(') == NULL)
		return ib >= ia;
	if (strcmp(a, "real") == 0 && strcmp(b, "double precision") == 0)
		return 1;
	if (strcmp(a, "timestamp without time zone") == 0 &&
	    strcmp(b, "timestamp with time zone") == 0)
		return 1;
	return 0;
}

/* ---- deciding -------------------------------------------------------------------------------- */

/* Views: "columns|options"; CREATE OR REPLACE keeps the columns and may add some at the end. */
static int view_replaceable(const st_object *a, const st_object *b)
{
	const char *pa = strrchr(a->options, '|'), *pb = strrchr(b->options, '|');
	size_t na = (size_t)(pa - a->options);

	if (strcmp(pa, pb) != 0)
		return 0;
	if (na > (size_t)(pb - b->options) || strncmp(a->options, b->options, na) != 0)
		return 0;
	return b->options[na] == '|' || (b->options[na] == ',' && na > 0) || na == 0;
}

static int label_index(const st_object *t, const char *label)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, label) == 0)
			return (int)i;
	return -1;
}

/* An enum can only gain labels in place: a's labels must stay, in their order. */
static int enum_addable(const st_object *a, const st_object *b)
{
	size_t i;
	int last = -1;

	for (i = 0; i < a->n_cols; i++) {
		int j = label_index(b, a->cols[i].name);
		if (j < 0 || j < last)
			return 0;
		last = j;
	}
	return 1;
}

/* A composite type can drop attributes, change their types and add some at the end. */
static int composite_alterable(const st_object *a, const st_object *b)
{
	size_t i, k = 0;

	for (i = 0; i < a->n_cols; i++)
		if (column(b, a->cols[i].name)) {
			if (k >= b->n_cols || strcmp(b->cols[k].name, a->cols[i].name) != 0)
				return 0;
			k++;
		}
	for (; k < b->n_cols; k++)
		if (column(a, b->cols[k].name))
			return 0;
	return 1;
}

/* Whether a changed object must be dropped and made again. */
static int must_recreate(const st_object *a, const st_object *b)
{
	if (same(a->definition, b->definition))
		return 0; /* only the comment */
	switch (a->kind) {
	case ST_OBJ_VIEW:
		return !view_replaceable(a, b);
	case ST_OBJ_MATVIEW:
	case ST_OBJ_INDEX:
	case ST_OBJ_TRIGGER:
	case ST_OBJ_RULE:
	case ST_OBJ_POLICY:
		return 1;
	case ST_OBJ_FUNCTION:
		return !same(a->options, b->options) ||
		       strncmp(b->create_sql, "CREATE AGGREGATE", 16) == 0;
	case ST_OBJ_TYPE:
		if (a->options[0] != b->options[0] || a->options[0] == 'r')
			return 1;
		return a->options[0] == 'c' && !composite_alterable(a, b);
	case ST_OBJ_DOMAIN:
		return !same(a->cols[0].type, b->cols[0].type) ||
		       !same(a->cols[0].collation, b->cols[0].collation);
	default:
		return 0;
	}
}

static void col_key(st_buf *b, const st_object *t, const char *col)
{
	st_buf_truncate(b, 0);
	st_buf_printf(b, "column:%s.%s", t->key, col);
}

/* The type's name as format_type writes it in column types. */
static void type_name(const st_object *t, st_buf *b)
{
	st_buf_truncate(b, 0);
	st_pg_put_qname(b, t->schema, t->name);
}

static int uses_type(const char *coltype, const char *tname)
{
	size_t n = strlen(tname);

	return strncmp(coltype, tname, n) == 0 && (coltype[n] == '\0' || coltype[n] == '[');
}

static void classify(rctx *c)
{
	st_buf k = ST_BUF_INIT, tn = ST_BUF_INIT;
	size_t i, j, m;

	for (i = 0; i < c->d->n; i++) {
		const st_change *ch = &c->d->v[i];
		const st_object *a = ch->from, *b = ch->to;
		if (ch->kind == ST_CH_DROP) {
			mark(c, "drop", a->key);
			/* A partition goes before new ones that may take its range. */
			if (a->kind == ST_OBJ_TABLE && is_partition(a))
				mark(c, "early", a->key);
			if (a->kind == ST_OBJ_VIEW || a->kind == ST_OBJ_MATVIEW ||
			    a->kind == ST_OBJ_INDEX || a->kind == ST_OBJ_TRIGGER ||
			    a->kind == ST_OBJ_RULE || a->kind == ST_OBJ_POLICY)
				mark(c, "early", a->key);
			continue;
		}
		if (ch->kind != ST_CH_ALTER)
			continue;
		if (a->kind != ST_OBJ_TABLE) {
			int remake = must_recreate(a, b), used = 0;
			if (a->kind == ST_OBJ_TYPE && a->options[0] == 'e' &&
			    !same(a->definition, b->definition) && !enum_addable(a, b))
				remake = 2; /* an enum cannot lose or reorder labels in place */
			if (!remake)
				continue;
			/* A type or domain that tables use is made again under its name while the
			 * old one is renamed away, and their columns converted (retype); what else
			 * stands on it goes early (closure). */
			if (a->kind == ST_OBJ_TYPE || a->kind == ST_OBJ_DOMAIN) {
				type_name(a, &tn);
				for (j = 0; j < c->cur->n; j++) {
					const st_object *t = c->cur->objs[j];
					if (t->kind != ST_OBJ_TABLE)
						continue;
					for (m = 0; m < t->n_cols; m++)
						if (uses_type(t->cols[m].type, st_buf_str(&tn))) {
							col_key(&k, t, t->cols[m].name);
							mark(c, "colchange", st_buf_str(&k));
							used = 1;
						}
				}
			}
			mark(c, used || remake == 2 ? "retype" : "early", a->key);
			continue;
		}
		/* Tables: columns that go or change type take what stands on them along. */
		for (j = 0; j < a->n_cols; j++) {
			const st_column *oc = &a->cols[j], *nc = NULL;
			for (m = 0; m < b->n_cols && !nc; m++)
				if (old_column(c, a, b, &b->cols[m]) == oc)
					nc = &b->cols[m];
			if (!nc || !same(oc->type, nc->type) ||
			    !same(oc->collation, nc->collation) ||
			    !same(oc->generated, nc->generated)) {
				col_key(&k, a, oc->name);
				mark(c, "colchange", st_buf_str(&k));
			}
		}
		/* A primary key or unique constraint that changes: foreign keys on it go first. */
		for (j = 0; j < a->n_cons; j++)
			if ((a->cons[j].kind == ST_CON_PRIMARY ||
			     a->cons[j].kind == ST_CON_UNIQUE) &&
			    !has_con(b, &a->cons[j]) && !con_renamed(a, b, &a->cons[j]))
				mark(c, "refchange", a->key);
	}
	st_buf_free(&k);
	st_buf_free(&tn);
}

/* What stands on what goes early goes early too (views, triggers, functions, indexes), until
 * nothing more does. */
static void closure(rctx *c)
{
	int changed = 1;
	size_t i, j;

	while (changed && !c->failed) {
		changed = 0;
		for (i = 0; i < c->cur->n; i++) {
			const st_object *o = c->cur->objs[i];
			if (o->kind != ST_OBJ_VIEW && o->kind != ST_OBJ_MATVIEW &&
			    o->kind != ST_OBJ_TRIGGER && o->kind != ST_OBJ_FUNCTION &&
			    o->kind != ST_OBJ_INDEX && o->kind != ST_OBJ_RULE &&
			    o->kind != ST_OBJ_POLICY)
				continue;
			if (was(c, "early", o->key))
				continue;
			for (j = 0; j < o->n_deps; j++) {
				const char *dep = o->deps[j];
				int go = was(c, "early", dep) || was(c, "retype", dep);
				if (!go && o->kind != ST_OBJ_INDEX)
					go = was(c, "colchange", dep);
				if (go) {
					mark(c, "early", o->key);
					changed = 1;
					break;
				}
			}
		}
	}
}

static const st_object *kept_table(rctx *c, const st_object *a);

/* Indexes and triggers of a table that is dropped go with it; so do the sequences it owns
 * and its partitions; and a sequence owned by a column that is dropped.  (Not its rules and
 * policies: they may stand on other tables, dropped before it.) */
static int goes_with_table(rctx *c, const st_object *o)
{
	const st_object *t, *kept;
	size_t i;

	if (!o->table || (o->kind != ST_OBJ_INDEX && o->kind != ST_OBJ_TRIGGER &&
			  o->kind != ST_OBJ_SEQUENCE && o->kind != ST_OBJ_TABLE))
		return 0;
	if (was(c, "drop", o->table))
		return 1;
	if (o->kind != ST_OBJ_SEQUENCE || !o->options || !(t = st_schema_find(c->cur, o->table)) ||
	    !(kept = kept_table(c, t)))
		return 0;
	for (i = 0; i < t->n_cols; i++) {
		st_buf b = ST_BUF_INIT;
		int owner;
		st_buf_printf(&b, "%s.", target(t));
		st_pg_put_ident(&b, t->cols[i].name);
		owner = strcmp(st_buf_str(&b), o->options) == 0;
		st_buf_free(&b);
		if (owner)
			return !column_kept(c->d, kept, t->cols[i].name);
	}
	return 0;
}

/* ---- writing --------------------------------------------------------------------------------- */

static void create(rctx *c, const st_object *o, int again)
{
	static const char *const titles[ST_OBJ_KIND_COUNT] = {
		[ST_OBJ_SCHEMA] = "schemas",	     [ST_OBJ_EXTENSION] = "extensions",
		[ST_OBJ_TYPE] = "types",	     [ST_OBJ_DOMAIN] = "domains",
		[ST_OBJ_SEQUENCE] = "sequences",     [ST_OBJ_FUNCTION] = "functions",
		[ST_OBJ_TABLE] = "tables",	     [ST_OBJ_VIEW] = "views",
		[ST_OBJ_MATVIEW] = "materialized views", [ST_OBJ_INDEX] = "indexes",
		[ST_OBJ_TRIGGER] = "triggers",	     [ST_OBJ_RULE] = "rules",
		[ST_OBJ_POLICY] = "policies",
	};
	size_t i;

	if (again)
		group(c, "Make %s again (changed, or standing on what changed)", titles[o->kind]);
	else
		group(c, "Create %s", titles[o->kind]);
	stmt(c, o->create_sql);
	if (o->comment)
		comment_on(c, o, o->comment);
	for (i = 0; o->kind == ST_OBJ_TABLE && i < o->n_cols; i++)
		if (o->cols[i].comment)
			comment_column(c, o, o->cols[i].name, o->cols[i].comment);
	mark(c, "made", o->key);
}

/* One ALTER TABLE statement. */
static void alter_table_stmt(rctx *c, const st_object *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void alter_table_stmt(rctx *c, const st_object *t, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;

	st_buf_printf(&b, "ALTER TABLE %s ", target(t));
	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (st_buf_oom(&b))
		c->failed = 1;
	else
		stmt(c, st_buf_str(&b));
	st_buf_free(&b);
}

/* "PARTITION OF parent FOR VALUES ..." from a table's options, split; 0 when none. */
static int partition_of(const char *options, st_buf *parent, st_buf *bound)
{
	const char *p = options ? strstr(options, "PARTITION OF ") : NULL, *e, *end;

	st_buf_truncate(parent, 0);
	st_buf_truncate(bound, 0);
	if (!p)
		return 0;
	p += 13;
	end = strstr(p, "; ");
	if (!end)
		end = p + strlen(p);
	e = strstr(p, " FOR VALUES ");
	if (!e || e > end)
		e = strstr(p, " DEFAULT");
	if (!e || e > end)
		return 0;
	st_buf_add(parent, p, (size_t)(e - p));
	st_buf_add(bound, e + 1, (size_t)(end - e - 1));
	return 1;
}

/* A clause of the options that starts with prefix, or NULL; its length in *n. */
static const char *clause(const char *options, const char *prefix, size_t *n)
{
	const char *p = options;
	size_t len = strlen(prefix);

	while (p && *p) {
		const char *e = strstr(p, "; ");
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l >= len && strncmp(p, prefix, len) == 0) {
			*n = l;
			return p;
		}
		p = e ? e + 2 : NULL;
	}
	*n = 0;
	return NULL;
}

static int same_clause(const char *a, const char *b, const char *prefix)
{
	size_t na, nb;
	const char *ca = clause(a, prefix, &na), *cb = clause(b, prefix, &nb);

	return na == nb && (!na || strncmp(ca, cb, na) == 0);
}

static void alter_options(rctx *c, const st_object *a, const st_object *b)
{
	st_buf pa = ST_BUF_INIT, ba = ST_BUF_INIT, pb = ST_BUF_INIT, bb = ST_BUF_INIT;
	size_t n;
	const char *w;

	if (!same_clause(a->options, b->options, "UNLOGGED"))
		alter_table_stmt(c, b, "SET %s", clause(b->options, "UNLOGGED", &n) ? "UNLOGGED"
										  : "LOGGED");
	if (!same_clause(a->options, b->options, "PARTITION OF ")) {
		if (partition_of(a->options, &pa, &ba) && !was(c, "detached", a->key))
			stmtf(c, "ALTER TABLE %s DETACH PARTITION %s", st_buf_str(&pa), target(b));
		if (partition_of(b->options, &pb, &bb))
			stmtf(c, "ALTER TABLE %s ATTACH PARTITION %s %s", st_buf_str(&pb),
			      target(b), st_buf_str(&bb));
	}
	if (!same_clause(a->options, b->options, "INHERITS ") ||
	    !same_clause(a->options, b->options, "PARTITION BY "))
		warn(c,
		     "table %s: its inheritance or partitioning changes, which ALTER TABLE cannot "
		     "do: make the table again by hand (a new table, the rows copied)",
		     b->name);
	if (!same_clause(a->options, b->options, "WITH (")) {
		if ((w = clause(a->options, "WITH (", &n))) {
			/* RESET every old key, then SET the new ones. */
			st_strvec keys = { 0 };
			st_buf r = ST_BUF_INIT;
			char *list = strndup(w + 6, n - 7);
			size_t i;
			if (!list || st_strvec_split_list(&keys, list))
				c->failed = 1;
			for (i = 0; i < keys.n; i++)
				st_buf_printf(&r, "%s%.*s", i ? ", " : "",
					      (int)strcspn(keys.v[i], "="), keys.v[i]);
			if (keys.n)
				alter_table_stmt(c, b, "RESET (%s)", st_buf_str(&r));
			st_strvec_free(&keys);
			st_buf_free(&r);
			free(list);
		}
		if ((w = clause(b->options, "WITH (", &n)))
			alter_table_stmt(c, b, "SET %.*s", (int)(n - 5), w + 5);
	}
	if (!same_clause(a->options, b->options, "ROW LEVEL SECURITY"))
		alter_table_stmt(c, b, "%s ROW LEVEL SECURITY",
				 clause(b->options, "ROW LEVEL SECURITY", &n) ? "ENABLE"
									      : "DISABLE");
	if (!same_clause(a->options, b->options, "FORCE ROW LEVEL SECURITY"))
		alter_table_stmt(c, b, "%s ROW LEVEL SECURITY",
				 clause(b->options, "FORCE ROW LEVEL SECURITY", &n) ? "FORCE"
										    : "NO FORCE");
	st_buf_free(&pa);
	st_buf_free(&ba);
	st_buf_free(&pb);
	st_buf_free(&bb);
}

/* A column both sides have, changed. */
static void alter_column(rctx *c, const st_object *a, const st_object *b, const st_column *oc,
			 const st_column *nc)
{
	const char *q = ident(c, nc->name);
	st_buf qn = ST_BUF_INIT, sa = ST_BUF_INIT, sb = ST_BUF_INIT;
	int part = (is_partition(b) && !was(c, "detached", a->key)) || inherited(nc);
	int reset_default = 0;

	st_buf_puts(&qn, q);
	q = st_buf_str(&qn);
	if (!same(oc->generated, nc->generated) || oc->generated_stored != nc->generated_stored) {
		if (oc->generated && !nc->generated) {
			alter_table_stmt(c, b, "ALTER COLUMN %s DROP EXPRESSION", q);
		} else {
			/* PostgreSQL cannot change a generation expression in place. */
			if (!oc->generated)
				warn(c,
				     "table %s: column %s becomes generated: it is dropped and "
				     "added "
				     "again, its values are lost",
				     b->name, nc->name);
			alter_table_stmt(c, b, "DROP COLUMN %s", q);
			alter_table_stmt(c, b, "ADD COLUMN %s", nc->definition);
			goto out;
		}
	}
	if ((!same(oc->type, nc->type) || !same(oc->collation, nc->collation)) && !part) {
		int using = needs_using(oc->type, nc->type);
		if (!widens(oc->type, nc->type))
			warn(c,
			     "table %s: column %s changes type %s -> %s: the migration fails on a "
			     "value that does not convert, and may round or cut others",
			     b->name, nc->name, oc->type, nc->type);
		if (using && oc->default_expr) {
			/* The old default may not convert: set it again after. */
			alter_table_stmt(c, b, "ALTER COLUMN %s DROP DEFAULT", q);
			reset_default = 1;
		}
		st_buf_printf(&sa, "ALTER COLUMN %s TYPE %s", q, nc->type);
		if (nc->collation)
			st_buf_printf(&sa, " COLLATE %s", nc->collation);
		if (using)
			st_buf_printf(&sa, " USING %s::%s", q, nc->type);
		alter_table_stmt(c, b, "%s", st_buf_str(&sa));
		st_buf_truncate(&sa, 0);
	}
	if (oc->identity && !nc->identity)
		alter_table_stmt(c, b, "ALTER COLUMN %s DROP IDENTITY", q);
	if (!same(oc->default_expr, nc->default_expr) || reset_default) {
		int was_serial = serial_seq(oc, &sa), is_serial = serial_seq(nc, &sb);
		if (is_serial && !(was_serial && strcmp(st_buf_str(&sa), st_buf_str(&sb)) == 0)) {
			/* What `serial` makes: a sequence owned by the column. */
			char type[32];
			base_type(nc->type, type, sizeof(type));
			stmtf(c, "CREATE SEQUENCE %s AS %s OWNED BY %s.%s", st_buf_str(&sb), type,
			      target(b), q);
		}
		if (nc->default_expr)
			alter_table_stmt(c, b, "ALTER COLUMN %s SET DEFAULT %s", q,
					 nc->default_expr);
		else if (!reset_default && oc->default_expr)
			alter_table_stmt(c, b, "ALTER COLUMN %s DROP DEFAULT", q);
		if (was_serial && !(is_serial && strcmp(st_buf_str(&sa), st_buf_str(&sb)) == 0))
			stmtf(c, "DROP SEQUENCE %s", st_buf_str(&sa));
	}
	if (oc->not_null != nc->not_null && !part)
		alter_table_stmt(c, b, "ALTER COLUMN %s %s NOT NULL", q,
				 nc->not_null ? "SET" : "DROP");
	if (nc->identity && nc->identity != oc->identity) {
		const char *how = nc->identity == 'a' ? "ALWAYS" : "BY DEFAULT";
		if (oc->identity)
			alter_table_stmt(c, b, "ALTER COLUMN %s SET GENERATED %s", q, how);
		else {
			/* The options, as the definition holds them: "... AS IDENTITY (...)". */
			const char *opts = strstr(nc->definition, " AS IDENTITY (");
			size_t n = opts ? strcspn(opts + 13, ")") + 1 : 0;
			alter_table_stmt(c, b, "ALTER COLUMN %s ADD GENERATED %s AS IDENTITY%s%.*s",
					 q, how, opts ? " " : "", (int)n, opts ? opts + 13 : "");
		}
	}
	if (!same(oc->comment, nc->comment))
		comment_column(c, b, nc->name, nc->comment);
out:
	st_buf_free(&qn);
	st_buf_free(&sa);
	st_buf_free(&sb);
}

static void alter_table(rctx *c, const st_object *a, const st_object *b)
{
	size_t i, j;
	/* A partition's columns are its table's, but while it is detached. */
	int part = is_partition(b) && !was(c, "detached", a->key), pass;
	st_buf l = ST_BUF_INIT;

	group(c, "Alter table %s", b->name);
	if (strcmp(a->name, b->name) != 0)
		alter_table_stmt(c, a, "RENAME TO %s", ident(c, b->name));
	for (i = 0; i < b->n_cols; i++) {
		const char *old = renamed_column(c->d, b, b->cols[i].name);
		if (old && column(a, old)) {
			st_buf on = ST_BUF_INIT;
			st_buf_puts(&on, ident(c, old));
			alter_table_stmt(c, b, "RENAME COLUMN %s TO %s", st_buf_str(&on),
					 ident(c, b->cols[i].name));
			st_buf_free(&on);
		}
	}
	for (i = 0; i < a->n_cons; i++) {
		const st_constraint *w;
		if (has_con(b, &a->cons[i]))
			continue;
		if ((w = con_renamed(a, b, &a->cons[i]))) {
			/* The same clause under the name the desired schema gives it. */
			st_buf on = ST_BUF_INIT;
			st_buf_puts(&on, ident(c, a->cons[i].name));
			alter_table_stmt(c, b, "RENAME CONSTRAINT %s TO %s", st_buf_str(&on),
					 ident(c, w->name));
			st_buf_free(&on);
		} else if (a->cons[i].kind != ST_CON_FOREIGN) {
			alter_table_stmt(c, b, "DROP CONSTRAINT %s", ident(c, a->cons[i].name));
		}
	}
	for (i = 0; i < a->n_cols; i++) {
		const st_column *oc = &a->cols[i];
		if (column_kept(c->d, b, oc->name) || inherited(oc) || part)
			continue;
		warn(c, "table %s: column %s is dropped with its data", b->name, oc->name);
		for (j = 0; j < b->n_cols; j++)
			if (!old_column(c, a, b, &b->cols[j]) && same(b->cols[j].type, oc->type))
				warn(c,
				     "table %s: if column %s is %s renamed, declare it (--rename "
				     "%s.%s:%s) to keep its data",
				     b->name, oc->name, b->cols[j].name, b->name, oc->name,
				     b->cols[j].name);
		alter_table_stmt(c, b, "DROP COLUMN %s", ident(c, oc->name));
	}
	for (i = 0; i < b->n_cols; i++) {
		const st_column *nc = &b->cols[i], *oc = old_column(c, a, b, nc);
		if (oc) {
			alter_column(c, a, b, oc, nc);
			continue;
		}
		if (inherited(nc) || part)
			continue;
		if (nc->not_null && !nc->default_expr && !nc->identity && !nc->generated &&
		    !strstr(nc->definition, "serial"))
			warn(c,
			     "table %s: new column %s is NOT NULL without a default: adding it "
			     "fails "
			     "if the table has rows; give it a default, or add it nullable, fill "
			     "it, "
			     "then SET NOT NULL",
			     b->name, nc->name);
		alter_table_stmt(c, b, "ADD COLUMN %s", nc->definition);
		if (nc->comment)
			comment_column(c, b, nc->name, nc->comment);
	}
	/* Primary keys and unique constraints before the checks that might lean on them. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < b->n_cons; i++) {
			const st_constraint *k = &b->cons[i];
			int keyish = k->kind == ST_CON_PRIMARY || k->kind == ST_CON_UNIQUE;
			int renamed = 0;
			for (j = 0; j < a->n_cons && !renamed; j++)
				renamed = con_renamed(a, b, &a->cons[j]) == k;
			if (k->kind == ST_CON_FOREIGN || keyish != !pass || has_con(a, k) ||
			    renamed)
				continue;
			alter_table_stmt(c, b, "ADD CONSTRAINT %s %s", ident(c, k->name),
					 k->definition);
		}
	if (!same(a->options, b->options))
		alter_options(c, a, b);
	if (!same(a->comment, b->comment))
		stmtf(c, "COMMENT ON TABLE %s IS %s", target(b), literal(b->comment, &l));
	st_buf_free(&l);
}

/* ALTER TYPE ... ADD VALUE for each new label, in place. */
static void add_labels(rctx *c, const st_object *a, const st_object *b)
{
	st_buf x = ST_BUF_INIT, y = ST_BUF_INIT;
	int first = -1, j;

	for (j = 0; j < (int)b->n_cols && first < 0; j++)
		if (label_index(a, b->cols[j].name) >= 0)
			first = j;
	st_buf_puts(c->out, "-- New labels cannot be used before this migration commits: rows or "
			    "defaults using them belong in a later one.\n");
	for (j = first - 1; first > 0 && j >= 0; j--)
		stmtf(c, "ALTER TYPE %s ADD VALUE %s BEFORE %s", target(b),
		      literal(b->cols[j].name, &x), literal(b->cols[j + 1].name, &y));
	for (j = first < 0 ? 0 : first + 1; j < (int)b->n_cols; j++) {
		if (label_index(a, b->cols[j].name) >= 0)
			continue;
		if (j == 0)
			stmtf(c, "ALTER TYPE %s ADD VALUE %s", target(b),
			      literal(b->cols[j].name, &x));
		else
			stmtf(c, "ALTER TYPE %s ADD VALUE %s AFTER %s", target(b),
			      literal(b->cols[j].name, &x), literal(b->cols[j - 1].name, &y));
	}
	st_buf_free(&x);
	st_buf_free(&y);
}

/* A type or domain PostgreSQL cannot change in place, that tables use: the old one was renamed
 * away; made again, its columns converted through text; the old one dropped at the end. */
static void retype(rctx *c, const st_object *a, const st_object *b)
{
	st_buf tn = ST_BUF_INIT, q = ST_BUF_INIT;
	size_t i, j;

	if (b->kind == ST_OBJ_TYPE && b->options[0] == 'e' && a->options[0] == 'e')
		warn(c, "type %s: labels are removed or reordered, which PostgreSQL cannot do in "
			"place: the type is made again and its columns converted; a row holding a "
			"removed label fails the migration",
		     b->name);
	else
		warn(c, "%s %s changes in a way PostgreSQL cannot alter: it is made again and its "
			"columns converted through text; a value that does not convert fails the "
			"migration",
		     st_obj_kind_name(b->kind), b->name);
	group(c, "Make %s %s again", st_obj_kind_name(b->kind), b->name);
	stmt(c, b->create_sql);
	if (b->comment)
		comment_on(c, b, b->comment);
	type_name(a, &tn);
	for (i = 0; i < c->cur->n; i++) {
		const st_object *t = c->cur->objs[i];
		const st_object *nt;
		const st_change *tch;
		if (t->kind != ST_OBJ_TABLE || was(c, "drop", t->key))
			continue;
		tch = change_of(c, t->key, 1);
		nt = tch && tch->to ? tch->to : st_schema_find(c->des, t->key);
		for (j = 0; j < t->n_cols; j++) {
			const st_column *oc = &t->cols[j], *nc;
			char suffix[8];
			if (!uses_type(oc->type, st_buf_str(&tn)) || inherited(oc) ||
			    is_partition(t))
				continue;
			snprintf(suffix, sizeof(suffix), "%s", oc->type + tn.len);
			nc = nt ? column(nt, oc->name) : NULL;
			if (!nc)
				continue; /* dropped with its table or alone: nothing to convert */
			st_buf_truncate(&q, 0);
			st_buf_puts(&q, ident(c, oc->name));
			if (oc->default_expr)
				alter_table_stmt(c, nt, "ALTER COLUMN %s DROP DEFAULT",
						 st_buf_str(&q));
			alter_table_stmt(c, nt, "ALTER COLUMN %s TYPE %s%s USING %s::text%s::%s%s",
					 st_buf_str(&q), target(b), suffix, st_buf_str(&q), suffix,
					 target(b), suffix);
			if (oc->default_expr && nc->default_expr && same(nc->type, oc->type))
				alter_table_stmt(c, nt, "ALTER COLUMN %s SET DEFAULT %s",
						 st_buf_str(&q), nc->default_expr);
		}
	}
	mark(c, "made", b->key);
	st_buf_free(&tn);
	st_buf_free(&q);
}

static void alter_domain(rctx *c, const st_object *a, const st_object *b)
{
	const st_column *oc = &a->cols[0], *nc = &b->cols[0];
	size_t i;

	group(c, "Alter domain %s", b->name);
	if (!same(oc->default_expr, nc->default_expr)) {
		if (nc->default_expr)
			stmtf(c, "ALTER DOMAIN %s SET DEFAULT %s", target(b), nc->default_expr);
		else
			stmtf(c, "ALTER DOMAIN %s DROP DEFAULT", target(b));
	}
	if (oc->not_null != nc->not_null)
		stmtf(c, "ALTER DOMAIN %s %s NOT NULL", target(b), nc->not_null ? "SET" : "DROP");
	for (i = 0; i < a->n_cons; i++)
		if (!has_con(b, &a->cons[i]))
			stmtf(c, "ALTER DOMAIN %s DROP CONSTRAINT %s", target(b),
			      ident(c, a->cons[i].name));
	for (i = 0; i < b->n_cons; i++)
		if (!has_con(a, &b->cons[i]))
			stmtf(c, "ALTER DOMAIN %s ADD CONSTRAINT %s %s", target(b),
			      ident(c, b->cons[i].name), b->cons[i].definition);
}

static void alter_composite(rctx *c, const st_object *a, const st_object *b)
{
	size_t i;

	group(c, "Alter type %s", b->name);
	for (i = 0; i < a->n_cols; i++)
		if (!column(b, a->cols[i].name))
			stmtf(c, "ALTER TYPE %s DROP ATTRIBUTE %s", target(b),
			      ident(c, a->cols[i].name));
	for (i = 0; i < b->n_cols; i++) {
		const st_column *oc = column(a, b->cols[i].name), *nc = &b->cols[i];
		st_buf coll = ST_BUF_INIT;
		if (nc->collation)
			st_buf_printf(&coll, " COLLATE %s", nc->collation);
		if (!oc)
			stmtf(c, "ALTER TYPE %s ADD ATTRIBUTE %s %s%s", target(b),
			      ident(c, nc->name), nc->type, st_buf_str(&coll));
		else if (!same(oc->type, nc->type) || !same(oc->collation, nc->collation))
			stmtf(c, "ALTER TYPE %s ALTER ATTRIBUTE %s TYPE %s%s", target(b),
			      ident(c, nc->name), nc->type, st_buf_str(&coll));
		st_buf_free(&coll);
	}
}

static int waits(rctx *c, const st_object *o);

/* A changed object that is not a table, altered where it stands. */
static void alter_in_place(rctx *c, const st_object *a, const st_object *b)
{
	if (!same(a->definition, b->definition)) {
		switch (b->kind) {
		case ST_OBJ_TYPE:
			if (was(c, "retype", a->key))
				retype(c, a, b);
			else if (b->options[0] == 'e') {
				group(c, "Alter type %s", b->name);
				add_labels(c, a, b);
			} else
				alter_composite(c, a, b);
			break;
		case ST_OBJ_DOMAIN:
			if (was(c, "retype", a->key))
				retype(c, a, b);
			else
				alter_domain(c, a, b);
			break;
		case ST_OBJ_SEQUENCE: {
			const char *t = target(b);
			const char *opts = strstr(b->create_sql, t);
			size_t na = strlen(a->create_sql), nb = strlen(b->create_sql);
			if (!same(a->create_sql, b->create_sql)) {
				/* CREATE SEQUENCE's options read the same in ALTER
				 * SEQUENCE; NO CYCLE is the default only there. */
				int uncycle =
					na > 6 && strcmp(a->create_sql + na - 6, " CYCLE") == 0 &&
					!(nb > 6 && strcmp(b->create_sql + nb - 6, " CYCLE") == 0);
				group(c, "Alter sequences");
				stmtf(c, "ALTER SEQUENCE %s %s%s", t,
				      opts ? opts + strlen(t) + 1 : "", uncycle ? " NO CYCLE" : "");
			}
			break; /* ownership: with the foreign keys, once the tables exist */
		}
		case ST_OBJ_FUNCTION:
			if (waits(c, b)) {
				mark(c, "replace", b->key); /* it reads a table altered below */
				break;
			}
			group(c, "Replace functions");
			stmt(c, b->create_sql);
			break;
		case ST_OBJ_EXTENSION: {
			const char *s = strstr(b->create_sql, " WITH SCHEMA ");
			group(c, "Alter extensions");
			stmtf(c, "ALTER EXTENSION %s SET SCHEMA %s", target(b),
			      s ? s + 13 : "public");
			break;
		}
		case ST_OBJ_VIEW:
			mark(c, "replace", b->key); /* with the other views, after the tables */
			break;
		default:
			break;
		}
	}
	if (!same(a->comment, b->comment)) {
		group(c, "Comments");
		comment_on(c, b, b->comment);
	}
}

/* Whether o (desired) stands on something made later (in the last pass). */
static int waits(rctx *c, const st_object *o)
{
	size_t i;

	if (o->kind == ST_OBJ_VIEW || o->kind == ST_OBJ_MATVIEW || o->kind == ST_OBJ_INDEX ||
	    o->kind == ST_OBJ_TRIGGER || o->kind == ST_OBJ_RULE || o->kind == ST_OBJ_POLICY)
		return 1;
	for (i = 0; i < o->n_deps; i++)
		if (was(c, "deferred", o->deps[i]) || was(c, "replace", o->deps[i]) ||
		    was(c, "altered", o->deps[i]))
			return 1;
	return 0;
}

/* The desired table a current one continues, when it is kept. */
static const st_object *kept_table(rctx *c, const st_object *a)
{
	const st_change *ch = change_of(c, a->key, 1);

	if (ch)
		return ch->kind == ST_CH_ALTER ? ch->to : NULL;
	return st_schema_find(c->des, a->key);
}

static void fk_key(st_buf *b, const st_object *t, const st_constraint *k)
{
	st_buf_truncate(b, 0);
	st_buf_printf(b, "%s/%s", t->key, k->name);
}

/* Whether current foreign key k reads as desired one w once the declared table renames are
 * made (PostgreSQL rewrites REFERENCES itself). */
static int fk_maps(rctx *c, const st_constraint *k, const st_constraint *w)
{
	st_buf def = ST_BUF_INIT, from = ST_BUF_INIT;
	size_t i;
	int same_fk = 0;

	if (!same(k->name, w->name) || w->kind != ST_CON_FOREIGN)
		return 0;
	if (same(k->definition, w->definition))
		return 1;
	for (i = 0; i < c->d->n_renames && !same_fk; i++) {
		const char *at;
		if (c->d->renames[i].table)
			continue;
		st_buf_truncate(&from, 0);
		st_buf_puts(&from, "REFERENCES ");
		st_pg_put_ident(&from, c->d->renames[i].from);
		st_buf_putc(&from, '(');
		if (!(at = strstr(k->definition, st_buf_str(&from))))
			continue;
		st_buf_truncate(&def, 0);
		st_buf_add(&def, k->definition, (size_t)(at - k->definition));
		st_buf_puts(&def, "REFERENCES ");
		st_pg_put_ident(&def, c->d->renames[i].to);
		st_buf_puts(&def, at + from.len - 1);
		same_fk = strcmp(st_buf_str(&def), w->definition) == 0;
	}
	st_buf_free(&def);
	st_buf_free(&from);
	return same_fk;
}

/* Whether current foreign key k is one of desired table b's (renames made). */
static int fk_kept(rctx *c, const st_object *b, const st_constraint *k)
{
	size_t i;

	for (i = 0; i < b->n_cons; i++)
		if (fk_maps(c, k, &b->cons[i]))
			return 1;
	return 0;
}

/* Whether desired foreign key w is one of current table a's (renames made). */
static int fk_was(rctx *c, const st_object *a, const st_constraint *w)
{
	size_t i;

	for (i = 0; i < a->n_cons; i++)
		if (a->cons[i].kind == ST_CON_FOREIGN && fk_maps(c, &a->cons[i], w))
			return 1;
	return 0;
}

/* Foreign keys that change or go, and those on a key that changes. */
static void drop_foreign_keys(rctx *c, st_object **cs, size_t ncs)
{
	st_buf k = ST_BUF_INIT;
	size_t i, j;

	for (i = 0; i < ncs; i++) {
		const st_object *a = cs[i], *b;
		if (a->kind != ST_OBJ_TABLE || !(b = kept_table(c, a)))
			continue;
		for (j = 0; j < a->n_cons; j++) {
			const st_constraint *fk = &a->cons[j];
			if (fk->kind != ST_CON_FOREIGN)
				continue;
			if ((fk_kept(c, b, fk) || con_renamed(a, b, fk)) &&
			    !(fk->ref_table && was(c, "refchange", fk->ref_table)) &&
			    !(fk->ref_table && was(c, "drop", fk->ref_table)))
				continue;
			group(c, "Drop foreign keys that change or go");
			alter_table_stmt(c, a, "DROP CONSTRAINT %s", ident(c, fk->name));
			fk_key(&k, b, fk);
			mark(c, "fkdropped", st_buf_str(&k));
		}
	}
	st_buf_free(&k);
}

static void add_foreign_keys(rctx *c, st_object **ds, size_t nds)
{
	st_buf k = ST_BUF_INIT;
	size_t i, j, m;
	int renamed;

	for (i = 0; i < nds; i++) {
		const st_object *b = ds[i], *a = NULL;
		const st_change *ch = change_of(c, b->key, 0);
		if (b->kind != ST_OBJ_TABLE)
			continue;
		if (!ch || ch->kind == ST_CH_ALTER)
			a = ch ? ch->from : st_schema_find(c->cur, b->key);
		for (j = 0; j < b->n_cons; j++) {
			const st_constraint *fk = &b->cons[j];
			if (fk->kind != ST_CON_FOREIGN)
				continue;
			fk_key(&k, b, fk);
			if (a && fk_was(c, a, fk) && !was(c, "fkdropped", st_buf_str(&k)))
				continue;
			for (m = 0, renamed = 0; a && m < a->n_cons && !renamed; m++)
				renamed = con_renamed(a, b, &a->cons[m]) == fk;
			if (renamed && !was(c, "fkdropped", st_buf_str(&k)))
				continue;
			group(c, "Add foreign keys (once every table exists)");
			alter_table_stmt(c, b, "ADD CONSTRAINT %s %s", ident(c, fk->name),
					 fk->definition);
		}
	}
	/* Sequences owned by a column, now that the tables exist. */
	for (i = 0; i < nds; i++) {
		const st_object *b = ds[i], *a;
		if (b->kind != ST_OBJ_SEQUENCE)
			continue;
		a = st_schema_find(c->cur, b->key);
		if (a && !was(c, "made", b->key) && same(a->options, b->options))
			continue;
		if (!b->options && (!a || !a->options))
			continue;
		group(c, "Sequences owned by a column");
		stmtf(c, "ALTER SEQUENCE %s OWNED BY %s", target(b),
		      b->options ? b->options : "NONE");
	}
	st_buf_free(&k);
}

/* Before a table is dropped: foreign keys of other tables that go with it, on a cycle. */
static void drop_table(rctx *c, st_object **cs, size_t ncs, const st_object *t)
{
	size_t i, j;

	for (i = 0; i < ncs; i++) {
		const st_object *y = cs[i];
		if (y == t || y->kind != ST_OBJ_TABLE || !was(c, "drop", y->key) ||
		    was(c, "dropped", y->key))
			continue;
		for (j = 0; j < y->n_cons; j++)
			if (y->cons[j].kind == ST_CON_FOREIGN && y->cons[j].ref_table &&
			    strcmp(y->cons[j].ref_table, t->key) == 0)
				alter_table_stmt(c, y, "DROP CONSTRAINT %s",
						 ident(c, y->cons[j].name));
	}
	warn(c, "table %s is dropped with its data", t->name);
	stmt(c, t->drop_sql);
}

/* Renames are never guessed: a table dropped while a like one is created may be one. */
static void rename_warnings(rctx *c)
{
	size_t i, j, k;

	for (i = 0; i < c->d->n; i++) {
		const st_change *dr = &c->d->v[i];
		if (dr->kind != ST_CH_DROP || dr->from->kind != ST_OBJ_TABLE)
			continue;
		for (j = 0; j < c->d->n; j++) {
			const st_change *cr = &c->d->v[j];
			size_t shared = 0;
			if (cr->kind != ST_CH_CREATE || cr->to->kind != ST_OBJ_TABLE ||
			    !same(cr->to->schema, dr->from->schema) ||
			    (is_partition(cr->to) && is_partition(dr->from)))
				continue; /* partitions share their columns: no hint there */
			for (k = 0; k < cr->to->n_cols; k++)
				shared += column(dr->from, cr->to->cols[k].name) != NULL;
			if (shared && shared * 2 >= cr->to->n_cols)
				warn(c,
				     "table %s is dropped and %s created: if it is a rename, "
				     "declare it "
				     "(--rename %s:%s) to keep its rows",
				     dr->from->name, cr->to->name, dr->from->name, cr->to->name);
		}
	}
}

/* Functions that go early but that a kept table uses (a default, a check, a generated
 * column): PostgreSQL refuses to drop them. */
static void function_warnings(rctx *c)
{
	size_t i, j;

	for (i = 0; i < c->cur->n; i++) {
		const st_object *t = c->cur->objs[i];
		if (t->kind != ST_OBJ_TABLE || was(c, "drop", t->key))
			continue;
		for (j = 0; j < t->n_deps; j++) {
			const st_object *f = st_schema_find(c->cur, t->deps[j]);
			if (f && f->kind == ST_OBJ_FUNCTION && was(c, "early", f->key))
				warn(c,
				     "%s %s must be dropped and made again, but table %s uses it: "
				     "change the table's use of it in a migration of its own first",
				     st_obj_kind_name(f->kind), f->name, t->name);
		}
	}
}

static int render(st_err *err, const st_diff *d, const st_schema *cur, const st_schema *des,
		  st_buf *out, st_strvec *warnings)
{
	rctx c;
	st_object **cs = NULL, **ds = NULL;
	size_t ncs = 0, nds = 0, i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.err = err;
	c.d = d;
	c.cur = cur;
	c.des = des;
	c.out = out;
	c.warnings = warnings;
	if ((rc = st_schema_sorted(err, cur, &cs, &ncs)) ||
	    (rc = st_schema_sorted(err, des, &ds, &nds)))
		goto out;
	if (index_changes(&c)) {
		rc = st_err_oom(err);
		goto out;
	}

	classify(&c);
	closure(&c);
	rename_warnings(&c);
	function_warnings(&c);

	/* 1. Foreign keys that change or go; then what changes or stands on what changes,
	 * dependents first; enums made again are renamed out of the way. */
	drop_foreign_keys(&c, cs, ncs);
	for (i = ncs; i-- > 0;) {
		const st_object *o = cs[i];
		if (!was(&c, "early", o->key) || goes_with_table(&c, o))
			continue;
		group(&c, "Drop what changes, goes, or stands on what changes");
		if (o->kind == ST_OBJ_TABLE)
			drop_table(&c, cs, ncs, o);
		else
			stmt(&c, o->drop_sql);
		mark(&c, "dropped", o->key);
	}
	/* Partitions whose bounds change leave their table before new partitions come. */
	for (i = 0; i < ncs; i++) {
		const st_object *o = cs[i], *b;
		st_buf pa = ST_BUF_INIT, ba = ST_BUF_INIT;
		if (o->kind == ST_OBJ_TABLE && (b = kept_table(&c, o)) &&
		    !same_clause(o->options, b->options, "PARTITION OF ") &&
		    partition_of(o->options, &pa, &ba)) {
			group(&c, "Detach partitions whose bounds change");
			stmtf(&c, "ALTER TABLE %s DETACH PARTITION %s", st_buf_str(&pa), target(o));
			mark(&c, "detached", o->key);
		}
		st_buf_free(&pa);
		st_buf_free(&ba);
	}
	for (i = 0; i < ncs; i++) {
		const st_object *o = cs[i];
		st_buf old = ST_BUF_INIT;
		if (!was(&c, "retype", o->key))
			continue;
		st_buf_printf(&old, "%s__strata_old", o->name);
		group(&c, "Rename types made again out of the way");
		stmtf(&c, "ALTER %s %s RENAME TO %s", o->kind == ST_OBJ_DOMAIN ? "DOMAIN" : "TYPE",
		      target(o), ident(&c, st_buf_str(&old)));
		st_buf_free(&old);
	}

	/* 2. In the desired schema's order: objects made (new tables first), others changed;
	 * then tables altered.  What needs an altered table waits for step 4. */
	for (i = 0; i < c.d->n; i++)
		if (c.d->v[i].kind == ST_CH_ALTER && c.d->v[i].to->kind == ST_OBJ_TABLE)
			mark(&c, "altered", c.d->v[i].to->key);
	for (i = 0; i < nds; i++) {
		const st_object *o = ds[i];
		const st_change *ch = change_of(&c, o->key, 0);
		int again = was(&c, "early", o->key) && st_schema_find(cur, o->key);
		if (!ch && !again)
			continue;
		if (o->kind == ST_OBJ_TABLE) {
			if (ch && ch->kind == ST_CH_CREATE)
				create(&c, o, 0);
			continue;
		}
		if (ch && ch->kind == ST_CH_ALTER && !again) {
			alter_in_place(&c, ch->from, o);
			continue;
		}
		if (waits(&c, o)) {
			mark(&c, "deferred", o->key);
			continue;
		}
		create(&c, o, again);
	}
	for (i = 0; i < nds; i++) {
		const st_change *ch = change_of(&c, ds[i]->key, 0);
		if (ds[i]->kind == ST_OBJ_TABLE && ch && ch->kind == ST_CH_ALTER)
			alter_table(&c, ch->from, ds[i]);
	}

	/* 3. Foreign keys, once every table exists (cycles included). */
	add_foreign_keys(&c, ds, nds);

	/* 4. Views, indexes, triggers (and what waited for them), new or made again. */
	for (i = 0; i < nds; i++) {
		const st_object *o = ds[i];
		if (was(&c, "deferred", o->key))
			create(&c, o, st_schema_find(cur, o->key) != NULL);
		else if (was(&c, "replace", o->key)) {
			st_buf b = ST_BUF_INIT;
			const st_change *ch = change_of(&c, o->key, 0);
			group(&c, o->kind == ST_OBJ_VIEW ? "Replace views" : "Replace functions");
			if (o->kind == ST_OBJ_VIEW)
				st_buf_printf(&b, "CREATE OR REPLACE %s", o->create_sql + 7);
			else
				st_buf_puts(&b, o->create_sql);
			stmt(&c, st_buf_str(&b));
			st_buf_free(&b);
			if (ch && !same(ch->from->comment, o->comment))
				comment_on(&c, o, o->comment);
		}
	}

	/* 5. What goes, dependents first. */
	for (i = ncs; i-- > 0;) {
		const st_object *o = cs[i];
		if (!was(&c, "drop", o->key) || was(&c, "dropped", o->key) ||
		    goes_with_table(&c, o))
			continue;
		group(&c, "Drop what the schema file no longer has");
		if (o->kind == ST_OBJ_TABLE)
			drop_table(&c, cs, ncs, o);
		else
			stmt(&c, o->drop_sql);
		mark(&c, "dropped", o->key);
	}
	for (i = 0; i < ncs; i++) {
		const st_object *o = cs[i];
		st_buf old = ST_BUF_INIT;
		if (!was(&c, "retype", o->key))
			continue;
		st_buf_printf(&old, "%s__strata_old", o->name);
		group(&c, "Drop what the schema file no longer has");
		if (o->schema && strcmp(o->schema, "public") != 0)
			stmtf(&c, "DROP %s %s.%s", o->kind == ST_OBJ_DOMAIN ? "DOMAIN" : "TYPE",
			      ident(&c, o->schema), ident(&c, st_buf_str(&old)));
		else
			stmtf(&c, "DROP %s %s", o->kind == ST_OBJ_DOMAIN ? "DOMAIN" : "TYPE",
			      ident(&c, st_buf_str(&old)));
		st_buf_free(&old);
	}
	if (c.failed || st_buf_oom(out))
		rc = st_err_oom(err);
out:
	free(cs);
	free(ds);
	free(c.by_from);
	free(c.by_to);
	sset_free(&c.marks);
	st_buf_free(&c.group);
	for (i = 0; i < 4; i++)
		st_buf_free(&c.ring[i]);
	return rc;
}

const st_dialect st_dialect_pg = {
	.name = "postgresql",
	.render = render,
};
