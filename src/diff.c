/* diff.c - comparing two schemas: which objects are missing, extra or different, with one line
 * per difference for people (strata check) and the changes the dialects render.  Engine-neutral:
 * both sides were introspected by the same code, so equal definitions read equal. */
#include "schema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

static int add_line(st_err *err, st_diff *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int add_line(st_err *err, st_diff *d, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (st_buf_oom(&b) || st_strvec_push(&d->lines, st_buf_str(&b)))
		rc = st_err_oom(err);
	st_buf_free(&b);
	return rc;
}

static st_change *add_change(st_err *err, st_diff *d, st_change_kind kind, const st_object *from,
			     const st_object *to)
{
	st_change *c;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		st_change *v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			st_err_oom(err);
			return NULL;
		}
		d->v = v;
		d->cap = cap;
	}
	c = &d->v[d->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->from = from;
	c->to = to;
	return c;
}

/* A type change that keeps every value: varchar(n) -> varchar(m >= n) or text, a wider
 * integer or float.  Anything else may lose data and is flagged. */
static int widens(const char *from, const char *to)
{
	static const char *const ladders[][4] = {
		{ "smallint", "integer", "bigint", "numeric" },
		{ "real", "double precision", NULL, NULL },
		{ "INT2", "INTEGER", "INT8", NULL },
	};
	size_t i, a, b;
	int na, nb;

	if (strcmp(from, to) == 0)
		return 1;
	if ((strncmp(from, "character varying", 17) == 0 || strncmp(from, "VARCHAR", 7) == 0) &&
	    (strcmp(to, "text") == 0 || strcmp(to, "TEXT") == 0 || strcmp(to, "character varying") == 0))
		return 1;
	if (sscanf(from, "character varying(%d)", &na) == 1 &&
	    sscanf(to, "character varying(%d)", &nb) == 1)
		return nb >= na;
	if (sscanf(from, "VARCHAR(%d)", &na) == 1 && sscanf(to, "VARCHAR(%d)", &nb) == 1)
		return nb >= na;
	for (i = 0; i < ST_ARRAY_LEN(ladders); i++) {
		for (a = 0; a < 4 && ladders[i][a] && strcmp(ladders[i][a], from); a++)
			;
		for (b = 0; b < 4 && ladders[i][b] && strcmp(ladders[i][b], to); b++)
			;
		if (a < 4 && b < 4 && ladders[i][a] && ladders[i][b])
			return b >= a;
	}
	return 0;
}

static const st_column *find_col(const st_object *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static int has_con(const st_object *t, const st_constraint *c)
{
	size_t i;

	for (i = 0; i < t->n_cons; i++)
		if (t->cons[i].kind == c->kind && same(t->cons[i].definition, c->definition) &&
		    (!t->cons[i].name || !c->name || strcmp(t->cons[i].name, c->name) == 0))
			return 1;
	return 0;
}

static const char *column_renamed_from(const st_diff *d, const st_object *t, const char *to)
{
	size_t i;

	for (i = 0; i < d->n_renames; i++)
		if (d->renames[i].table && strcmp(d->renames[i].table, t->name) == 0 &&
		    strcmp(d->renames[i].to, to) == 0)
			return d->renames[i].from;
	return NULL;
}

static const char *con_label(const st_constraint *c)
{
	switch (c->kind) {
	case ST_CON_PRIMARY: return "primary key";
	case ST_CON_UNIQUE: return "unique constraint";
	case ST_CON_CHECK: return "check constraint";
	case ST_CON_FOREIGN: return "foreign key";
	default: return "constraint";
	}
}

/* Compare two versions of a table; lines describe each difference.  Returns whether any. */
static int diff_table(st_err *err, st_diff *d, const st_object *a, const st_object *b,
		      int *destructive)
{
	size_t i;
	int n0 = (int)d->lines.n;
	const char *t = b->name;

	if (strcmp(a->key, b->key) != 0 && /* a declared rename (not a change of case) */
	    add_line(err, d, "table %s: renamed to %s (declared)", a->name, b->name))
		return -1;
	for (i = 0; i < b->n_cols; i++) {
		const st_column *nc = &b->cols[i];
		const char *old = column_renamed_from(d, b, nc->name);
		const st_column *oc = find_col(a, old ? old : nc->name);
		if (!oc) {
			if (add_line(err, d, "table %s: missing column %s %s", t, nc->name, nc->type))
				return -1;
			continue;
		}
		if (old && add_line(err, d, "table %s: column %s renamed to %s (declared)", t, old,
				    nc->name))
			return -1;
		if (!same(oc->type, nc->type)) {
			if (!widens(oc->type, nc->type))
				*destructive = 1;
			if (add_line(err, d, "table %s: column %s: type %s -> %s%s", t, nc->name, oc->type,
				     nc->type, widens(oc->type, nc->type) ? "" : " (may lose data)"))
				return -1;
		}
		if (oc->not_null != nc->not_null &&
		    add_line(err, d, "table %s: column %s: %s -> %s", t, nc->name,
			     oc->not_null ? "NOT NULL" : "nullable", nc->not_null ? "NOT NULL" : "nullable"))
			return -1;
		if (!same(oc->default_expr, nc->default_expr) &&
		    add_line(err, d, "table %s: column %s: default %s -> %s", t, nc->name,
			     oc->default_expr ? oc->default_expr : "none",
			     nc->default_expr ? nc->default_expr : "none"))
			return -1;
		if (!same(oc->collation, nc->collation) &&
		    add_line(err, d, "table %s: column %s: collation %s -> %s", t, nc->name,
			     oc->collation ? oc->collation : "default",
			     nc->collation ? nc->collation : "default"))
			return -1;
		if ((!same(oc->generated, nc->generated) || oc->generated_stored != nc->generated_stored) &&
		    add_line(err, d, "table %s: column %s: generated %s -> %s", t, nc->name,
			     oc->generated ? oc->generated : "no", nc->generated ? nc->generated : "no"))
			return -1;
		if (oc->identity != nc->identity &&
		    add_line(err, d, "table %s: column %s: identity %s -> %s", t, nc->name,
			     oc->identity == 'a' ? "ALWAYS" : oc->identity == 'd' ? "BY DEFAULT" : "none",
			     nc->identity == 'a' ? "ALWAYS" : nc->identity == 'd' ? "BY DEFAULT" : "none"))
			return -1;
		if (!same(oc->comment, nc->comment) &&
		    add_line(err, d, "table %s: column %s: comment differs", t, nc->name))
			return -1;
	}
	for (i = 0; i < a->n_cols; i++) {
		const st_column *oc = &a->cols[i];
		size_t j;
		int kept = find_col(b, oc->name) != NULL;
		for (j = 0; !kept && j < d->n_renames; j++)
			kept = d->renames[j].table && strcmp(d->renames[j].table, b->name) == 0 &&
			       strcmp(d->renames[j].from, oc->name) == 0;
		if (!kept) {
			*destructive = 1;
			if (add_line(err, d, "table %s: extra column %s", t, oc->name))
				return -1;
		}
	}
	for (i = 0; i < b->n_cons; i++)
		if (!has_con(a, &b->cons[i]) &&
		    add_line(err, d, "table %s: missing %s %s%s%s", t, con_label(&b->cons[i]),
			     b->cons[i].name ? b->cons[i].name : "", b->cons[i].name ? ": " : "",
			     b->cons[i].definition))
			return -1;
	for (i = 0; i < a->n_cons; i++)
		if (!has_con(b, &a->cons[i]) &&
		    add_line(err, d, "table %s: extra %s %s%s%s", t, con_label(&a->cons[i]),
			     a->cons[i].name ? a->cons[i].name : "", a->cons[i].name ? ": " : "",
			     a->cons[i].definition))
			return -1;
	if (!same(a->options, b->options) &&
	    add_line(err, d, "table %s: options %s -> %s", t, a->options ? a->options : "none",
		     b->options ? b->options : "none"))
		return -1;
	if (!same(a->comment, b->comment) && add_line(err, d, "table %s: comment differs", t))
		return -1;
	return (int)d->lines.n > n0;
}

static const st_rename *table_rename_to(const st_diff *d, const char *to)
{
	size_t i;

	for (i = 0; i < d->n_renames; i++)
		if (!d->renames[i].table && strcmp(d->renames[i].to, to) == 0)
			return &d->renames[i];
	return NULL;
}

int st_diff_compute(st_err *err, st_diff *d, const st_schema *cur, const st_schema *des,
		    const st_rename *renames, size_t n_renames)
{
	size_t i = 0, j = 0;
	uint8_t *taken = calloc(cur->n + 1, 1);

	memset(d, 0, sizeof(*d));
	d->renames = renames;
	d->n_renames = n_renames;
	if (!taken)
		return st_err_oom(err);
	/* Declared table renames pair a current table with a desired one of another name. */
	for (j = 0; j < des->n; j++) {
		const st_object *b = des->objs[j];
		const st_rename *rn;
		if (b->kind != ST_OBJ_TABLE || !(rn = table_rename_to(d, b->name)))
			continue;
		for (i = 0; i < cur->n; i++) {
			const st_object *a = cur->objs[i];
			if (a->kind == ST_OBJ_TABLE && strcmp(a->name, rn->from) == 0 &&
			    same(a->schema, b->schema) && !st_schema_find(des, a->key)) {
				int destructive = 0, r;
				taken[i] = 1;
				r = diff_table(err, d, a, b, &destructive);
				st_change *c = r < 0 ? NULL : add_change(err, d, ST_CH_ALTER, a, b);
				if (!c) {
					free(taken);
					return err->code ? err->code : st_err_oom(err);
				}
				c->destructive = destructive;
			}
		}
	}
	/* A merge walk: both sides are sorted by key. */
	i = j = 0;
	while (i < cur->n || j < des->n) {
		const st_object *a = i < cur->n ? cur->objs[i] : NULL;
		const st_object *b = j < des->n ? des->objs[j] : NULL;
		int c = !a ? 1 : !b ? -1 : strcmp(a->key, b->key);
		st_change *ch;

		if (c < 0 && taken[i]) {
			i++;
			continue;
		}
		if (c > 0 && b->kind == ST_OBJ_TABLE && table_rename_to(d, b->name)) {
			/* Paired above (or its old table is gone: then it is created). */
			size_t k;
			int paired = 0;
			for (k = 0; k < cur->n; k++)
				paired |= taken[k] && strcmp(cur->objs[k]->name, table_rename_to(d, b->name)->from) == 0;
			if (paired) {
				j++;
				continue;
			}
		}
		if (c < 0) {
			ch = add_change(err, d, ST_CH_DROP, a, NULL);
			if (!ch)
				break;
			ch->destructive = a->kind == ST_OBJ_TABLE || a->kind == ST_OBJ_SEQUENCE ||
					  a->kind == ST_OBJ_MATVIEW;
			if (add_line(err, d, "extra %s %s", st_obj_kind_name(a->kind), a->name))
				break;
			i++;
		} else if (c > 0) {
			if (!add_change(err, d, ST_CH_CREATE, NULL, b) ||
			    add_line(err, d, "missing %s %s", st_obj_kind_name(b->kind), b->name))
				break;
			j++;
		} else {
			int destructive = 0, differs;
			if (a->kind == ST_OBJ_TABLE) {
				differs = diff_table(err, d, a, b, &destructive);
				if (differs < 0)
					break;
			} else {
				differs = !same(a->definition, b->definition);
				if (differs && add_line(err, d, "%s %s: definition differs",
							st_obj_kind_name(a->kind), a->name))
					break;
				if (!same(a->comment, b->comment)) {
					if (add_line(err, d, "%s %s: comment differs", st_obj_kind_name(a->kind),
						     a->name))
						break;
					differs = 1;
				}
			}
			if (differs) {
				ch = add_change(err, d, ST_CH_ALTER, a, b);
				if (!ch)
					break;
				ch->destructive = destructive;
			}
			i++;
			j++;
		}
	}
	free(taken);
	return err->code;
}

void st_diff_free(st_diff *d)
{
	free(d->v);
	st_strvec_free(&d->lines);
	memset(d, 0, sizeof(*d));
}
