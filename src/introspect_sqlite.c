/* introspect_sqlite.c - reading a SQLite database into the schema model: sqlite_master for
 * what exists and how it was written, the table_xinfo / foreign_key_list / index_list pragmas
 * for the structure SQLite itself resolved, and the tokenizer for what only the CREATE TABLE
 * text holds (CHECK constraints, collations, generated expressions, table options). */
#include "introspect.h"
#include "sqltok.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ictx {
	st_err *err;
	sqlite3 *db;
	st_schema *s;
} ictx;

static int sq_fail(ictx *c, const char *what)
{
	return st_err_set(c->err, STRATA_EDB, "cannot read the schema (%s): %s", what,
			  sqlite3_errmsg(c->db));
}

static int oom(ictx *c)
{
	return st_err_oom(c->err);
}

/* SQLite names are case-insensitive: keys use the lower-case name, objects keep the name as
 * written for the SQL strata writes. */
static const char *key(ictx *c, st_obj_kind kind, const char *name)
{
	st_buf b = ST_BUF_INIT;
	const char *k;
	size_t i;

	st_buf_puts(&b, name);
	for (i = 0; i < b.len; i++)
		b.data[i] = (char)tolower((unsigned char)b.data[i]);
	k = st_buf_oom(&b) ? NULL : st_schema_key(c->s, kind, NULL, st_buf_str(&b));
	st_buf_free(&b);
	return k;
}

static st_object *add_object(ictx *c, st_obj_kind kind, const char *name)
{
	st_object *o = st_schema_add(c->s, kind, NULL, name);

	if (o && !(o->key = key(c, kind, name)))
		return NULL;
	return o;
}

/* A normalised copy of sql in the arena. */
static const char *norm(ictx *c, const char *sql, size_t len)
{
	st_buf b = ST_BUF_INIT;
	const char *r;

	st_sql_normalize(&b, sql, len);
	r = st_buf_oom(&b) ? NULL : st_schema_str(c->s, st_buf_str(&b));
	st_buf_free(&b);
	return r;
}

/* Declared types: upper case, single spaces, and the spellings SQLite treats alike read alike
 * (but INT stays INT on a lone primary key column: only INTEGER makes it the rowid). */
static const char *norm_type(ictx *c, const char *type, int rowid_candidate)
{
	static const struct {
		const char *from, *to;
	} syn[] = { { "INT", "INTEGER" }, { "CHARACTER VARYING", "VARCHAR" },
		    { "BOOL", "BOOLEAN" }, { "DOUBLE", "DOUBLE PRECISION" },
		    { "VARYING CHARACTER", "VARCHAR" }, { "NATIVE CHARACTER", "NCHAR" } };
	st_buf b = ST_BUF_INIT;
	const char *p = type, *r;
	size_t i;
	int space = 0;

	for (; *p; p++) {
		if (isspace((unsigned char)*p)) {
			space = 1;
			continue;
		}
		/* One space between words; none around parentheses and commas. */
		if (space && b.len && !strchr("(),", *p) && !strchr("(,", b.data[b.len - 1]))
			st_buf_putc(&b, ' ');
		space = 0;
		st_buf_putc(&b, (char)toupper((unsigned char)*p));
	}
	r = st_buf_str(&b);
	for (i = 0; i < ST_ARRAY_LEN(syn); i++) {
		size_t n = strlen(syn[i].from);
		if (strncmp(r, syn[i].from, n) == 0 && (r[n] == '\0' || r[n] == '(') &&
		    !(rowid_candidate && strcmp(syn[i].from, "INT") == 0)) {
			st_buf nb = ST_BUF_INIT;
			st_buf_puts(&nb, syn[i].to);
			st_buf_puts(&nb, r + n);
			st_buf_free(&b);
			b = nb;
			break;
		}
	}
	r = st_buf_oom(&b) ? NULL : st_schema_str(c->s, st_buf_str(&b));
	st_buf_free(&b);
	return r;
}

/* Defaults: normalised expressions, without redundant outer parentheses. */
static const char *norm_default(ictx *c, const char *d)
{
	size_t n;

	if (!d)
		return NULL;
	n = strlen(d);
	while (n >= 2 && d[0] == '(' && d[n - 1] == ')') {
		/* Only when the parentheses enclose the whole text. */
		size_t i, depth = 0;
		int whole = 1;
		for (i = 0; i < n && whole; i++) {
			if (d[i] == '(')
				depth++;
			else if (d[i] == ')' && --depth == 0 && i != n - 1)
				whole = 0;
		}
		if (!whole)
			break;
		d++;
		n -= 2;
	}
	return norm(c, d, n);
}

/* ---- the CREATE TABLE text ------------------------------------------------------------------ */

/* One top-level item of the table body: a column definition or a table constraint. */
typedef struct item {
	const char *s, *e;
	int is_constraint;
	st_buf name; /* the column's name */
} item;

static int is_constraint_start(const st_tok *t)
{
	return st_tok_is(t, "CONSTRAINT") || st_tok_is(t, "PRIMARY") || st_tok_is(t, "UNIQUE") ||
	       st_tok_is(t, "CHECK") || st_tok_is(t, "FOREIGN");
}

/* Split "CREATE TABLE x (a, b, CHECK (...)) WITHOUT ROWID" into items and the options text. */
static int table_items(const char *sql, item **out, size_t *n, const char **opts)
{
	const char *p = sql, *end = sql + strlen(sql), *start = NULL;
	st_tok t;
	int depth = 0;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	*opts = NULL;
	while ((t = st_sqltok_next(&p, end)).kind != ST_TOK_END) {
		if (t.kind != ST_TOK_PUNCT || t.n != 1)
			continue;
		if (t.s[0] == '(') {
			if (depth++ == 0)
				start = p;
		} else if (t.s[0] == ')' || (t.s[0] == ',' && depth == 1)) {
			if (t.s[0] == ')' && --depth > 0)
				continue;
			if (*n == cap) {
				item *v = realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof(item));
				if (!v)
					return -1;
				*out = v;
			}
			{
				item *it = &(*out)[(*n)++];
				const char *q = start;
				st_tok first;
				memset(it, 0, sizeof(*it));
				it->s = start;
				it->e = t.s;
				first = st_sqltok_next(&q, t.s);
				it->is_constraint = is_constraint_start(&first);
				if (!it->is_constraint)
					st_tok_ident(&it->name, &first);
			}
			start = p;
			if (t.s[0] == ')') {
				*opts = p;
				return 0;
			}
		}
	}
	return 0;
}

static void free_items(item *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		st_buf_free(&v[i].name);
	free(v);
}

/* After keyword `kw` in [s, e): the parenthesised group's inner text (normalised), or NULL. */
static const char *group_after(ictx *c, const char *s, const char *e, const char *kw,
			       const char **next)
{
	const char *p = s;
	st_tok t;

	while ((t = st_sqltok_next(&p, e)).kind != ST_TOK_END) {
		if (!st_tok_is(&t, kw))
			continue;
		/* AS may follow GENERATED ALWAYS; skip to the '(' */
		while ((t = st_sqltok_next(&p, e)).kind != ST_TOK_END &&
		       !(t.kind == ST_TOK_PUNCT && t.n == 1 && t.s[0] == '('))
			;
		if (t.kind == ST_TOK_END)
			return NULL;
		{
			const char *inner = p;
			int depth = 1;
			while (depth && (t = st_sqltok_next(&p, e)).kind != ST_TOK_END)
				if (t.kind == ST_TOK_PUNCT && t.n == 1)
					depth += t.s[0] == '(' ? 1 : t.s[0] == ')' ? -1 : 0;
			if (next)
				*next = p;
			return norm(c, inner, (size_t)(t.s ? t.s - inner : p - inner));
		}
	}
	return NULL;
}

/* The word after keyword kw in [s, e) (e.g. COLLATE NOCASE), upper-cased, or NULL. */
static const char *word_after(ictx *c, const char *s, const char *e, const char *kw)
{
	const char *p = s;
	st_tok t;

	while ((t = st_sqltok_next(&p, e)).kind != ST_TOK_END)
		if (st_tok_is(&t, kw)) {
			st_buf b = ST_BUF_INIT;
			const char *r;
			size_t i;
			t = st_sqltok_next(&p, e);
			if (t.kind == ST_TOK_END)
				return NULL;
			st_tok_ident(&b, &t);
			for (i = 0; i < b.len; i++)
				b.data[i] = (char)toupper((unsigned char)b.data[i]);
			r = st_buf_oom(&b) ? NULL : st_schema_str(c->s, st_buf_str(&b));
			st_buf_free(&b);
			return r;
		}
	return NULL;
}

/* The name after CONSTRAINT, when the item starts with it. */
static const char *constraint_name(ictx *c, const item *it)
{
	const char *p = it->s;
	st_tok t = st_sqltok_next(&p, it->e);
	st_buf b = ST_BUF_INIT;
	const char *r;

	if (!st_tok_is(&t, "CONSTRAINT"))
		return NULL;
	t = st_sqltok_next(&p, it->e);
	st_tok_ident(&b, &t);
	r = st_buf_oom(&b) ? NULL : st_schema_str(c->s, st_buf_str(&b));
	st_buf_free(&b);
	return r;
}

/* CHECK constraints of the table (from column definitions and table constraints alike). */
static int add_checks(ictx *c, st_object *o, const item *it)
{
	const char *p = it->s, *expr;

	while ((expr = group_after(c, p, it->e, "CHECK", &p))) {
		st_constraint *k = st_object_add_constraint(c->s, o);
		st_buf b = ST_BUF_INIT;
		if (!k)
			return oom(c);
		k->kind = ST_CON_CHECK;
		k->name = it->is_constraint ? constraint_name(c, it) : NULL;
		st_buf_printf(&b, "CHECK (%s)", expr);
		k->definition = st_buf_oom(&b) ? NULL : st_schema_str(c->s, st_buf_str(&b));
		st_buf_free(&b);
		if (!k->definition)
			return oom(c);
		if (!it->is_constraint)
			k->columns = st_schema_str(c->s, st_buf_str(&it->name));
	}
	return 0;
}

/* ---- pragmas ------------------------------------------------------------------------------ */

static int prepare(ictx *c, sqlite3_stmt **st, const char *fmt, const char *name)
{
	char *sql = sqlite3_mprintf(fmt, name);
	int rc;

	if (!sql)
		return oom(c);
	rc = sqlite3_prepare_v2(c->db, sql, -1, st, NULL);
	sqlite3_free(sql);
	return rc == SQLITE_OK ? 0 : sq_fail(c, name);
}

static const char *col_text(ictx *c, sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	return v ? st_schema_str(c->s, (const char *)v) : NULL;
}

/* Foreign keys, grouped by id: FOREIGN KEY (a, b) REFERENCES t (x, y) ON DELETE CASCADE. */
static int add_foreign_keys(ictx *c, st_object *o)
{
	sqlite3_stmt *st = NULL;
	st_buf from = ST_BUF_INIT, to = ST_BUF_INIT, ref = ST_BUF_INIT, tail = ST_BUF_INIT;
	int rc, cur = -1;

	if ((rc = prepare(c, &st, "SELECT id, seq, \"table\", \"from\", \"to\", on_update, "
				  "on_delete, \"match\" FROM pragma_foreign_key_list(%Q) ORDER BY id, seq",
			  o->name)))
		return rc;
	for (;;) {
		int step = sqlite3_step(st), id = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : -2;
		if (id != cur && cur != -1) {
			st_constraint *k = st_object_add_constraint(c->s, o);
			st_buf d = ST_BUF_INIT;
			const char *refkey;
			if (!k) {
				rc = oom(c);
				break;
			}
			k->kind = ST_CON_FOREIGN;
			st_buf_printf(&d, "FOREIGN KEY (%s) REFERENCES %s", st_buf_str(&from),
				      st_buf_str(&ref));
			if (to.len)
				st_buf_printf(&d, " (%s)", st_buf_str(&to));
			st_buf_puts(&d, st_buf_str(&tail));
			k->definition = st_schema_str(c->s, st_buf_str(&d));
			k->columns = st_schema_str(c->s, st_buf_str(&from));
			refkey = key(c, ST_OBJ_TABLE, st_buf_str(&ref));
			k->ref_table = refkey;
			st_buf_free(&d);
			if (!k->definition || !refkey)
				rc = oom(c);
			else if (strcmp(refkey, o->key) != 0)
				rc = st_object_add_dep(c->s, o, refkey) ? oom(c) : 0;
			st_buf_truncate(&from, 0);
			st_buf_truncate(&to, 0);
			st_buf_truncate(&ref, 0);
			st_buf_truncate(&tail, 0);
			if (rc)
				break;
		}
		if (step != SQLITE_ROW) {
			if (step != SQLITE_DONE)
				rc = sq_fail(c, o->name);
			break;
		}
		cur = id;
		{
			const char *f = (const char *)sqlite3_column_text(st, 3);
			const char *t = (const char *)sqlite3_column_text(st, 4);
			st_buf_printf(&from, "%s%s", from.len ? ", " : "", f ? f : "");
			if (t)
				st_buf_printf(&to, "%s%s", to.len ? ", " : "", t);
			if (!ref.len) {
				const char *u = (const char *)sqlite3_column_text(st, 5);
				const char *dl = (const char *)sqlite3_column_text(st, 6);
				st_buf_puts(&ref, (const char *)sqlite3_column_text(st, 2));
				if (u && strcmp(u, "NO ACTION") != 0)
					st_buf_printf(&tail, " ON UPDATE %s", u);
				if (dl && strcmp(dl, "NO ACTION") != 0)
					st_buf_printf(&tail, " ON DELETE %s", dl);
			}
		}
	}
	sqlite3_finalize(st);
	st_buf_free(&from);
	st_buf_free(&to);
	st_buf_free(&ref);
	st_buf_free(&tail);
	return rc;
}

/* UNIQUE constraints (SQLite keeps them as automatic indexes). */
static int add_uniques(ictx *c, st_object *o)
{
	sqlite3_stmt *st = NULL, *cols = NULL;
	int rc;

	if ((rc = prepare(c, &st, "SELECT name FROM pragma_index_list(%Q) WHERE origin = 'u' "
				  "ORDER BY name",
			  o->name)))
		return rc;
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *iname = (const char *)sqlite3_column_text(st, 0);
		st_buf d = ST_BUF_INIT, cl = ST_BUF_INIT;
		st_constraint *k;
		if ((rc = prepare(c, &cols, "SELECT name FROM pragma_index_info(%Q) ORDER BY seqno",
				  iname)))
			break;
		while (sqlite3_step(cols) == SQLITE_ROW) {
			const char *cn = (const char *)sqlite3_column_text(cols, 0);
			st_buf_printf(&cl, "%s%s", cl.len ? ", " : "", cn ? cn : "?");
		}
		sqlite3_finalize(cols);
		cols = NULL;
		st_buf_printf(&d, "UNIQUE (%s)", st_buf_str(&cl));
		k = st_object_add_constraint(c->s, o);
		if (!k || !(k->definition = st_schema_str(c->s, st_buf_str(&d))) ||
		    !(k->columns = st_schema_str(c->s, st_buf_str(&cl))))
			rc = oom(c);
		else
			k->kind = ST_CON_UNIQUE;
		st_buf_free(&d);
		st_buf_free(&cl);
	}
	sqlite3_finalize(st);
	return rc;
}

static int add_table(ictx *c, const char *name, const char *sql)
{
	st_object *o = add_object(c, ST_OBJ_TABLE, name);
	sqlite3_stmt *st = NULL;
	item *items = NULL;
	size_t n_items = 0, i;
	const char *opts = NULL;
	st_buf pk = ST_BUF_INIT, drop = ST_BUF_INIT;
	int rc, npk = 0;

	if (!o || !(o->create_sql = st_schema_str(c->s, sql)))
		return oom(c);
	st_buf_puts(&drop, "DROP TABLE ");
	st_buf_put_ident(&drop, name);
	if (!(o->drop_sql = st_schema_str(c->s, st_buf_str(&drop)))) {
		st_buf_free(&drop);
		return oom(c);
	}
	st_buf_free(&drop);
	if (table_items(sql, &items, &n_items, &opts))
		return oom(c);
	if (opts) {
		const char *n = norm(c, opts, strlen(opts));
		if (n && *n) {
			st_buf u = ST_BUF_INIT;
			for (const char *q = n; *q; q++)
				st_buf_putc(&u, (char)toupper((unsigned char)*q));
			o->options = st_schema_str(c->s, st_buf_str(&u));
			st_buf_free(&u);
		}
	}
	/* Columns, as SQLite resolved them; count the primary key first. */
	if ((rc = prepare(c, &st, "SELECT count(*) FROM pragma_table_xinfo(%Q) WHERE pk > 0", name)))
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW)
		npk = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = prepare(c, &st, "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
				  "FROM pragma_table_xinfo(%Q) ORDER BY cid",
			  name)))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		st_column *col = st_object_add_column(c->s, o);
		int pkpos = sqlite3_column_int(st, 4), hidden = sqlite3_column_int(st, 5);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		if (!col) {
			rc = oom(c);
			goto out;
		}
		col->name = col_text(c, st, 0);
		col->type = norm_type(c, type ? type : "", pkpos == 1 && npk == 1);
		col->not_null = sqlite3_column_int(st, 2);
		col->default_expr = norm_default(c, (const char *)sqlite3_column_text(st, 3));
		col->generated_stored = hidden == 3;
		if (pkpos > 0) {
			/* pk gives the position within the key */
			(void)pkpos;
		}
		for (i = 0; i < n_items; i++) {
			if (items[i].is_constraint || !items[i].name.len ||
			    sqlite3_stricmp(st_buf_str(&items[i].name), col->name) != 0)
				continue;
			col->definition = st_schema_strn(c->s, items[i].s, (size_t)(items[i].e - items[i].s));
			col->collation = word_after(c, items[i].s, items[i].e, "COLLATE");
			if (hidden == 2 || hidden == 3)
				col->generated = group_after(c, items[i].s, items[i].e, "AS", NULL);
		}
		if (col->definition) {
			/* trim the definition's surrounding whitespace */
			const char *d = col->definition;
			size_t len = strlen(d);
			while (len && isspace((unsigned char)d[len - 1]))
				len--;
			while (len && isspace((unsigned char)*d))
				d++, len--;
			col->definition = st_schema_strn(c->s, d, len);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	/* The primary key, in key order. */
	if ((rc = prepare(c, &st, "SELECT name FROM pragma_table_xinfo(%Q) WHERE pk > 0 ORDER BY pk",
			  name)))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW)
		st_buf_printf(&pk, "%s%s", pk.len ? ", " : "", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if (pk.len) {
		st_constraint *k = st_object_add_constraint(c->s, o);
		st_buf d = ST_BUF_INIT;
		st_buf_printf(&d, "PRIMARY KEY (%s)", st_buf_str(&pk));
		if (!k || !(k->definition = st_schema_str(c->s, st_buf_str(&d))) ||
		    !(k->columns = st_schema_str(c->s, st_buf_str(&pk)))) {
			st_buf_free(&d);
			rc = oom(c);
			goto out;
		}
		k->kind = ST_CON_PRIMARY;
		st_buf_free(&d);
	}
	if ((rc = add_uniques(c, o)) || (rc = add_foreign_keys(c, o)))
		goto out;
	for (i = 0; i < n_items; i++)
		if ((rc = add_checks(c, o, &items[i])))
			goto out;
out:
	sqlite3_finalize(st);
	st_buf_free(&pk);
	free_items(items, n_items);
	return rc;
}

/* Views and triggers depend on the tables and views their text names. */
static int add_name_deps(ictx *c, st_object *o, const char *sql)
{
	const char *p = sql, *end = sql + strlen(sql);
	st_tok t;
	size_t i;

	while ((t = st_sqltok_next(&p, end)).kind != ST_TOK_END) {
		st_buf name = ST_BUF_INIT;
		if (t.kind != ST_TOK_WORD && t.kind != ST_TOK_QIDENT)
			continue;
		st_tok_ident(&name, &t);
		for (i = 0; i < c->s->n; i++) {
			st_object *x = c->s->objs[i];
			if (x != o && (x->kind == ST_OBJ_TABLE || x->kind == ST_OBJ_VIEW) &&
			    sqlite3_stricmp(x->name, st_buf_str(&name)) == 0 &&
			    st_object_add_dep(c->s, o, x->key)) {
				st_buf_free(&name);
				return oom(c);
			}
		}
		st_buf_free(&name);
	}
	return 0;
}

int st_introspect_sqlite(st_err *err, struct sqlite3 *db, st_schema *out,
			 const char *const *skip)
{
	ictx c = { err, db, out };
	sqlite3_stmt *st = NULL;
	int rc = 0, pass;

	/* Tables first (views and triggers find their dependencies among them), then the rest,
	 * each in the order SQLite keeps them (creation order, mostly). */
	for (pass = 0; pass < 2 && !rc; pass++) {
		if (sqlite3_prepare_v2(db,
				       "SELECT type, name, tbl_name, sql FROM sqlite_master "
				       "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
				       -1, &st, NULL) != SQLITE_OK)
			return sq_fail(&c, "sqlite_master");
		while (!rc && sqlite3_step(st) == SQLITE_ROW) {
			const char *type = (const char *)sqlite3_column_text(st, 0);
			const char *name = (const char *)sqlite3_column_text(st, 1);
			const char *tbl = (const char *)sqlite3_column_text(st, 2);
			const char *sql = (const char *)sqlite3_column_text(st, 3);
			int skipped = 0;
			for (size_t k = 0; skip && skip[k]; k++)
				if (sqlite3_stricmp(skip[k], tbl ? tbl : name) == 0)
					skipped = 1;
			if (skipped || !sql)
				continue; /* strata's own tables; automatic indexes */
			if (strcmp(type, "table") == 0) {
				if (pass == 1)
					continue;
				if (sqlite3_strnicmp(sql, "CREATE VIRTUAL", 14) == 0) {
					char line[300];
					snprintf(line, sizeof(line), "virtual table %s", name);
					if (st_strvec_push(&out->unsupported, line))
						rc = oom(&c);
					continue;
				}
				rc = add_table(&c, name, sql);
				continue;
			}
			if (pass == 0)
				continue;
			{
				st_obj_kind kind = strcmp(type, "index") == 0 ? ST_OBJ_INDEX
						   : strcmp(type, "view") == 0 ? ST_OBJ_VIEW
						   : ST_OBJ_TRIGGER;
				st_object *o = add_object(&c, kind, name);
				st_buf drop = ST_BUF_INIT;
				if (!o) {
					rc = oom(&c);
					break;
				}
				o->create_sql = st_schema_str(out, sql);
				o->definition = norm(&c, sql, strlen(sql));
				st_buf_printf(&drop, "DROP %s ", kind == ST_OBJ_INDEX ? "INDEX"
								 : kind == ST_OBJ_VIEW ? "VIEW" : "TRIGGER");
				st_buf_put_ident(&drop, name);
				o->drop_sql = st_schema_str(out, st_buf_str(&drop));
				st_buf_free(&drop);
				if (kind != ST_OBJ_VIEW)
					o->table = key(&c, ST_OBJ_TABLE, tbl);
				if (!o->create_sql || !o->definition || !o->drop_sql ||
				    (kind != ST_OBJ_VIEW && !o->table)) {
					rc = oom(&c);
					break;
				}
				if (o->table && (rc = st_object_add_dep(out, o, o->table)))
					rc = oom(&c);
				if (!rc && kind != ST_OBJ_INDEX)
					rc = add_name_deps(&c, o, sql);
			}
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (!rc)
		rc = st_schema_finish(out);
	return rc;
}
