/* render_sqlite.c - the SQL that turns one SQLite schema into another.  ALTER TABLE where SQLite
 * can (rename a table or column, add a column, drop a plain column); otherwise SQLite's documented
 * table rebuild (https://www.sqlite.org/lang_altertable.html#otheralter): a new table with the
 * desired definition, the rows copied, the old table dropped, the new one renamed, its indexes,
 * triggers and the views that use it made again, and the foreign keys checked at the end. */
#include "schema.h"
#include "sqltok.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rctx {
	st_err *err;
	const st_diff *d;
	const st_schema *cur, *des;
	st_buf *out;
	st_strvec *warnings;
	st_strvec done;      /* "drop KEY" / "create KEY": what was emitted already */
	int rebuilt;         /* a table was rebuilt: check the foreign keys */
	const char *group;   /* the comment of the group being written */
} rctx;

static int warn(rctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int warn(rctx *c, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (st_buf_oom(&b) || st_strvec_push(c->warnings, st_buf_str(&b)))
		rc = st_err_oom(c->err);
	else
		st_buf_printf(c->out, "-- WARNING: %s\n", st_buf_str(&b));
	st_buf_free(&b);
	return rc;
}

static int was(rctx *c, const char *what, const char *key)
{
	size_t i, n = strlen(what);

	for (i = 0; i < c->done.n; i++)
		if (strncmp(c->done.v[i], what, n) == 0 && c->done.v[i][n] == ' ' &&
		    strcmp(c->done.v[i] + n + 1, key) == 0)
			return 1;
	return 0;
}

static int mark(rctx *c, const char *what, const char *key)
{
	st_buf b = ST_BUF_INIT;
	int rc = 0;

	st_buf_printf(&b, "%s %s", what, key);
	if (st_buf_oom(&b) || st_strvec_push(&c->done, st_buf_str(&b)))
		rc = st_err_oom(c->err);
	st_buf_free(&b);
	return rc;
}

/* A comment over each group of statements, written once before the group's first statement. */
static void group(rctx *c, const char *title)
{
	if (c->group != title) {
		st_buf_printf(c->out, "%s-- %s\n", c->out->len ? "\n" : "", title);
		c->group = title;
	}
}

static void stmt(rctx *c, const char *sql)
{
	size_t n = strlen(sql);

	while (n && (isspace((unsigned char)sql[n - 1]) || sql[n - 1] == ';'))
		n--;
	st_buf_add(c->out, sql, n);
	st_buf_puts(c->out, ";\n");
}

static int name_in(const char *sql, const char *name)
{
	const char *p = sql, *end = sql + strlen(sql);
	st_tok t;
	int found = 0;

	while (!found && (t = st_sqltok_next(&p, end)).kind != ST_TOK_END) {
		st_buf b = ST_BUF_INIT;
		if (t.kind != ST_TOK_WORD && t.kind != ST_TOK_QIDENT)
			continue;
		st_tok_ident(&b, &t);
		found = strcasecmp(st_buf_str(&b), name) == 0;
		st_buf_free(&b);
	}
	return found;
}

static const st_change *change_of(rctx *c, const char *key, int side_from)
{
	size_t i;

	for (i = 0; i < c->d->n; i++) {
		const st_object *o = side_from ? c->d->v[i].from : c->d->v[i].to;
		if (o && strcmp(o->key, key) == 0)
			return &c->d->v[i];
	}
	return NULL;
}

static const char *renamed_column(const st_diff *d, const char *table, const char *to)
{
	size_t i;

	for (i = 0; i < d->n_renames; i++)
		if (d->renames[i].table && strcasecmp(d->renames[i].table, table) == 0 &&
		    strcasecmp(d->renames[i].to, to) == 0)
			return d->renames[i].from;
	return NULL;
}

static const st_column *column(const st_object *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++)
		if (strcasecmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static int same(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

static int in_list(const char *list, const char *name)
{
	const char *p = list;
	size_t n = strlen(name);

	while (p && *p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		if (len == n && strncasecmp(p, name, n) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

/* A literal default (what ALTER TABLE ADD COLUMN accepts). */
static int constant_default(const char *d)
{
	const char *p = d, *end = d + strlen(d);
	st_tok t = st_sqltok_next(&p, end);

	if (t.kind == ST_TOK_PUNCT && t.n == 1 && (t.s[0] == '-' || t.s[0] == '+'))
		t = st_sqltok_next(&p, end);
	if (t.kind == ST_TOK_STRING || t.kind == ST_TOK_NUMBER || t.kind == ST_TOK_BLOB ||
	    st_tok_is(&t, "NULL") || st_tok_is(&t, "TRUE") || st_tok_is(&t, "FALSE"))
		return st_sqltok_next(&p, end).kind == ST_TOK_END;
	return 0;
}

/* Whether the change to table a -> b can be done with ALTER TABLE; *why gets the reason when
 * not. */
static int alterable(rctx *c, const st_object *a, const st_object *b, const char **why)
{
	size_t i, j;

	if (!same(a->options, b->options)) {
		*why = "change WITHOUT ROWID or STRICT";
		return 0;
	}
	if (a->n_cons != b->n_cons) {
		*why = "change a constraint";
		return 0;
	}
	for (i = 0; i < b->n_cons; i++) {
		int found = 0;
		for (j = 0; j < a->n_cons && !found; j++)
			found = a->cons[j].kind == b->cons[i].kind &&
				same(a->cons[j].definition, b->cons[i].definition);
		if (!found) {
			*why = "change a constraint";
			return 0;
		}
	}
	for (i = 0; i < b->n_cols; i++) {
		const st_column *nc = &b->cols[i];
		const char *old = renamed_column(c->d, b->name, nc->name);
		const st_column *oc = column(a, old ? old : nc->name);
		if (!oc) {
			if (nc->generated_stored) {
				*why = "add a stored generated column";
				return 0;
			}
			if (nc->not_null && !nc->default_expr) {
				*why = "add a NOT NULL column without a default";
				return 0;
			}
			if (nc->default_expr && !constant_default(nc->default_expr)) {
				*why = "add a column whose default is an expression";
				return 0;
			}
			continue;
		}
		if (!same(oc->type, nc->type) || oc->not_null != nc->not_null ||
		    !same(oc->default_expr, nc->default_expr) || !same(oc->collation, nc->collation) ||
		    !same(oc->generated, nc->generated) || oc->generated_stored != nc->generated_stored) {
			*why = "change a column's type, nullability, default, collation or generation";
			return 0;
		}
	}
	for (i = 0; i < a->n_cols; i++) {
		const st_column *oc = &a->cols[i];
		int kept = column(b, oc->name) != NULL;
		for (j = 0; !kept && j < c->d->n_renames; j++)
			kept = c->d->renames[j].table && strcasecmp(c->d->renames[j].table, b->name) == 0 &&
			       strcasecmp(c->d->renames[j].from, oc->name) == 0;
		if (kept)
			continue;
		/* DROP COLUMN refuses a column any index, constraint, view or trigger uses. */
		for (j = 0; j < a->n_cons; j++)
			if (in_list(a->cons[j].columns, oc->name) ||
			    (a->cons[j].kind == ST_CON_CHECK && name_in(a->cons[j].definition, oc->name))) {
				*why = "drop a column a constraint uses";
				return 0;
			}
		if (oc->generated) {
			*why = "drop a generated column";
			return 0;
		}
		for (j = 0; j < c->cur->n; j++) {
			const st_object *x = c->cur->objs[j];
			if (x->kind == ST_OBJ_TABLE || !x->create_sql)
				continue;
			if ((x->kind == ST_OBJ_INDEX && x->table && strcmp(x->table, a->key) == 0 &&
			     name_in(x->create_sql, oc->name)) ||
			    ((x->kind == ST_OBJ_VIEW || x->kind == ST_OBJ_TRIGGER) &&
			     name_in(x->create_sql, a->name) && name_in(x->create_sql, oc->name))) {
				*why = "drop a column an index, view or trigger uses";
				return 0;
			}
		}
	}
	return 1;
}

/* The desired CREATE TABLE with another table name. */
static int create_as(rctx *c, const st_object *t, const char *name, st_buf *out)
{
	const char *sql = t->create_sql, *p = sql, *end = sql + strlen(sql);
	st_tok tok;

	while ((tok = st_sqltok_next(&p, end)).kind != ST_TOK_END) {
		if (st_tok_is(&tok, "CREATE") || st_tok_is(&tok, "TABLE") || st_tok_is(&tok, "TEMP") ||
		    st_tok_is(&tok, "TEMPORARY") || st_tok_is(&tok, "IF") || st_tok_is(&tok, "NOT") ||
		    st_tok_is(&tok, "EXISTS"))
			continue;
		/* tok is the name (maybe schema-qualified: skip "main" "."). */
		{
			const char *q = p;
			st_tok dot = st_sqltok_next(&q, end);
			if (dot.kind == ST_TOK_PUNCT && dot.n == 1 && dot.s[0] == '.') {
				tok = st_sqltok_next(&q, end);
				p = q;
			}
		}
		st_buf_add(out, sql, (size_t)(tok.s - sql));
		st_buf_put_ident(out, name);
		st_buf_puts(out, p);
		return 0;
	}
	return st_err_set(c->err, STRATA_ERROR, "cannot find the table name in: %.60s", sql);
}

static int rebuild(rctx *c, const st_object *a, const st_object *b, const char *why)
{
	st_buf tmp = ST_BUF_INIT, sql = ST_BUF_INIT, cols = ST_BUF_INIT, sel = ST_BUF_INIT;
	size_t i;
	int rc = 0;

	st_buf_printf(&tmp, "_strata_new_%s", b->name);
	group(c, "Rebuild tables whose change ALTER TABLE cannot make (rows copied, indexes, "
		 "triggers and views made again)");
	st_buf_printf(c->out, "-- %s: SQLite cannot %s with ALTER TABLE\n", b->name, why);
	for (i = 0; i < b->n_cols; i++) {
		const st_column *nc = &b->cols[i];
		const char *old = renamed_column(c->d, b->name, nc->name);
		const st_column *oc = column(a, old ? old : nc->name);
		if (nc->generated)
			continue;
		if (!oc || oc->generated) {
			if (nc->not_null && !nc->default_expr &&
			    (rc = warn(c, "table %s: new column %s is NOT NULL without a default: the "
					  "copy fails if the table has rows; give it a default or fill it "
					  "in this migration",
				       b->name, nc->name)))
				goto out;
			continue;
		}
		if (cols.len) {
			st_buf_puts(&cols, ", ");
			st_buf_puts(&sel, ", ");
		}
		st_buf_put_ident(&cols, nc->name);
		st_buf_put_ident(&sel, oc->name);
	}
	for (i = 0; i < a->n_cols; i++) {
		const st_column *oc = &a->cols[i];
		size_t j;
		int kept = column(b, oc->name) != NULL;
		for (j = 0; !kept && j < c->d->n_renames; j++)
			kept = c->d->renames[j].table && strcasecmp(c->d->renames[j].table, b->name) == 0 &&
			       strcasecmp(c->d->renames[j].from, oc->name) == 0;
		if (!kept && (rc = warn(c, "table %s: column %s is dropped with its data", b->name,
					oc->name)))
			goto out;
	}
	for (i = 0; i < b->n_cols; i++) {
		const char *old = renamed_column(c->d, b->name, b->cols[i].name);
		const st_column *oc = column(a, old ? old : b->cols[i].name);
		if (oc && !same(oc->type, b->cols[i].type) &&
		    (rc = warn(c, "table %s: column %s changes type %s -> %s: check that every value "
				  "converts",
			       b->name, b->cols[i].name, *oc->type ? oc->type : "(none)",
			       *b->cols[i].type ? b->cols[i].type : "(none)")))
			goto out;
	}
	if ((rc = create_as(c, b, st_buf_str(&tmp), &sql)))
		goto out;
	stmt(c, st_buf_str(&sql));
	st_buf_truncate(&sql, 0);
	if (cols.len) {
		st_buf_puts(&sql, "INSERT INTO ");
		st_buf_put_ident(&sql, st_buf_str(&tmp));
		st_buf_printf(&sql, " (%s) SELECT %s FROM ", st_buf_str(&cols), st_buf_str(&sel));
		st_buf_put_ident(&sql, a->name);
		stmt(c, st_buf_str(&sql));
		st_buf_truncate(&sql, 0);
	}
	st_buf_puts(&sql, "DROP TABLE ");
	st_buf_put_ident(&sql, a->name);
	stmt(c, st_buf_str(&sql));
	st_buf_truncate(&sql, 0);
	st_buf_puts(&sql, "ALTER TABLE ");
	st_buf_put_ident(&sql, st_buf_str(&tmp));
	st_buf_puts(&sql, " RENAME TO ");
	st_buf_put_ident(&sql, b->name);
	stmt(c, st_buf_str(&sql));
	c->rebuilt = 1;
out:
	st_buf_free(&tmp);
	st_buf_free(&sql);
	st_buf_free(&cols);
	st_buf_free(&sel);
	return rc;
}

static int alter(rctx *c, const st_object *a, const st_object *b)
{
	st_buf sql = ST_BUF_INIT;
	size_t i, j;

	group(c, "Alter tables");
	for (i = 0; i < b->n_cols; i++) {
		const st_column *nc = &b->cols[i];
		const char *old = renamed_column(c->d, b->name, nc->name);
		if (old && column(a, old)) {
			st_buf_puts(&sql, "ALTER TABLE ");
			st_buf_put_ident(&sql, b->name);
			st_buf_puts(&sql, " RENAME COLUMN ");
			st_buf_put_ident(&sql, old);
			st_buf_puts(&sql, " TO ");
			st_buf_put_ident(&sql, nc->name);
			stmt(c, st_buf_str(&sql));
			st_buf_truncate(&sql, 0);
		} else if (!column(a, nc->name)) {
			st_buf_puts(&sql, "ALTER TABLE ");
			st_buf_put_ident(&sql, b->name);
			st_buf_printf(&sql, " ADD COLUMN %s", nc->definition);
			stmt(c, st_buf_str(&sql));
			st_buf_truncate(&sql, 0);
		}
	}
	for (i = 0; i < a->n_cols; i++) {
		const st_column *oc = &a->cols[i];
		int kept = column(b, oc->name) != NULL;
		for (j = 0; !kept && j < c->d->n_renames; j++)
			kept = c->d->renames[j].table && strcasecmp(c->d->renames[j].table, b->name) == 0 &&
			       strcasecmp(c->d->renames[j].from, oc->name) == 0;
		if (kept)
			continue;
		if (warn(c, "table %s: column %s is dropped with its data", b->name, oc->name)) {
			st_buf_free(&sql);
			return c->err->code;
		}
		st_buf_puts(&sql, "ALTER TABLE ");
		st_buf_put_ident(&sql, b->name);
		st_buf_puts(&sql, " DROP COLUMN ");
		st_buf_put_ident(&sql, oc->name);
		stmt(c, st_buf_str(&sql));
		st_buf_truncate(&sql, 0);
	}
	st_buf_free(&sql);
	return st_buf_oom(c->out) ? st_err_oom(c->err) : 0;
}

/* Tables this run drops or rebuilds: their indexes and triggers go with them. */
static int table_goes(rctx *c, const char *key)
{
	return was(c, "rebuild", key) || was(c, "droptable", key);
}

/* ... or renames: views and triggers that name them are made again. */
static int table_moves(rctx *c, const char *key)
{
	return table_goes(c, key) || was(c, "renametable", key);
}

/* A current view or trigger must be dropped (and, if wanted, made again) when it changes, goes,
 * or uses a table or view that does. */
static int must_drop(rctx *c, const st_object *o)
{
	size_t i;
	const st_change *ch = change_of(c, o->key, 1);

	if (ch)
		return 1; /* dropped or altered */
	if (o->table && table_moves(c, o->table))
		return 1;
	for (i = 0; i < o->n_deps; i++)
		if (table_moves(c, o->deps[i]) || was(c, "dropping", o->deps[i]))
			return 1;
	return 0;
}

static int render(st_err *err, const st_diff *d, const st_schema *cur, const st_schema *des,
		  st_buf *out, st_strvec *warnings)
{
	rctx c;
	st_object **cs = NULL, **ds = NULL;
	size_t ncs = 0, nds = 0, i, j;
	int rc;

	memset(&c, 0, sizeof(c));
	c.err = err;
	c.d = d;
	c.cur = cur;
	c.des = des;
	c.out = out;
	c.warnings = warnings;
	if ((rc = st_schema_sorted(err, cur, &cs, &ncs)) || (rc = st_schema_sorted(err, des, &ds, &nds)))
		goto out;

	/* Decide per table: rename, alter, rebuild, drop. */
	for (i = 0; i < d->n; i++) {
		const st_change *ch = &d->v[i];
		const char *why = NULL;
		if (ch->kind == ST_CH_DROP && ch->from->kind == ST_OBJ_TABLE)
			rc = mark(&c, "droptable", ch->from->key);
		else if (ch->kind == ST_CH_ALTER && ch->from->kind == ST_OBJ_TABLE) {
			if (strcmp(ch->from->key, ch->to->key) != 0)
				rc = mark(&c, "renametable", ch->from->key);
			if (!rc && !alterable(&c, ch->from, ch->to, &why))
				rc = mark(&c, "rebuild", ch->from->key);
		}
		if (rc)
			goto out;
	}
	/* Warnings about renames that were not declared. */
	for (i = 0; i < d->n; i++) {
		const st_change *dr = &d->v[i];
		if (dr->kind != ST_CH_DROP || dr->from->kind != ST_OBJ_TABLE)
			continue;
		for (j = 0; j < d->n; j++) {
			const st_change *cr = &d->v[j];
			size_t k, shared = 0;
			if (cr->kind != ST_CH_CREATE || cr->to->kind != ST_OBJ_TABLE)
				continue;
			for (k = 0; k < cr->to->n_cols; k++)
				shared += column(dr->from, cr->to->cols[k].name) != NULL;
			if (shared && shared * 2 >= cr->to->n_cols &&
			    (rc = warn(&c, "table %s is dropped and %s created: if it is a rename, declare "
					   "it (--rename %s:%s) to keep its rows",
				       dr->from->name, cr->to->name, dr->from->name, cr->to->name)))
				goto out;
		}
	}

	/* 1. Drop triggers and views that change, go, or stand on what changes: first find them
	 * all (a view on a dropped view goes too), then drop them dependents first. */
	for (int changed = 1; changed;) {
		changed = 0;
		for (i = 0; i < ncs; i++) {
			const st_object *o = cs[i];
			if ((o->kind != ST_OBJ_TRIGGER && o->kind != ST_OBJ_VIEW) ||
			    was(&c, "dropping", o->key) || !must_drop(&c, o))
				continue;
			if ((rc = mark(&c, "dropping", o->key)))
				goto out;
			changed = 1;
		}
	}
	for (i = ncs; i-- > 0;) {
		const st_object *o = cs[i];
		if (!was(&c, "dropping", o->key))
			continue;
		group(&c, "Drop views and triggers that change or stand on what changes");
		stmt(&c, o->drop_sql);
		if ((rc = mark(&c, "drop", o->key)))
			goto out;
	}
	/* 2. Drop indexes that change or go (not those on tables that go: they go with them). */
	for (i = 0; i < ncs; i++) {
		const st_object *o = cs[i];
		const st_change *ch;
		if (o->kind != ST_OBJ_INDEX || !(ch = change_of(&c, o->key, 1)) ||
		    (o->table && table_goes(&c, o->table)))
			continue;
		group(&c, "Drop indexes that change or go");
		stmt(&c, o->drop_sql);
		if ((rc = mark(&c, "drop", o->key)))
			goto out;
	}
	/* 3. Declared table renames. */
	for (i = 0; i < d->n; i++) {
		const st_change *ch = &d->v[i];
		st_buf sql = ST_BUF_INIT;
		if (ch->kind != ST_CH_ALTER || ch->from->kind != ST_OBJ_TABLE ||
		    strcmp(ch->from->key, ch->to->key) == 0)
			continue;
		group(&c, "Rename tables (declared)");
		st_buf_puts(&sql, "ALTER TABLE ");
		st_buf_put_ident(&sql, ch->from->name);
		st_buf_puts(&sql, " RENAME TO ");
		st_buf_put_ident(&sql, ch->to->name);
		stmt(&c, st_buf_str(&sql));
		st_buf_free(&sql);
	}
	/* 4. New tables, referenced ones first. */
	for (i = 0; i < nds; i++) {
		const st_object *o = ds[i];
		const st_change *ch = change_of(&c, o->key, 0);
		if (o->kind != ST_OBJ_TABLE || !ch || ch->kind != ST_CH_CREATE)
			continue;
		group(&c, "Create tables");
		stmt(&c, o->create_sql);
	}
	/* 5. Changed tables: ALTER, or rebuild. */
	for (i = 0; i < nds; i++) {
		const st_object *o = ds[i];
		const st_change *ch = change_of(&c, o->key, 0);
		const char *why = NULL;
		if (o->kind != ST_OBJ_TABLE || !ch || ch->kind != ST_CH_ALTER)
			continue;
		if (was(&c, "rebuild", ch->from->key)) {
			alterable(&c, ch->from, ch->to, &why);
			rc = rebuild(&c, ch->from, ch->to, why);
		} else {
			rc = alter(&c, ch->from, ch->to);
		}
		if (rc)
			goto out;
	}
	/* 6. Tables that go, dependents first. */
	for (i = ncs; i-- > 0;) {
		const st_object *o = cs[i];
		if (o->kind != ST_OBJ_TABLE || !was(&c, "droptable", o->key))
			continue;
		group(&c, "Drop tables");
		if ((rc = warn(&c, "table %s is dropped with its data", o->name)))
			goto out;
		stmt(&c, o->drop_sql);
	}
	/* 7. Indexes, then views, then triggers (which may be on views): new, changed, and those
	 * made again. */
	for (int pass = 0; pass < 3; pass++)
	for (i = 0; i < nds; i++) {
		const st_object *o = ds[i];
		const st_change *ch = change_of(&c, o->key, 0);
		const st_object *old = st_schema_find(cur, o->key);
		static const st_obj_kind order[3] = { ST_OBJ_INDEX, ST_OBJ_VIEW, ST_OBJ_TRIGGER };
		int again = 0;
		if (o->kind != order[pass])
			continue;
		if (old)
			again = was(&c, "drop", old->key) || (old->table && table_goes(&c, old->table));
		if (!ch && !again)
			continue;
		group(&c, o->kind == ST_OBJ_INDEX ? "Create indexes"
			  : o->kind == ST_OBJ_VIEW ? "Create views" : "Create triggers");
		stmt(&c, o->create_sql);
	}
	if (c.rebuilt) {
		group(&c, "Check the foreign keys after the rebuild: this fails the migration if a row "
			  "points nowhere");
		stmt(&c, "CREATE TEMP TABLE _strata_fk_check (foreign_key_violations INTEGER "
			 "CHECK (foreign_key_violations = 0))");
		stmt(&c, "INSERT INTO _strata_fk_check SELECT count(*) FROM pragma_foreign_key_check");
		stmt(&c, "DROP TABLE _strata_fk_check");
	}
	if (st_buf_oom(out))
		rc = st_err_oom(err);
out:
	free(cs);
	free(ds);
	st_strvec_free(&c.done);
	return rc;
}

const st_dialect st_dialect_sqlite = {
	.name = "sqlite",
	.render = render,
};
