/* introspect_pg.c - a PostgreSQL database read into the schema model from its catalogs: every
 * user schema's objects (an extension's are represented by its CREATE EXTENSION), described by
 * the server's own normalised text (format_type, pg_get_expr, pg_get_constraintdef, the other
 * pg_get_*def) and ordered by pg_depend.  Both sides are read with the same session settings. */
#include "introspect.h"
#include "sqltok.h"
#include "pg_dl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ----------------------------------------------------------------------------------- */

/* PostgreSQL 15's keywords that quote_ident quotes (every category but unreserved). */
static const char *const pg_keywords[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
	"authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
	"char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
	"constraint", "create", "cross", "current_catalog", "current_date", "current_role",
	"current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
	"default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
	"extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
	"greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
	"int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
	"leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
	"natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
	"offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
	"position", "precision", "primary", "real", "references", "returning", "right", "row",
	"select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
	"table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
	"true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
	"when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
	"xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable",
};

static int cmp_word(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void st_pg_put_ident(st_buf *b, const char *name)
{
	const char *p;
	int plain = *name && (islower((unsigned char)*name) || *name == '_');

	for (p = name; plain && *p; p++)
		plain = islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_' ||
			*p == '$';
	if (plain && bsearch(&name, pg_keywords, ST_ARRAY_LEN(pg_keywords), sizeof(char *),
			     cmp_word))
		plain = 0;
	if (plain) {
		st_buf_puts(b, name);
		return;
	}
	st_buf_put_ident(b, name);
}

void st_pg_put_qname(st_buf *b, const char *schema, const char *name)
{
	if (schema && strcmp(schema, "public") != 0) {
		st_pg_put_ident(b, schema);
		st_buf_putc(b, '.');
	}
	st_pg_put_ident(b, name);
}

/* ---- the context and a map from catalog rows to objects -------------------------------------- */

/* A catalog row (class, oid, column) stands for an object (and maybe one of its columns), or
 * for another row: a column default for its table, a view's rule for its view, an array type
 * for its element type, an extension's member for the extension. */
typedef struct oref {
	char cls;
	unsigned oid;
	int sub;
	st_object *obj;   /* or, when NULL, the row it stands for: */
	char to_cls;
	unsigned to_oid;
	int to_sub;
	const char *col;  /* a column's name */
	int used;
} oref;

typedef struct ictx {
	st_err *err;
	PGconn *pg;
	st_schema *s;
	const char *const *skip;
	oref *map;
	size_t map_n, map_cap;
	int seq;           /* catalog order, for st_object.order */
	st_strvec skipped_ns; /* schemas holding a skipped table */
	size_t n_acl;      /* objects with privileges */
} ictx;

static int oom(ictx *c)
{
	return st_err_oom(c->err);
}

static size_t map_slot(const ictx *c, char cls, unsigned oid, int sub)
{
	size_t h = ((size_t)oid * 2654435761u) ^ ((size_t)(unsigned char)cls << 24) ^
		   (size_t)sub * 40503u;
	size_t mask = c->map_cap - 1, i = h & mask;

	while (c->map[i].used &&
	       !(c->map[i].cls == cls && c->map[i].oid == oid && c->map[i].sub == sub))
		i = (i + 1) & mask;
	return i;
}

static oref *map_put(ictx *c, char cls, unsigned oid, int sub)
{
	size_t i;

	if ((c->map_n + 1) * 2 > c->map_cap) {
		size_t cap = c->map_cap ? c->map_cap * 2 : 1024, j;
		oref *old = c->map, *nv = calloc(cap, sizeof(oref));
		size_t old_cap = c->map_cap;
		if (!nv)
			return NULL;
		c->map = nv;
		c->map_cap = cap;
		for (j = 0; j < old_cap; j++)
			if (old[j].used)
				c->map[map_slot(c, old[j].cls, old[j].oid, old[j].sub)] = old[j];
		free(old);
	}
	i = map_slot(c, cls, oid, sub);
	if (!c->map[i].used) {
		c->map_n++;
		memset(&c->map[i], 0, sizeof(oref));
		c->map[i].used = 1;
		c->map[i].cls = cls;
		c->map[i].oid = oid;
		c->map[i].sub = sub;
	}
	return &c->map[i];
}

static int map_obj(ictx *c, char cls, unsigned oid, st_object *o)
{
	oref *r = map_put(c, cls, oid, 0);

	if (!r)
		return oom(c);
	r->obj = o;
	return 0;
}

static int map_alias(ictx *c, char cls, unsigned oid, char to_cls, unsigned to_oid, int to_sub)
{
	oref *r;

	if (!oid || !to_oid)
		return 0;
	if (!(r = map_put(c, cls, oid, 0)))
		return oom(c);
	if (r->obj)
		return 0; /* a real object wins */
	r->to_cls = to_cls;
	r->to_oid = to_oid;
	r->to_sub = to_sub;
	return 0;
}

static const oref *map_get(const ictx *c, char cls, unsigned oid, int sub)
{
	size_t i;

	if (!c->map_cap)
		return NULL;
	i = map_slot(c, cls, oid, sub);
	return c->map[i].used ? &c->map[i] : NULL;
}

/* The object a catalog row stands for, and with sub > 0 the column's name when known. */
static st_object *resolve(const ictx *c, char cls, unsigned oid, int sub, const char **col)
{
	int depth;

	if (col)
		*col = NULL;
	for (depth = 0; depth < 6; depth++) {
		const oref *r = sub > 0 ? map_get(c, cls, oid, sub) : NULL;
		if (r && r->obj) {
			if (col)
				*col = r->col;
			return r->obj;
		}
		r = map_get(c, cls, oid, 0);
		if (!r)
			return NULL;
		if (r->obj)
			return r->obj;
		cls = r->to_cls;
		oid = r->to_oid;
		sub = r->to_sub ? r->to_sub : sub;
	}
	return NULL;
}

static char class_code(const char *regclass)
{
	static const struct {
		const char *name;
		char code;
	} codes[] = { { "pg_class", 'c' },      { "pg_type", 't' },      { "pg_proc", 'p' },
		      { "pg_attrdef", 'd' },    { "pg_constraint", 'k' }, { "pg_rewrite", 'r' },
		      { "pg_trigger", 'g' },    { "pg_namespace", 'n' }, { "pg_extension", 'e' },
		      { "pg_policy", 'y' } };
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(codes); i++)
		if (strcmp(regclass, codes[i].name) == 0)
			return codes[i].code;
	return '?';
}

/* ---- queries --------------------------------------------------------------------------------- */

static PGresult *query(ictx *c, const char *what, const char *sql)
{
	PGresult *r = PQexec(c->pg, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return r;
	{
		const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		st_err_set(c->err, STRATA_EDB, "cannot read the schema (%s): %s", what,
			   m ? m : PQerrorMessage(c->pg));
	}
	PQclear(r);
	return NULL;
}

/* A value, or NULL when the column is NULL. */
static const char *val(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

static unsigned oidval(PGresult *r, int row, int col)
{
	const char *v = val(r, row, col);
	return v ? (unsigned)strtoul(v, NULL, 10) : 0;
}

static int boolval(PGresult *r, int row, int col)
{
	const char *v = val(r, row, col);
	return v && v[0] == 't';
}

static const char *str(ictx *c, const char *v)
{
	return v ? st_schema_str(c->s, v) : NULL;
}

/* The buffer's text in the arena (NULL on OOM: check with st_buf_oom first). */
static const char *take(ictx *c, st_buf *b)
{
	const char *r = st_buf_oom(b) ? NULL : st_schema_str(c->s, st_buf_str(b));
	st_buf_free(b);
	return r;
}

static const char *qname(ictx *c, const char *schema, const char *name)
{
	st_buf b = ST_BUF_INIT;

	st_pg_put_qname(&b, schema, name);
	return take(c, &b);
}

/* Trailing whitespace and semicolons off: statements are stored without their ';'. */
static const char *trimmed(ictx *c, const char *v)
{
	size_t n;

	if (!v)
		return NULL;
	n = strlen(v);
	while (n && (isspace((unsigned char)v[n - 1]) || v[n - 1] == ';'))
		n--;
	while (n && isspace((unsigned char)*v))
		v++, n--;
	return st_schema_strn(c->s, v, n);
}

static int unsupported(ictx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int unsupported(ictx *c, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;
	int rc = 0;

	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (st_buf_oom(&b) || st_strvec_push(&c->s->unsupported, st_buf_str(&b)))
		rc = oom(c);
	st_buf_free(&b);
	return rc;
}

/* A new object; order is its kind, then the catalog's order (creation order, mostly). */
static st_object *add(ictx *c, st_obj_kind kind, const char *schema, const char *name)
{
	st_object *o = st_schema_add(c->s, kind, schema, name);

	if (o)
		o->order = (int)kind << 20 | (c->seq++ & 0xfffff);
	return o;
}

static int set_drop(ictx *c, st_object *o, const char *what, const char *target)
{
	st_buf b = ST_BUF_INIT;

	st_buf_printf(&b, "DROP %s %s", what, target);
	return (o->drop_sql = take(c, &b)) ? 0 : oom(c);
}

static int is_skipped(ictx *c, const char *name)
{
	size_t i;

	for (i = 0; c->skip && c->skip[i]; i++)
		if (strcmp(c->skip[i], name) == 0)
			return 1;
	return 0;
}

/* Conditions every query shares: a user schema, and not a member of an extension. */
#define USER_NS(n) n ".nspname !~ '^pg_' AND " n ".nspname <> 'information_schema'"
#define NOT_EXT(cls, oid)                                                                          \
	"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend ed WHERE ed.classid = '" cls               \
	"'::regclass AND ed.objid = " oid " AND ed.deptype = 'e')"
/* A collation's name as SQL, qualified unless it is in pg_catalog. */
#define COLLNAME(oid)                                                                              \
	"(SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN '' ELSE quote_ident(cn.nspname) || '.' " \
	"END || quote_ident(co.collname) FROM pg_catalog.pg_collation co JOIN "                    \
	"pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = " oid ")"

/* ---- schemas and extensions ------------------------------------------------------------------ */

static int read_extensions(ictx *c)
{
	PGresult *r =
		query(c, "extensions",
		      "SELECT e.oid, e.extname, n.nspname, obj_description(e.oid, 'pg_extension') "
		      "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON "
		      "n.oid = e.extnamespace ORDER BY e.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		st_object *o = add(c, ST_OBJ_EXTENSION, NULL, val(r, i, 1));
		st_buf b = ST_BUF_INIT, t = ST_BUF_INIT;
		if (!o) {
			rc = oom(c);
			break;
		}
		st_buf_puts(&b, "CREATE EXTENSION IF NOT EXISTS ");
		st_pg_put_ident(&b, val(r, i, 1));
		st_buf_puts(&b, " WITH SCHEMA ");
		st_pg_put_ident(&b, val(r, i, 2));
		st_pg_put_ident(&t, val(r, i, 1));
		o->create_sql = o->definition = take(c, &b);
		o->comment = str(c, val(r, i, 3));
		if (!o->create_sql || st_buf_oom(&t) || set_drop(c, o, "EXTENSION", st_buf_str(&t)))
			rc = oom(c);
		st_buf_free(&t);
		if (!rc)
			rc = map_obj(c, 'e', oidval(r, i, 0), o);
	}
	PQclear(r);
	if (rc)
		return rc;
	/* Their members stand for them. */
	r = query(
		c, "extension members",
		"SELECT d.classid::regclass::text, d.objid, d.refobjid FROM pg_catalog.pg_depend d "
		"WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::regclass");
	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++)
		rc = map_alias(c, class_code(val(r, i, 0)), oidval(r, i, 1), 'e', oidval(r, i, 2),
			       0);
	PQclear(r);
	return rc;
}

/* Schemas last: one that holds nothing but strata's own tables is strata's, not the user's. */
static int read_schemas(ictx *c)
{
	PGresult *r = query(c, "schemas",
			    "SELECT n.oid, n.nspname, obj_description(n.oid, 'pg_namespace'), "
			    "n.nspacl IS NOT NULL AND n.nspname <> 'public' "
			    "FROM pg_catalog.pg_namespace n WHERE " USER_NS("n") " AND "
			    NOT_EXT("pg_catalog.pg_namespace", "n.oid") " ORDER BY n.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const char *name = val(r, i, 1);
		st_object *o;
		st_buf b = ST_BUF_INIT;
		size_t k;
		int strata_only = 0, used = 0;
		for (k = 0; k < c->skipped_ns.n && strcmp(name, "public") != 0; k++)
			strata_only |= strcmp(c->skipped_ns.v[k], name) == 0;
		for (k = 0; strata_only && k < c->s->n && !used; k++)
			used = c->s->objs[k]->schema && strcmp(c->s->objs[k]->schema, name) == 0;
		if (strata_only && !used)
			continue;
		if (!(o = add(c, ST_OBJ_SCHEMA, NULL, name)))
			return oom(c);
		st_buf_puts(&b, "CREATE SCHEMA ");
		if (strata_only)
			st_buf_puts(&b, "IF NOT EXISTS ");
		st_pg_put_ident(&b, name);
		o->create_sql = take(c, &b);
		st_pg_put_ident(&b, name);
		o->definition = take(c, &b);
		o->comment = str(c, val(r, i, 2));
		c->n_acl += boolval(r, i, 3);
		if (!o->create_sql || !o->definition || set_drop(c, o, "SCHEMA", o->definition))
			rc = oom(c);
		else
			rc = map_obj(c, 'n', oidval(r, i, 0), o);
	}
	PQclear(r);
	return rc;
}

/* ---- types and domains ----------------------------------------------------------------------- */

static int add_col_of(ictx *c, st_object *o, const char *name, const char *type,
		      const char *collation)
{
	st_column *col = st_object_add_column(c->s, o);

	if (!col)
		return oom(c);
	col->name = str(c, name);
	col->type = str(c, type);
	col->collation = str(c, collation);
	return (!col->name || (type && !col->type)) ? oom(c) : 0;
}

static int read_types(ictx *c)
{
	PGresult *r = query(
		c, "types",
		"SELECT t.oid, n.nspname, t.typname, t.typtype, t.typrelid, t.typarray, "
		"obj_description(t.oid, 'pg_type'), format_type(t.typbasetype, t.typtypmod), "
		"t.typnotnull, pg_get_expr(t.typdefaultbin, 0), "
		"CASE WHEN t.typcollation <> 0 AND t.typcollation IS DISTINCT FROM bt.typcollation "
		"THEN " COLLNAME("t.typcollation") " END, t.typacl IS NOT NULL "
		"FROM pg_catalog.pg_type t "
		"JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
		"LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
		"LEFT JOIN pg_catalog.pg_class r ON r.oid = t.typrelid "
		"WHERE " USER_NS("n") " AND " NOT_EXT("pg_catalog.pg_type", "t.oid") " AND "
		"t.typtype IN ('b', 'c', 'd', 'e', 'r', 'p') AND "
		"(t.typtype <> 'c' OR r.relkind = 'c') "
		"AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type el WHERE el.typarray = t.oid) "
		"ORDER BY t.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const char *schema = val(r, i, 1), *name = val(r, i, 2), *tt = val(r, i, 3);
		unsigned oid = oidval(r, i, 0);
		st_object *o;
		if (tt[0] == 'b' || tt[0] == 'p') {
			rc = unsupported(c, "type %s.%s (a %s type)", schema, name,
					 tt[0] == 'b' ? "base" : "shell");
			continue;
		}
		o = add(c, tt[0] == 'd' ? ST_OBJ_DOMAIN : ST_OBJ_TYPE, schema, name);
		if (!o)
			return oom(c);
		/* create_sql and definition are written once the parts are read (finish_types) */
		o->options = str(c, tt);
		o->comment = str(c, val(r, i, 6));
		c->n_acl += boolval(r, i, 11);
		if (tt[0] == 'd') {
			/* A domain's one column: its base type, collation, default, NOT NULL. */
			st_column *col;
			if ((rc = add_col_of(c, o, "VALUE", val(r, i, 7), val(r, i, 10))))
				break;
			col = &o->cols[0];
			col->not_null = boolval(r, i, 8);
			col->default_expr = str(c, val(r, i, 9));
		}
		if ((rc = map_obj(c, 't', oid, o)) ||
		    (rc = map_alias(c, 't', oidval(r, i, 5), 't', oid, 0)))
			break;
	}
	PQclear(r);
	if (rc)
		return rc;

	/* Enum labels as the type's columns, in their order. */
	if (!(r = query(c, "enum labels",
			"SELECT enumtypid, enumlabel FROM pg_catalog.pg_enum ORDER BY enumtypid, "
			"enumsortorder")))
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 't', oidval(r, i, 0), 0);
		if (t && t->obj && t->obj->kind == ST_OBJ_TYPE)
			rc = add_col_of(c, t->obj, val(r, i, 1), NULL, NULL);
	}
	PQclear(r);
	if (rc)
		return rc;

	/* Composite types' attributes. */
	if (!(r = query(c, "composite types",
			"SELECT t.oid, a.attname, format_type(a.atttypid, a.atttypmod), "
			"CASE WHEN a.attcollation <> at.typcollation THEN "
			COLLNAME("a.attcollation") " END "
			"FROM pg_catalog.pg_type t JOIN pg_catalog.pg_attribute a ON "
			"a.attrelid = t.typrelid JOIN pg_catalog.pg_type at ON at.oid = a.atttypid "
			"WHERE t.typtype = 'c' AND t.oid >= 16384 AND a.attnum > 0 AND NOT "
			"a.attisdropped ORDER BY t.oid, a.attnum")))
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 't', oidval(r, i, 0), 0);
		if (t && t->obj && t->obj->kind == ST_OBJ_TYPE)
			rc = add_col_of(c, t->obj, val(r, i, 1), val(r, i, 2), val(r, i, 3));
	}
	PQclear(r);
	if (rc)
		return rc;

	/* Range types: their parameters make the definition. */
	if (!(r = query(c, "range types",
			"SELECT r.rngtypid, format_type(r.rngsubtype, NULL), "
			"CASE WHEN NOT o.opcdefault THEN quote_ident(o.opcname) END, "
			"CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN "
			COLLNAME("r.rngcollation") " END, "
			"CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END, "
			"CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END, "
			"format_type(r.rngmultitypid, NULL) "
			"FROM pg_catalog.pg_range r JOIN pg_catalog.pg_opclass o ON o.oid = "
			"r.rngsubopc JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype "
			"WHERE r.rngtypid >= 16384 ORDER BY r.rngtypid")))
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 't', oidval(r, i, 0), 0);
		st_buf b = ST_BUF_INIT;
		if (!t || !t->obj)
			continue;
		st_buf_printf(&b, "SUBTYPE = %s", val(r, i, 1));
		if (val(r, i, 2))
			st_buf_printf(&b, ", SUBTYPE_OPCLASS = %s", val(r, i, 2));
		if (val(r, i, 3))
			st_buf_printf(&b, ", COLLATION = %s", val(r, i, 3));
		if (val(r, i, 4))
			st_buf_printf(&b, ", CANONICAL = %s", val(r, i, 4));
		if (val(r, i, 5))
			st_buf_printf(&b, ", SUBTYPE_DIFF = %s", val(r, i, 5));
		st_buf_printf(&b, ", MULTIRANGE_TYPE_NAME = %s", val(r, i, 6));
		if (!(t->obj->definition = take(c, &b)))
			rc = oom(c);
	}
	PQclear(r);
	if (rc)
		return rc;

	/* Domain constraints. */
	if (!(r = query(c, "domain constraints",
			"SELECT co.contypid, co.conname, pg_get_constraintdef(co.oid), co.oid "
			"FROM pg_catalog.pg_constraint co WHERE co.contypid >= 16384 "
			"ORDER BY co.contypid, co.conname")))
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 't', oidval(r, i, 0), 0);
		st_constraint *k;
		if (!t || !t->obj || t->obj->kind != ST_OBJ_DOMAIN)
			continue;
		if (!(k = st_object_add_constraint(c->s, t->obj)))
			return oom(c);
		k->kind = ST_CON_CHECK;
		k->name = str(c, val(r, i, 1));
		k->definition = str(c, val(r, i, 2));
		if (!k->name || !k->definition)
			rc = oom(c);
		else
			rc = map_alias(c, 'k', oidval(r, i, 3), 't', oidval(r, i, 0), 0);
	}
	PQclear(r);
	return rc;
}

/* The SQL of types and domains, from the parts read. */
static int finish_types(ictx *c)
{
	size_t i, j;

	for (i = 0; i < c->s->n; i++) {
		st_object *o = c->s->objs[i];
		st_buf b = ST_BUF_INIT, q = ST_BUF_INIT;
		if (o->kind != ST_OBJ_TYPE && o->kind != ST_OBJ_DOMAIN)
			continue;
		st_pg_put_qname(&q, o->schema, o->name);
		if (o->kind == ST_OBJ_DOMAIN) {
			const st_column *col = &o->cols[0];
			st_buf_printf(&b, "CREATE DOMAIN %s AS %s", st_buf_str(&q), col->type);
			if (col->collation)
				st_buf_printf(&b, " COLLATE %s", col->collation);
			if (col->default_expr)
				st_buf_printf(&b, " DEFAULT %s", col->default_expr);
			if (col->not_null)
				st_buf_puts(&b, " NOT NULL");
			for (j = 0; j < o->n_cons; j++) {
				st_buf_puts(&b, " CONSTRAINT ");
				st_pg_put_ident(&b, o->cons[j].name);
				st_buf_printf(&b, " %s", o->cons[j].definition);
			}
		} else if (o->options[0] == 'e') {
			st_buf_printf(&b, "CREATE TYPE %s AS ENUM (", st_buf_str(&q));
			for (j = 0; j < o->n_cols; j++) {
				st_buf_puts(&b, j ? ", " : "");
				st_buf_put_literal(&b, o->cols[j].name);
			}
			st_buf_putc(&b, ')');
		} else if (o->options[0] == 'c') {
			st_buf_printf(&b, "CREATE TYPE %s AS (", st_buf_str(&q));
			for (j = 0; j < o->n_cols; j++) {
				st_buf_puts(&b, j ? ", " : "");
				st_pg_put_ident(&b, o->cols[j].name);
				st_buf_printf(&b, " %s", o->cols[j].type);
				if (o->cols[j].collation)
					st_buf_printf(&b, " COLLATE %s", o->cols[j].collation);
			}
			st_buf_putc(&b, ')');
		} else {
			st_buf_printf(&b, "CREATE TYPE %s AS RANGE (%s)", st_buf_str(&q),
				      o->definition ? o->definition : "");
		}
		o->create_sql = o->definition = take(c, &b);
		if (!o->create_sql || st_buf_oom(&q) ||
		    set_drop(c, o, o->kind == ST_OBJ_DOMAIN ? "DOMAIN" : "TYPE", st_buf_str(&q))) {
			st_buf_free(&q);
			return oom(c);
		}
		st_buf_free(&q);
	}
	return 0;
}

/* ---- functions, procedures and aggregates ---------------------------------------------------- */

static int read_aggregate(ictx *c, st_object *o, PGresult *r, int i, const char *target)
{
	static const char *const modify[] = {
		"r", "READ_ONLY", "s", "SHAREABLE", "w", "READ_WRITE"
	};
	st_buf b = ST_BUF_INIT;
	const char *args = val(r, i, 14), *v;
	size_t k;

	/* columns 14.. : args, kind, sfunc, stype, sspace, finalfunc, finalextra, finalmodify,
	 * combinefunc, serialfunc, deserialfunc, msfunc, minvfunc, mfinalfunc, mfinalextra,
	 * mfinalmodify, mstype, msspace, initcond, minitcond, sortop, parallel */
	(void)args;
	st_buf_printf(&b, "CREATE AGGREGATE %s (SFUNC = %s, STYPE = %s", target, val(r, i, 16),
		      val(r, i, 17));
	if ((v = val(r, i, 18)) && strcmp(v, "0") != 0)
		st_buf_printf(&b, ", SSPACE = %s", v);
	if ((v = val(r, i, 19)))
		st_buf_printf(&b, ", FINALFUNC = %s", v);
	if (boolval(r, i, 20))
		st_buf_puts(&b, ", FINALFUNC_EXTRA");
	for (k = 0; (v = val(r, i, 21)) && k < ST_ARRAY_LEN(modify); k += 2)
		if (strcmp(v, modify[k]) == 0 && k)
			st_buf_printf(&b, ", FINALFUNC_MODIFY = %s", modify[k + 1]);
	if ((v = val(r, i, 22)))
		st_buf_printf(&b, ", COMBINEFUNC = %s", v);
	if ((v = val(r, i, 23)))
		st_buf_printf(&b, ", SERIALFUNC = %s", v);
	if ((v = val(r, i, 24)))
		st_buf_printf(&b, ", DESERIALFUNC = %s", v);
	if ((v = val(r, i, 25)))
		st_buf_printf(&b, ", MSFUNC = %s", v);
	if ((v = val(r, i, 26)))
		st_buf_printf(&b, ", MINVFUNC = %s", v);
	if ((v = val(r, i, 30)))
		st_buf_printf(&b, ", MSTYPE = %s", v);
	if ((v = val(r, i, 31)) && strcmp(v, "0") != 0)
		st_buf_printf(&b, ", MSSPACE = %s", v);
	if ((v = val(r, i, 27)))
		st_buf_printf(&b, ", MFINALFUNC = %s", v);
	if (boolval(r, i, 28))
		st_buf_puts(&b, ", MFINALFUNC_EXTRA");
	for (k = 0; (v = val(r, i, 29)) && val(r, i, 30) && k < ST_ARRAY_LEN(modify); k += 2)
		if (strcmp(v, modify[k]) == 0 && k)
			st_buf_printf(&b, ", MFINALFUNC_MODIFY = %s", modify[k + 1]);
	if ((v = val(r, i, 32))) {
		st_buf_puts(&b, ", INITCOND = ");
		st_buf_put_literal(&b, v);
	}
	if ((v = val(r, i, 33))) {
		st_buf_puts(&b, ", MINITCOND = ");
		st_buf_put_literal(&b, v);
	}
	if ((v = val(r, i, 34)))
		st_buf_printf(&b, strchr(v, '.') ? ", SORTOP = OPERATOR(%s)" : ", SORTOP = %s", v);
	if ((v = val(r, i, 35)) && v[0] != 'u')
		st_buf_printf(&b, ", PARALLEL = %s", v[0] == 's' ? "SAFE" : "RESTRICTED");
	if ((v = val(r, i, 15)) && v[0] == 'h')
		st_buf_puts(&b, ", HYPOTHETICAL");
	st_buf_putc(&b, ')');
	o->create_sql = o->definition = take(c, &b);
	return o->create_sql ? 0 : oom(c);
}

static int read_functions(ictx *c)
{
	PGresult *r = query(
		c, "functions",
		"SELECT p.oid, n.nspname, p.proname, p.prokind, "
		"pg_get_function_identity_arguments(p.oid), pg_get_function_arguments(p.oid), "
		"pg_get_function_result(p.oid), "
		"CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END, l.lanname, "
		"p.prosrc, p.prosqlbody IS NULL, obj_description(p.oid, 'pg_proc'), "
		"p.proacl IS NOT NULL, p.proretset, "
		/* 14: aggregates */
		"pg_get_function_arguments(p.oid), a.aggkind, a.aggtransfn::regproc::text, "
		"format_type(a.aggtranstype, NULL), a.aggtransspace, "
		"CASE WHEN a.aggfinalfn <> 0 THEN a.aggfinalfn::regproc::text END, "
		"a.aggfinalextra, "
		"a.aggfinalmodify, "
		"CASE WHEN a.aggcombinefn <> 0 THEN a.aggcombinefn::regproc::text END, "
		"CASE WHEN a.aggserialfn <> 0 THEN a.aggserialfn::regproc::text END, "
		"CASE WHEN a.aggdeserialfn <> 0 THEN a.aggdeserialfn::regproc::text END, "
		"CASE WHEN a.aggmtransfn <> 0 THEN a.aggmtransfn::regproc::text END, "
		"CASE WHEN a.aggminvtransfn <> 0 THEN a.aggminvtransfn::regproc::text END, "
		"CASE WHEN a.aggmfinalfn <> 0 THEN a.aggmfinalfn::regproc::text END, "
		"a.aggmfinalextra, a.aggmfinalmodify, "
		"CASE WHEN a.aggmtranstype <> 0 THEN format_type(a.aggmtranstype, NULL) END, "
		"a.aggmtransspace, a.agginitval, a.aggminitval, "
		"CASE WHEN a.aggsortop <> 0 THEN a.aggsortop::regoper::text END, p.proparallel "
		"FROM pg_catalog.pg_proc p "
		"JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
		"JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
		"LEFT JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid "
		"WHERE " USER_NS("n") " AND " NOT_EXT("pg_catalog.pg_proc", "p.oid") " AND "
		"NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = "
		"'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i') "
		"ORDER BY p.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const char *schema = val(r, i, 1), *kind = val(r, i, 3);
		st_buf name = ST_BUF_INIT, target = ST_BUF_INIT, sig = ST_BUF_INIT;
		st_object *o;
		st_buf_printf(&name, "%s(%s)", val(r, i, 2), val(r, i, 4));
		st_pg_put_qname(&target, schema, val(r, i, 2));
		st_buf_printf(&target, "(%s)",
			      kind[0] == 'a' && !*val(r, i, 4) ? "*" : val(r, i, 4));
		if (st_buf_oom(&name) ||
		    !(o = add(c, ST_OBJ_FUNCTION, schema, st_buf_str(&name)))) {
			st_buf_free(&name);
			st_buf_free(&target);
			return oom(c);
		}
		st_buf_free(&name);
		/* What CREATE OR REPLACE cannot change: the kind, arguments (names, defaults) and
		 * result. */
		st_buf_printf(&sig, "%s|%s|%s", kind, val(r, i, 5),
			      val(r, i, 6) ? val(r, i, 6) : "");
		o->options = take(c, &sig);
		o->comment = str(c, val(r, i, 11));
		c->n_acl += boolval(r, i, 12);
		if (kind[0] == 'a')
			rc = read_aggregate(c, o, r, i, st_buf_str(&target));
		else if (!(o->create_sql = o->definition = trimmed(c, val(r, i, 7))))
			rc = oom(c);
		if (!rc)
			rc = set_drop(c, o, kind[0] == 'a'   ? "AGGREGATE"
					    : kind[0] == 'p' ? "PROCEDURE"
							     : "FUNCTION",
				      st_buf_str(&target));
		st_buf_free(&target);
		/* SQL bodies name the tables they read: remember the text for name_deps. */
		if (!rc && strcmp(val(r, i, 8), "sql") == 0 && boolval(r, i, 10))
			o->table = str(c, val(r, i, 9)); /* see name_deps: replaced there */
		if (!rc)
			rc = map_obj(c, 'p', oidval(r, i, 0), o);
	}
	PQclear(r);
	return rc;
}

/* ---- tables, views, sequences ---------------------------------------------------------------- */

typedef struct relinfo {
	unsigned oid;
	st_object *obj;
	char kind;          /* relkind */
	unsigned parent;    /* partitions: the partitioned table */
	const char *bound;  /* partitions: FOR VALUES ... */
	const char *partkey;
	const char *inherits;
	const char *reloptions;
	int unlogged, rls, force_rls;
	const char *viewdef;
} relinfo;

static int read_relations(ictx *c, relinfo **out, size_t *n_out)
{
	PGresult *r = query(
		c, "tables and views",
		"SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, "
		"CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END, "
		"CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
		"array_to_string(c.reloptions, ', '), c.reltype, c.relrowsecurity, "
		"c.relforcerowsecurity, obj_description(c.oid, 'pg_class'), c.relacl IS NOT NULL, "
		"CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END, "
		"(SELECT string_agg(CASE WHEN pn.nspname = 'public' THEN '' ELSE "
		"quote_ident(pn.nspname) || '.' END || quote_ident(pc.relname), ', ' ORDER BY "
		"h.inhseqno) FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class pc ON pc.oid = "
		"h.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE "
		"h.inhrelid = c.oid), "
		"(SELECT h.inhparent FROM pg_catalog.pg_inherits h WHERE h.inhrelid = c.oid AND "
		"c.relispartition) "
		"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
		"c.relnamespace "
		"WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND " USER_NS("n") " AND " NOT_EXT(
			"pg_catalog.pg_class", "c.oid") " ORDER BY c.oid");
	relinfo *v = NULL;
	size_t n = 0;
	int i, rc = 0;

	*out = NULL;
	*n_out = 0;
	if (!r)
		return c->err->code;
	if (PQntuples(r) && !(v = calloc((size_t)PQntuples(r), sizeof(relinfo)))) {
		PQclear(r);
		return oom(c);
	}
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const char *schema = val(r, i, 1), *name = val(r, i, 2), *rk = val(r, i, 3);
		st_obj_kind kind = rk[0] == 'v' ? ST_OBJ_VIEW
				   : rk[0] == 'm' ? ST_OBJ_MATVIEW : ST_OBJ_TABLE;
		relinfo *ri;
		st_object *o;
		if (rk[0] == 'f') {
			rc = unsupported(c, "foreign table %s.%s", schema, name);
			continue;
		}
		if (kind == ST_OBJ_TABLE && is_skipped(c, name)) {
			if (st_strvec_push(&c->skipped_ns, schema))
				rc = oom(c);
			continue;
		}
		if (!(o = add(c, kind, schema, name))) {
			rc = oom(c);
			break;
		}
		ri = &v[n++];
		ri->oid = oidval(r, i, 0);
		ri->obj = o;
		ri->kind = rk[0];
		ri->unlogged = val(r, i, 4)[0] == 'u';
		ri->bound = str(c, val(r, i, 5));
		ri->partkey = str(c, val(r, i, 6));
		ri->reloptions = val(r, i, 7) && *val(r, i, 7) ? str(c, val(r, i, 7)) : NULL;
		ri->rls = boolval(r, i, 9);
		ri->force_rls = boolval(r, i, 10);
		ri->viewdef = trimmed(c, val(r, i, 13));
		ri->inherits = ri->bound ? NULL : str(c, val(r, i, 14));
		ri->parent = oidval(r, i, 15);
		o->comment = str(c, val(r, i, 11));
		c->n_acl += boolval(r, i, 12);
		if ((rc = map_obj(c, 'c', ri->oid, o)) ||
		    (rc = map_alias(c, 't', oidval(r, i, 8), 'c', ri->oid, 0)))
			break;
	}
	PQclear(r);
	if (rc) {
		free(v);
		return rc;
	}
	/* Array types of tables' row types stand for the table too. */
	if (!(r = query(
		      c, "row types",
		      "SELECT t.typarray, t.typrelid FROM pg_catalog.pg_type t WHERE t.typrelid >= "
		      "16384 AND t.typarray <> 0")))
		rc = c->err->code;
	for (i = 0; r && i < PQntuples(r) && !rc; i++)
		if (map_get(c, 'c', oidval(r, i, 1), 0))
			rc = map_alias(c, 't', oidval(r, i, 0), 'c', oidval(r, i, 1), 0);
	PQclear(r);
	*out = v;
	*n_out = n;
	return rc;
}

static int read_columns(ictx *c)
{
	PGresult *r = query(
		c, "columns",
		"SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), "
		"a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated, a.attidentity, "
		"CASE WHEN a.attcollation <> t.typcollation THEN "
		COLLNAME("a.attcollation") " END, "
		"col_description(a.attrelid, a.attnum), a.attislocal "
		"FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
		"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		"JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
		"LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND "
		"d.adnum = a.attnum "
		"WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') "
		"AND " USER_NS("n") " ORDER BY a.attrelid, a.attnum");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		unsigned rel = oidval(r, i, 0);
		const oref *t = map_get(c, 'c', rel, 0);
		const char *gen = val(r, i, 6), *ident = val(r, i, 7), *expr = val(r, i, 5);
		st_object *o = t ? t->obj : NULL;
		st_column *col;
		oref *cr;
		if (!o)
			continue;
		if (!(col = st_object_add_column(c->s, o)))
			return oom(c);
		col->name = str(c, val(r, i, 2));
		col->type = str(c, val(r, i, 3));
		col->not_null = boolval(r, i, 4);
		if (gen && *gen) {
			col->generated = str(c, expr);
			col->generated_stored = gen[0] == 's';
		} else {
			col->default_expr = str(c, expr);
		}
		col->identity = ident && *ident ? ident[0] : 0;
		col->collation = str(c, val(r, i, 8));
		col->comment = str(c, val(r, i, 9));
		/* Columns inherited (not partitions') are written in the parent only. */
		if (!boolval(r, i, 10))
			col->definition = "";
		if (!col->name || !col->type)
			return oom(c);
		if (!(cr = map_put(c, 'c', rel, atoi(val(r, i, 1)))))
			return oom(c);
		cr->obj = o;
		cr->col = col->name;
	}
	PQclear(r);
	return rc;
}

static st_column *find_col(st_object *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_cols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

/* The sequence's options as CREATE SEQUENCE writes them. */
static void seq_options(st_buf *b, PGresult *r, int i)
{
	st_buf_printf(b, "AS %s START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s%s",
		      val(r, i, 3), val(r, i, 4), val(r, i, 5), val(r, i, 7), val(r, i, 6),
		      val(r, i, 8), boolval(r, i, 9) ? " CYCLE" : "");
}

/* Identity columns keep their sequence's options when they differ from the defaults. */
static void identity_options(st_buf *b, PGresult *r, int i)
{
	const char *type = val(r, i, 3), *max = val(r, i, 6);
	int asc = val(r, i, 5)[0] != '-';
	const char *tmax = strcmp(type, "smallint") == 0 ? "32767"
			   : strcmp(type, "integer") == 0 ? "2147483647" : "9223372036854775807";
	size_t len = b->len;

	st_buf_puts(b, " (");
	if (strcmp(val(r, i, 4), asc ? "1" : "-1") != 0 || !asc)
		st_buf_printf(b, "START WITH %s ", val(r, i, 4));
	if (strcmp(val(r, i, 5), "1") != 0)
		st_buf_printf(b, "INCREMENT BY %s ", val(r, i, 5));
	if (asc && strcmp(val(r, i, 7), "1") != 0)
		st_buf_printf(b, "MINVALUE %s ", val(r, i, 7));
	if (asc && strcmp(max, tmax) != 0)
		st_buf_printf(b, "MAXVALUE %s ", max);
	if (!asc)
		st_buf_printf(b, "MINVALUE %s MAXVALUE %s ", val(r, i, 7), max);
	if (strcmp(val(r, i, 8), "1") != 0)
		st_buf_printf(b, "CACHE %s ", val(r, i, 8));
	if (boolval(r, i, 9))
		st_buf_puts(b, "CYCLE ");
	if (b->len == len + 2)
		st_buf_truncate(b, len);
	else {
		st_buf_truncate(b, b->len - 1);
		st_buf_putc(b, ')');
	}
}

/* Sequences: an identity column's is part of the column; a serial column's (owned by it, named
 * and set as `serial` makes it) too; any other is an object of its own. */
static int read_sequences(ictx *c)
{
	PGresult *r = query(
		c, "sequences",
		"SELECT c.oid, n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, "
		"s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle, d.deptype, "
		"d.refobjid, "
		"a.attname, obj_description(c.oid, 'pg_class'), c.relacl IS NOT NULL, "
		"t.relname, tn.nspname "
		"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
		"c.relnamespace "
		"JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid "
		"LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::regclass "
		"AND "
		"d.objid = c.oid AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype "
		"IN "
		"('a', 'i') AND d.refobjsubid > 0 "
		"LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = "
		"d.refobjsubid "
		"LEFT JOIN pg_catalog.pg_class t ON t.oid = d.refobjid "
		"LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace "
		"WHERE c.relkind = 'S' AND " USER_NS("n") " AND " NOT_EXT(
			"pg_catalog.pg_class", "c.oid") " ORDER BY c.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const char *schema = val(r, i, 1), *name = val(r, i, 2), *dep = val(r, i, 10);
		const char *type = val(r, i, 3), *col_name = val(r, i, 12);
		unsigned seq = oidval(r, i, 0), owner = oidval(r, i, 11);
		const oref *t = owner ? map_get(c, 'c', owner, 0) : NULL;
		st_column *col = t && t->obj && col_name ? find_col(t->obj, col_name) : NULL;
		st_buf b = ST_BUF_INIT;
		st_object *o;
		if (owner && !t && val(r, i, 15) && is_skipped(c, val(r, i, 15)))
			continue; /* strata's own */
		if (dep && dep[0] == 'i') {
			if (col) {
				/* The options go into the column's definition (column_sql), marked
				 * by '@' apart from the "" of inherited columns. */
				st_buf_putc(&b, '@');
				identity_options(&b, r, i);
				col->definition = take(c, &b);
				if (!col->definition)
					return oom(c);
				rc = map_obj(c, 'c', seq, t->obj);
			}
			continue;
		}
		if (col && col->default_expr && col->not_null && !col->definition) {
			/* serial: nextval of this very sequence, named table_column_seq, typed and
			 * set as serial makes it. */
			const char *serial = strcmp(type, "integer") == 0    ? "serial"
					     : strcmp(type, "bigint") == 0   ? "bigserial"
					     : strcmp(type, "smallint") == 0 ? "smallserial" : NULL;
			const char *max = strcmp(type, "integer") == 0	    ? "2147483647"
					  : strcmp(type, "bigint") == 0 ? "9223372036854775807"
									: "32767";
			st_buf want = ST_BUF_INIT, seqname = ST_BUF_INIT;
			int fold;
			st_buf_puts(&want, "nextval('");
			st_pg_put_qname(&seqname, schema, name);
			for (const char *p = st_buf_str(&seqname); *p; p++) {
				if (*p == '\'')
					st_buf_putc(&want, '\'');
				st_buf_putc(&want, *p);
			}
			st_buf_puts(&want, "'::regclass)");
			st_buf_truncate(&seqname, 0);
			st_buf_printf(&seqname, "%s_%s_seq", val(r, i, 15), col_name);
			fold = serial && strcmp(col->type, type) == 0 &&
			       strcmp(col->default_expr, st_buf_str(&want)) == 0 &&
			       strcmp(name, st_buf_str(&seqname)) == 0 && seqname.len < 64 &&
			       strcmp(schema, val(r, i, 16)) == 0 &&
			       strcmp(val(r, i, 4), "1") == 0 && strcmp(val(r, i, 5), "1") == 0 &&
			       strcmp(val(r, i, 7), "1") == 0 && strcmp(val(r, i, 6), max) == 0 &&
			       strcmp(val(r, i, 8), "1") == 0 && !boolval(r, i, 9) &&
			       !val(r, i, 13);
			st_buf_free(&want);
			st_buf_free(&seqname);
			if (fold) {
				col->definition = serial; /* a marker, made whole in column_sql */
				rc = map_obj(c, 'c', seq, t->obj);
				continue;
			}
		}
		if (!(o = add(c, ST_OBJ_SEQUENCE, schema, name)))
			return oom(c);
		st_buf_puts(&b, "CREATE SEQUENCE ");
		st_pg_put_qname(&b, schema, name);
		st_buf_putc(&b, ' ');
		seq_options(&b, r, i);
		o->create_sql = take(c, &b);
		if (t && t->obj && col_name) {
			/* OWNED BY, set once the table exists: kept in options. */
			st_pg_put_qname(&b, t->obj->schema, t->obj->name);
			st_buf_putc(&b, '.');
			st_pg_put_ident(&b, col_name);
			o->options = take(c, &b);
			o->table = t->obj->key;
		}
		st_buf_printf(&b, "%s%s%s", o->create_sql ? o->create_sql : "",
			      o->options ? " OWNED BY " : "", o->options ? o->options : "");
		o->definition = take(c, &b);
		o->comment = str(c, val(r, i, 13));
		c->n_acl += boolval(r, i, 14);
		st_pg_put_qname(&b, schema, name);
		if (!o->create_sql || !o->definition || st_buf_oom(&b) ||
		    set_drop(c, o, "SEQUENCE", st_buf_str(&b)))
			rc = oom(c);
		st_buf_free(&b);
		if (!rc)
			rc = map_obj(c, 'c', seq, o);
	}
	PQclear(r);
	return rc;
}

/* A column as CREATE TABLE and ADD COLUMN write it. */
static int column_sql(ictx *c, st_column *col)
{
	st_buf b = ST_BUF_INIT;
	const char *def = col->definition;

	st_pg_put_ident(&b, col->name);
	if (def && (strcmp(def, "serial") == 0 || strcmp(def, "bigserial") == 0 ||
		    strcmp(def, "smallserial") == 0)) {
		st_buf_printf(&b, " %s", def);
		col->definition = take(c, &b);
		return col->definition ? 0 : oom(c);
	}
	st_buf_printf(&b, " %s", col->type);
	if (col->collation)
		st_buf_printf(&b, " COLLATE %s", col->collation);
	if (col->generated)
		st_buf_printf(&b, " GENERATED ALWAYS AS (%s)%s", col->generated,
			      col->generated_stored ? " STORED" : "");
	if (col->identity)
		st_buf_printf(&b, " GENERATED %s AS IDENTITY%s",
			      col->identity == 'a' ? "ALWAYS" : "BY DEFAULT",
			      def && *def == '@' ? def + 1 : "");
	if (col->default_expr)
		st_buf_printf(&b, " DEFAULT %s", col->default_expr);
	if (col->not_null)
		st_buf_puts(&b, " NOT NULL");
	col->definition = take(c, &b);
	return col->definition ? 0 : oom(c);
}

static int read_constraints(ictx *c)
{
	PGresult *r = query(
		c, "constraints",
		"SELECT co.conrelid, co.oid, co.conname, co.contype, pg_get_constraintdef(co.oid), "
		"co.confrelid, (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM "
		"unnest(co.conkey) WITH ORDINALITY k(num, ord) JOIN pg_catalog.pg_attribute a ON "
		"a.attrelid = co.conrelid AND a.attnum = k.num), "
		"obj_description(co.oid, 'pg_constraint') "
		"FROM pg_catalog.pg_constraint co WHERE co.conrelid >= 16384 AND co.contype IN "
		"('p', 'u', 'c', 'f', 'x') AND co.conparentid = 0 AND co.conislocal "
		"ORDER BY co.conrelid, co.contype, co.conname");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 'c', oidval(r, i, 0), 0);
		st_constraint *k;
		if (!t || !t->obj || t->obj->kind != ST_OBJ_TABLE)
			continue;
		if (!(k = st_object_add_constraint(c->s, t->obj)))
			return oom(c);
		k->name = str(c, val(r, i, 2));
		k->kind = (st_con_kind)val(r, i, 3)[0];
		k->definition = str(c, val(r, i, 4));
		k->columns = str(c, val(r, i, 6));
		if (!k->name || !k->definition)
			return oom(c);
		if (k->kind == ST_CON_FOREIGN) {
			const oref *ref = map_get(c, 'c', oidval(r, i, 5), 0);
			if (ref && ref->obj)
				k->ref_table = ref->obj->key;
		}
		if (val(r, i, 7))
			rc = unsupported(c, "comment on constraint %s of table %s.%s", k->name,
					 t->obj->schema, t->obj->name);
		if (!rc)
			rc = map_alias(c, 'k', oidval(r, i, 1), 'c', oidval(r, i, 0), 0);
	}
	PQclear(r);
	return rc;
}

/* A one-column primary key or unique constraint with the name PostgreSQL would give it is
 * written on its column, as people write it ("id serial PRIMARY KEY"); col: that column, or
 * NULL for any. */
static int inline_constraint(const st_object *t, const st_constraint *k, const char *col)
{
	st_buf want = ST_BUF_INIT, def = ST_BUF_INIT;
	int r;

	if ((k->kind != ST_CON_PRIMARY && k->kind != ST_CON_UNIQUE) || !k->columns ||
	    strchr(k->columns, ',') || (col && strcmp(col, k->columns) != 0))
		return 0;
	if (k->kind == ST_CON_PRIMARY)
		st_buf_printf(&want, "%s_pkey", t->name);
	else
		st_buf_printf(&want, "%s_%s_key", t->name, k->columns);
	st_buf_puts(&def, k->kind == ST_CON_PRIMARY ? "PRIMARY KEY (" : "UNIQUE (");
	st_pg_put_ident(&def, k->columns);
	st_buf_putc(&def, ')');
	r = !st_buf_oom(&want) && !st_buf_oom(&def) && want.len < 64 &&
	    strcmp(st_buf_str(&want), k->name) == 0 && strcmp(st_buf_str(&def), k->definition) == 0;
	st_buf_free(&want);
	st_buf_free(&def);
	return r;
}

/* Options of tables (clauses that CREATE TABLE writes after the columns, "; "-separated),
 * CREATE statements of tables and views. */
static int finish_relations(ictx *c, relinfo *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		relinfo *ri = &v[i];
		st_object *o = ri->obj;
		st_buf b = ST_BUF_INIT, opt = ST_BUF_INIT, q = ST_BUF_INIT;
		const oref *parent = ri->parent ? map_get(c, 'c', ri->parent, 0) : NULL;
		const char *pq = parent && parent->obj ? qname(c, parent->obj->schema,
								  parent->obj->name) : NULL;
		int first = 1;

		if (parent && parent->obj && !pq)
			return oom(c);

		st_pg_put_qname(&q, o->schema, o->name);
		if (o->kind != ST_OBJ_TABLE) {
			const char *check = NULL;
			st_buf rel = ST_BUF_INIT;
			/* check_option is a clause of its own; the other options go in WITH. */
			if (ri->reloptions) {
				st_strvec parts = { 0 };
				if (st_strvec_split_list(&parts, ri->reloptions))
					return oom(c);
				for (j = 0; j < parts.n; j++) {
					if (strncmp(parts.v[j], "check_option=", 13) == 0)
						check = strcmp(parts.v[j] + 13, "local") == 0
								? "LOCAL"
								: "CASCADED";
					else
						st_buf_printf(&rel, "%s%s", rel.len ? ", " : "",
							      parts.v[j]);
				}
				st_strvec_free(&parts);
			}
			st_buf_printf(&b, "CREATE %s %s", o->kind == ST_OBJ_VIEW ? "VIEW"
							  : "MATERIALIZED VIEW",
				      st_buf_str(&q));
			if (rel.len)
				st_buf_printf(&b, " WITH (%s)", st_buf_str(&rel));
			st_buf_printf(&b, " AS\n%s", ri->viewdef ? ri->viewdef : "");
			if (check)
				st_buf_printf(&b, "\n  WITH %s CHECK OPTION", check);
			/* For CREATE OR REPLACE: the columns, and the options. */
			for (j = 0; j < o->n_cols; j++)
				st_buf_printf(&opt, "%s%s %s", j ? ", " : "", o->cols[j].name,
					      o->cols[j].type);
			st_buf_printf(&opt, "|%s", st_buf_str(&rel));
			st_buf_free(&rel);
			o->options = take(c, &opt);
			o->create_sql = o->definition = take(c, &b);
			if (!o->create_sql || !o->options || st_buf_oom(&q) ||
			    set_drop(c, o, o->kind == ST_OBJ_VIEW ? "VIEW" : "MATERIALIZED VIEW",
				     st_buf_str(&q))) {
				st_buf_free(&q);
				return oom(c);
			}
			st_buf_free(&q);
			continue;
		}
		for (j = 0; j < o->n_cols; j++)
			if (o->cols[j].definition && !*o->cols[j].definition && !ri->bound)
				continue; /* inherited: keep the marker */
			else if (column_sql(c, &o->cols[j]))
				return oom(c);
		if (ri->unlogged)
			st_buf_puts(&opt, "UNLOGGED");
		if (ri->bound && pq)
			st_buf_printf(&opt, "%sPARTITION OF %s %s", opt.len ? "; " : "", pq,
				      ri->bound);
		if (ri->inherits)
			st_buf_printf(&opt, "%sINHERITS (%s)", opt.len ? "; " : "", ri->inherits);
		if (ri->partkey)
			st_buf_printf(&opt, "%sPARTITION BY %s", opt.len ? "; " : "", ri->partkey);
		if (ri->reloptions)
			st_buf_printf(&opt, "%sWITH (%s)", opt.len ? "; " : "", ri->reloptions);
		if (ri->rls)
			st_buf_printf(&opt, "%sROW LEVEL SECURITY", opt.len ? "; " : "");
		if (ri->force_rls)
			st_buf_printf(&opt, "%sFORCE ROW LEVEL SECURITY", opt.len ? "; " : "");
		if (opt.len)
			o->options = take(c, &opt);
		else
			st_buf_free(&opt);

		/* CREATE TABLE: columns and constraints but foreign keys (added once every table
		 * exists).  A partition's columns come from its parent. */
		st_buf_printf(&b, "CREATE %sTABLE %s", ri->unlogged ? "UNLOGGED " : "",
			      st_buf_str(&q));
		if (ri->bound && pq)
			st_buf_printf(&b, " PARTITION OF %s", pq);
		st_buf_puts(&b, " (");
		for (j = 0; j < o->n_cols && !ri->bound; j++) {
			const char *def = o->cols[j].definition;
			size_t len = strlen(def), k;
			const char *inl = "";
			if (!*def)
				continue;
			for (k = 0; k < o->n_cons; k++)
				if (inline_constraint(o, &o->cons[k], o->cols[j].name))
					inl = o->cons[k].kind == ST_CON_PRIMARY ? " PRIMARY KEY"
										: " UNIQUE";
			if (inl[0] && inl[1] == 'P' && len > 9 &&
			    strcmp(def + len - 9, " NOT NULL") == 0)
				len -= 9; /* said by PRIMARY KEY */
			st_buf_printf(&b, "%s\n    %.*s%s", first ? "" : ",", (int)len, def, inl);
			first = 0;
		}
		for (j = 0; j < o->n_cons; j++) {
			if (o->cons[j].kind == ST_CON_FOREIGN ||
			    (!ri->bound && inline_constraint(o, &o->cons[j], NULL)))
				continue;
			st_buf_printf(&b, "%s\n    CONSTRAINT ", first ? "" : ",");
			st_pg_put_ident(&b, o->cons[j].name);
			st_buf_printf(&b, " %s", o->cons[j].definition);
			first = 0;
		}
		if (first && ri->bound)
			st_buf_truncate(&b, b.len - 2);
		else
			st_buf_puts(&b, "\n)");
		if (ri->bound)
			st_buf_printf(&b, " %s", ri->bound);
		if (ri->inherits)
			st_buf_printf(&b, " INHERITS (%s)", ri->inherits);
		if (ri->partkey)
			st_buf_printf(&b, " PARTITION BY %s", ri->partkey);
		if (ri->reloptions)
			st_buf_printf(&b, " WITH (%s)", ri->reloptions);
		if (ri->rls) {
			st_buf_printf(&b, ";\nALTER TABLE %s ENABLE ROW LEVEL SECURITY",
				      st_buf_str(&q));
			if (ri->force_rls)
				st_buf_printf(&b, ";\nALTER TABLE %s FORCE ROW LEVEL SECURITY",
					      st_buf_str(&q));
		}
		o->create_sql = take(c, &b);
		if (!o->create_sql || st_buf_oom(&q) || set_drop(c, o, "TABLE", st_buf_str(&q))) {
			st_buf_free(&q);
			return oom(c);
		}
		st_buf_free(&q);
		if (parent && parent->obj) {
			/* A partition goes with its parent, as indexes go with their table. */
			o->table = parent->obj->key;
			if (st_object_add_dep(c->s, o, parent->obj->key))
				return oom(c);
		}
	}
	/* Inherited columns keep their "" marker: renderers leave them to the parent. */
	return 0;
}

/* ---- indexes and triggers -------------------------------------------------------------------- */

static int read_indexes(ictx *c)
{
	PGresult *r = query(
		c, "indexes",
		"SELECT i.indexrelid, i.indrelid, n.nspname, ic.relname, "
		"pg_get_indexdef(i.indexrelid), obj_description(i.indexrelid, 'pg_class'), "
		"EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = "
		"i.indexrelid "
		"AND co.contype IN ('p', 'u', 'x') AND co.conrelid = i.indrelid) OR EXISTS (SELECT "
		"1 "
		"FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid) "
		"FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
		"JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
		"WHERE i.indrelid >= 16384 AND " USER_NS("n") " ORDER BY i.indexrelid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 'c', oidval(r, i, 1), 0);
		const char *def = val(r, i, 4), *only;
		st_object *o;
		st_buf b = ST_BUF_INIT;
		if (!t || !t->obj ||
		    (t->obj->kind != ST_OBJ_TABLE && t->obj->kind != ST_OBJ_MATVIEW))
			continue;
		if (boolval(r, i, 6)) {
			/* A constraint's index, or a partition's part of its parent's index: it
			 * stands for the table. */
			rc = map_alias(c, 'c', oidval(r, i, 0), 'c', oidval(r, i, 1), 0);
			continue;
		}
		if (!(o = add(c, ST_OBJ_INDEX, val(r, i, 2), val(r, i, 3))))
			return oom(c);
		o->table = t->obj->key;
		o->definition = str(c, def);
		/* An index of a partitioned table reads "ON ONLY": made on the table, it is
		 * made on its partitions too.  Written as people write it: without the default
		 * "public." and "USING btree". */
		if ((only = strstr(def, " ON "))) {
			const char *rest = only + 4, *btree;
			st_buf_add(&b, def, (size_t)(only - def) + 4);
			if (strncmp(rest, "ONLY ", 5) == 0)
				rest += 5;
			if (strncmp(rest, "public.", 7) == 0)
				rest += 7;
			if ((btree = strstr(rest, " USING btree ("))) {
				st_buf_add(&b, rest, (size_t)(btree - rest));
				rest = btree + 12;
			}
			st_buf_puts(&b, rest);
			o->create_sql = take(c, &b);
		} else {
			o->create_sql = o->definition;
		}
		o->comment = str(c, val(r, i, 5));
		st_pg_put_qname(&b, val(r, i, 2), val(r, i, 3));
		if (!o->definition || !o->create_sql || st_buf_oom(&b) ||
		    set_drop(c, o, "INDEX", st_buf_str(&b)) || st_object_add_dep(c->s, o, o->table))
			rc = oom(c);
		st_buf_free(&b);
		if (!rc)
			rc = map_obj(c, 'c', oidval(r, i, 0), o);
	}
	PQclear(r);
	return rc;
}

static int read_triggers(ictx *c)
{
	PGresult *r =
		query(c, "triggers",
		      "SELECT t.oid, t.tgrelid, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled, "
		      "obj_description(t.oid, 'pg_trigger') FROM pg_catalog.pg_trigger t "
		      "WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND t.tgrelid >= 16384 "
		      "ORDER BY t.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 'c', oidval(r, i, 1), 0);
		const char *en = val(r, i, 4);
		st_buf name = ST_BUF_INIT, b = ST_BUF_INIT, q = ST_BUF_INIT;
		st_object *o;
		if (!t || !t->obj)
			continue;
		st_buf_printf(&name, "%s ON %s", val(r, i, 2), t->obj->name);
		if (st_buf_oom(&name) ||
		    !(o = add(c, ST_OBJ_TRIGGER, t->obj->schema, st_buf_str(&name)))) {
			st_buf_free(&name);
			return oom(c);
		}
		st_buf_free(&name);
		o->table = t->obj->key;
		st_pg_put_qname(&q, t->obj->schema, t->obj->name);
		{
			/* As people write it: "ON t", not "ON public.t". */
			const char *def = val(r, i, 3), *at;
			st_buf needle = ST_BUF_INIT;
			st_buf_printf(&needle, " ON public.%s ", st_buf_str(&q));
			if (strcmp(t->obj->schema, "public") == 0 &&
			    (at = strstr(def, st_buf_str(&needle)))) {
				st_buf_add(&b, def, (size_t)(at - def) + 4);
				st_buf_puts(&b, at + 11);
			} else {
				st_buf_puts(&b, def);
			}
			st_buf_free(&needle);
		}
		if (en[0] != 'O')
			st_buf_printf(&b, ";\nALTER TABLE %s %s TRIGGER ", st_buf_str(&q),
				      en[0] == 'D' ? "DISABLE" : en[0] == 'R' ? "ENABLE REPLICA"
									      : "ENABLE ALWAYS");
		if (en[0] != 'O')
			st_pg_put_ident(&b, val(r, i, 2));
		o->create_sql = take(c, &b);
		st_buf_printf(&b, "%s %c", val(r, i, 3), en[0]);
		o->definition = take(c, &b);
		o->comment = str(c, val(r, i, 5));
		st_pg_put_ident(&b, val(r, i, 2));
		st_buf_printf(&b, " ON %s", st_buf_str(&q));
		st_buf_free(&q);
		if (!o->create_sql || !o->definition || st_buf_oom(&b) ||
		    set_drop(c, o, "TRIGGER", st_buf_str(&b)) ||
		    st_object_add_dep(c->s, o, o->table))
			rc = oom(c);
		st_buf_free(&b);
		if (!rc)
			rc = map_obj(c, 'g', oidval(r, i, 0), o);
	}
	PQclear(r);
	return rc;
}

/* Rules (not a view's own) and row-level security policies: objects of their table's, like
 * triggers. */
static int table_object(ictx *c, st_obj_kind kind, const st_object *t, const char *name,
			const char *what, st_object **out)
{
	st_buf n = ST_BUF_INIT, b = ST_BUF_INIT;
	st_object *o;

	*out = NULL;
	st_buf_printf(&n, "%s ON %s", name, t->name);
	if (st_buf_oom(&n) || !(o = add(c, kind, t->schema, st_buf_str(&n)))) {
		st_buf_free(&n);
		return oom(c);
	}
	st_buf_free(&n);
	o->table = t->key;
	st_pg_put_ident(&b, name);
	st_buf_puts(&b, " ON ");
	st_pg_put_qname(&b, t->schema, t->name);
	if (st_buf_oom(&b) || set_drop(c, o, what, st_buf_str(&b)) ||
	    st_object_add_dep(c->s, o, o->table)) {
		st_buf_free(&b);
		return oom(c);
	}
	st_buf_free(&b);
	*out = o;
	return 0;
}

static int read_rules(ictx *c)
{
	PGresult *r =
		query(c, "rules",
		      "SELECT r.oid, r.ev_class, r.rulename, pg_get_ruledef(r.oid), r.ev_enabled, "
		      "obj_description(r.oid, 'pg_rewrite') FROM pg_catalog.pg_rewrite r "
		      "WHERE r.rulename <> '_RETURN' AND r.ev_class >= 16384 ORDER BY r.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 'c', oidval(r, i, 1), 0);
		const char *en = val(r, i, 4);
		st_buf b = ST_BUF_INIT;
		st_object *o;
		if (!t || !t->obj)
			continue;
		if ((rc = table_object(c, ST_OBJ_RULE, t->obj, val(r, i, 2), "RULE", &o)))
			break;
		st_buf_puts(&b, trimmed(c, val(r, i, 3)));
		if (en[0] != 'O') {
			st_buf_printf(&b, ";\nALTER TABLE %s %s RULE ",
				      qname(c, t->obj->schema, t->obj->name),
				      en[0] == 'D'   ? "DISABLE"
				      : en[0] == 'R' ? "ENABLE REPLICA"
						     : "ENABLE ALWAYS");
			st_pg_put_ident(&b, val(r, i, 2));
		}
		o->create_sql = o->definition = take(c, &b);
		o->comment = str(c, val(r, i, 5));
		if (!o->create_sql)
			rc = oom(c);
		else
			rc = map_obj(c, 'r', oidval(r, i, 0), o);
	}
	PQclear(r);
	return rc;
}

static int read_policies(ictx *c)
{
	PGresult *r = query(
		c, "policies",
		"SELECT p.oid, p.polrelid, p.polname, p.polcmd, p.polpermissive, "
		"(SELECT string_agg(n, ', ' ORDER BY n) FROM (SELECT CASE WHEN x = 0 THEN 'PUBLIC' "
		"ELSE quote_ident(pg_get_userbyid(x)) END AS n FROM unnest(p.polroles) x) y), "
		"pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), "
		"obj_description(p.oid, 'pg_policy') FROM pg_catalog.pg_policy p "
		"WHERE p.polrelid >= 16384 ORDER BY p.oid");
	int i, rc = 0;

	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const oref *t = map_get(c, 'c', oidval(r, i, 1), 0);
		const char *cmd = val(r, i, 3), *roles = val(r, i, 5);
		st_buf b = ST_BUF_INIT;
		st_object *o;
		if (!t || !t->obj)
			continue;
		if ((rc = table_object(c, ST_OBJ_POLICY, t->obj, val(r, i, 2), "POLICY", &o)))
			break;
		st_buf_printf(&b, "CREATE %s", o->drop_sql + 5);
		if (!boolval(r, i, 4))
			st_buf_puts(&b, " AS RESTRICTIVE");
		if (cmd[0] != '*')
			st_buf_printf(&b, " FOR %s",
				      cmd[0] == 'r'   ? "SELECT"
				      : cmd[0] == 'a' ? "INSERT"
				      : cmd[0] == 'w' ? "UPDATE"
						      : "DELETE");
		if (roles && strcmp(roles, "PUBLIC") != 0)
			st_buf_printf(&b, " TO %s", roles);
		if (val(r, i, 6))
			st_buf_printf(&b, " USING (%s)", val(r, i, 6));
		if (val(r, i, 7))
			st_buf_printf(&b, " WITH CHECK (%s)", val(r, i, 7));
		o->create_sql = o->definition = take(c, &b);
		o->comment = str(c, val(r, i, 8));
		if (!o->create_sql)
			rc = oom(c);
		else
			rc = map_obj(c, 'y', oidval(r, i, 0), o);
	}
	PQclear(r);
	return rc;
}

/* ---- dependencies ---------------------------------------------------------------------------- */

static int add_dep_col(ictx *c, st_object *o, st_object *ref, const char *col)
{
	st_buf b = ST_BUF_INIT;
	int rc;

	if (o == ref)
		return 0;
	if (st_object_add_dep(c->s, o, ref->key))
		return oom(c);
	if (!col)
		return 0;
	/* A pseudo-key for the column: renderers see what stands on a column that changes. */
	st_buf_printf(&b, "column:%s.%s", ref->key, col);
	rc = st_buf_oom(&b) || st_object_add_dep(c->s, o, st_buf_str(&b)) ? oom(c) : 0;
	st_buf_free(&b);
	return rc;
}

static int read_depend(ictx *c)
{
	PGresult *r;
	int i, rc = 0;

	/* Rows that stand for others: column defaults, constraints, rules.  Not foreign keys:
	 * they are added once every table exists, and dropped with their table. */
	if (!(r = query(
		      c, "column defaults",
		      "SELECT 'd', oid, adrelid, adnum FROM pg_catalog.pg_attrdef WHERE adrelid >= "
		      "16384 UNION ALL SELECT 'r', oid, ev_class, 0 FROM pg_catalog.pg_rewrite "
		      "WHERE "
		      "ev_class >= 16384 UNION ALL SELECT 'k', oid, conrelid, 0 FROM "
		      "pg_catalog.pg_constraint WHERE conrelid >= 16384 AND contype <> 'f'")))
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++)
		rc = map_alias(c, val(r, i, 0)[0], oidval(r, i, 1), 'c', oidval(r, i, 2),
			       atoi(val(r, i, 3)));
	PQclear(r);
	if (rc)
		return rc;
	/* Functions a type made for itself (a range's constructors) stand for the type. */
	if (!(r = query(c, "types' functions",
			"SELECT objid, refobjid FROM pg_catalog.pg_depend WHERE classid = "
			"'pg_catalog.pg_proc'::regclass AND refclassid = "
			"'pg_catalog.pg_type'::regclass "
			"AND deptype = 'i' AND objid >= 16384")))
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++)
		rc = map_alias(c, 'p', oidval(r, i, 0), 't', oidval(r, i, 1), 0);
	PQclear(r);
	if (rc)
		return rc;
	if (!(r = query(c, "dependencies",
			"SELECT d.classid::regclass::text, d.objid, d.objsubid, "
			"d.refclassid::regclass::text, d.refobjid, d.refobjsubid, d.deptype, "
			"c.relkind FROM pg_catalog.pg_depend d LEFT JOIN pg_catalog.pg_class c ON "
			"d.classid = 'pg_catalog.pg_class'::regclass AND c.oid = d.objid "
			"WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= "
			"16384")))
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++) {
		const char *relkind = val(r, i, 7), *col;
		st_object *o, *ref;
		if (relkind && relkind[0] == 'S' && val(r, i, 6)[0] == 'a')
			continue; /* a sequence's OWNED BY: the table uses the sequence, not back */
		o = resolve(c, class_code(val(r, i, 0)), oidval(r, i, 1), 0, NULL);
		ref = resolve(c, class_code(val(r, i, 3)), oidval(r, i, 4), atoi(val(r, i, 5)),
			      &col);
		if (o && ref && o != ref)
			rc = add_dep_col(c, o, ref, col);
	}
	PQclear(r);
	return rc;
}

/* The bare name of a table, view or function ("f" of "f(integer)"), for name_deps. */
static size_t bare_len(const st_object *x)
{
	return x->kind == ST_OBJ_FUNCTION ? strcspn(x->name, "(") : strlen(x->name);
}

static int cmp_bare(const void *a, const void *b)
{
	const st_object *x = *(st_object *const *)a, *y = *(st_object *const *)b;
	size_t nx = bare_len(x), ny = bare_len(y);
	int r = strncmp(x->name, y->name, nx < ny ? nx : ny);

	return r ? r : (nx > ny) - (nx < ny);
}

/* SQL functions' bodies are checked when they are made: they need the tables, views and
 * functions they name, which pg_depend does not record.  Found by name, in a sorted index. */
static int name_deps(ictx *c)
{
	st_object **names = malloc((c->s->n + 1) * sizeof(st_object *));
	size_t i, j, n = 0;
	int rc = 0;

	if (!names)
		return oom(c);
	for (i = 0; i < c->s->n; i++) {
		st_object *x = c->s->objs[i];
		if (x->kind == ST_OBJ_TABLE || x->kind == ST_OBJ_VIEW ||
		    x->kind == ST_OBJ_MATVIEW || x->kind == ST_OBJ_FUNCTION)
			names[n++] = x;
	}
	qsort(names, n, sizeof(*names), cmp_bare);
	for (i = 0; i < c->s->n && !rc; i++) {
		st_object *o = c->s->objs[i];
		const char *body = o->table, *p, *end;
		st_tok t;
		if (o->kind != ST_OBJ_FUNCTION || !body)
			continue;
		o->table = NULL; /* it held the body (read_functions) */
		p = body;
		end = body + strlen(body);
		while (!rc && (t = st_sqltok_next(&p, end)).kind != ST_TOK_END) {
			st_buf w = ST_BUF_INIT;
			size_t lo = 0, hi = n;
			if (t.kind != ST_TOK_WORD && t.kind != ST_TOK_QIDENT)
				continue;
			st_tok_ident(&w, &t);
			if (t.kind == ST_TOK_WORD)
				for (j = 0; j < w.len; j++)
					w.data[j] = (char)tolower((unsigned char)w.data[j]);
			if (st_buf_oom(&w)) {
				rc = oom(c);
				break;
			}
			/* The first object of that bare name, then each of them. */
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2, len = bare_len(names[mid]);
				int r = strncmp(names[mid]->name, st_buf_str(&w),
						len < w.len ? len : w.len);
				if (!r)
					r = (len > w.len) - (len < w.len);
				if (r < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < n && bare_len(names[lo]) == w.len &&
			       strncmp(names[lo]->name, st_buf_str(&w), w.len) == 0; lo++) {
				st_object *x = names[lo];
				if (x == o)
					continue;
				if (st_object_add_dep(c->s, o, x->key)) {
					rc = oom(c);
					break;
				}
				/* Read with the tables it reads: made after them, not between. */
				if (x->kind != ST_OBJ_FUNCTION)
					o->order = (int)ST_OBJ_TABLE << 20 | 0x80000 |
						   (o->order & 0x7ffff);
			}
			st_buf_free(&w);
		}
	}
	free(names);
	return rc;
}

/* ---- what is not compared -------------------------------------------------------------------- */

/* What is read by name only: one query per catalog, joined by UNION ALL. */
#define OTHER(label, name, cat, nsp)                                                               \
	"SELECT '" label " ' || n.nspname || '.' || " name " FROM pg_catalog." cat " x JOIN "      \
	"pg_catalog.pg_namespace n ON n.oid = x." nsp " WHERE " USER_NS("n") " AND "               \
	NOT_EXT("pg_catalog." cat, "x.oid")

static const char *const others[] = {
	OTHER("collation", "x.collname", "pg_collation", "collnamespace"),
	OTHER("operator", "x.oid::regoperator::text", "pg_operator", "oprnamespace"),
	OTHER("operator class", "x.opcname", "pg_opclass", "opcnamespace"),
	OTHER("operator family", "x.opfname", "pg_opfamily", "opfnamespace"),
	OTHER("text search configuration", "x.cfgname", "pg_ts_config", "cfgnamespace"),
	OTHER("text search dictionary", "x.dictname", "pg_ts_dict", "dictnamespace"),
	OTHER("text search template", "x.tmplname", "pg_ts_template", "tmplnamespace"),
	OTHER("text search parser", "x.prsname", "pg_ts_parser", "prsnamespace"),
	OTHER("conversion", "x.conname", "pg_conversion", "connamespace"),
	OTHER("statistics object", "x.stxname", "pg_statistic_ext", "stxnamespace"),
	"SELECT 'cast (' || format_type(x.castsource, NULL) || ' AS ' || "
	"format_type(x.casttarget, NULL) || ')' FROM pg_catalog.pg_cast x WHERE x.oid >= 16384 "
	"AND " NOT_EXT("pg_catalog.pg_cast", "x.oid"),
	"SELECT 'event trigger ' || x.evtname FROM pg_catalog.pg_event_trigger x WHERE "
	NOT_EXT("pg_catalog.pg_event_trigger", "x.oid"),
	"SELECT 'language ' || x.lanname FROM pg_catalog.pg_language x WHERE x.oid >= 16384 AND "
	NOT_EXT("pg_catalog.pg_language", "x.oid"),
	"SELECT 'foreign data wrapper ' || x.fdwname FROM pg_catalog.pg_foreign_data_wrapper x "
	"WHERE " NOT_EXT("pg_catalog.pg_foreign_data_wrapper", "x.oid"),
	"SELECT 'foreign server ' || x.srvname FROM pg_catalog.pg_foreign_server x WHERE "
	NOT_EXT("pg_catalog.pg_foreign_server", "x.oid"),
	"SELECT 'publication ' || x.pubname FROM pg_catalog.pg_publication x",
	"SELECT 'default privileges of role ' || x.defaclrole::regrole::text FROM "
	"pg_catalog.pg_default_acl x",
};

static int read_unsupported(ictx *c)
{
	st_buf sql = ST_BUF_INIT;
	PGresult *r;
	size_t k;
	int i, rc = 0;

	for (k = 0; k < ST_ARRAY_LEN(others); k++)
		st_buf_printf(&sql, "%s%s", k ? " UNION ALL " : "", others[k]);
	st_buf_puts(&sql, " ORDER BY 1");
	if (st_buf_oom(&sql))
		return oom(c);
	r = query(c, "other objects", st_buf_str(&sql));
	st_buf_free(&sql);
	if (!r)
		return c->err->code;
	for (i = 0; i < PQntuples(r) && !rc; i++)
		rc = unsupported(c, "%s", val(r, i, 0));
	PQclear(r);
	if (!rc && c->n_acl)
		rc = unsupported(c, "privileges (GRANT and REVOKE) of %zu object%s", c->n_acl,
				 c->n_acl == 1 ? "" : "s");
	return rc;
}

/* ---- the whole ------------------------------------------------------------------------------- */

static int session(ictx *c, const char *sql)
{
	PGresult *r = query(c, "session settings", sql);

	PQclear(r);
	return r ? 0 : c->err->code;
}

int st_introspect_pg(st_err *err, PGconn *pg, st_schema *out, const char *const *skip)
{
	ictx c;
	relinfo *rels = NULL;
	size_t n_rels = 0;
	int rc, began = 0;

	memset(&c, 0, sizeof(c));
	c.err = err;
	c.pg = pg;
	c.s = out;
	c.skip = skip;
	/* One snapshot, and the settings the server's deparsers print with: names qualified
	 * unless in public, dates ISO, times in UTC (partition bounds and defaults hold them). */
	if (PQtransactionStatus(pg) == PQTRANS_IDLE) {
		if ((rc = session(&c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")))
			return rc;
		began = 1;
	}
	if ((rc = session(&c, "SELECT set_config('search_path', 'public', true), "
			      "set_config('DateStyle', 'ISO, MDY', true), "
			      "set_config('IntervalStyle', 'postgres', true), "
			      "set_config('TimeZone', 'UTC', true), "
			      "set_config('extra_float_digits', '1', true), "
			      "set_config('bytea_output', 'hex', true)")))
		goto out;
	if ((rc = read_extensions(&c)) || (rc = read_types(&c)) || (rc = read_functions(&c)) ||
	    (rc = read_relations(&c, &rels, &n_rels)) || (rc = read_columns(&c)) ||
	    (rc = finish_types(&c)) || (rc = read_sequences(&c)) ||
	    (rc = read_constraints(&c)) || (rc = finish_relations(&c, rels, n_rels)) ||
	    (rc = read_indexes(&c)) || (rc = read_triggers(&c)) || (rc = read_rules(&c)) ||
	    (rc = read_policies(&c)) || (rc = read_schemas(&c)) ||
	    (rc = read_depend(&c)) || (rc = name_deps(&c)) || (rc = read_unsupported(&c)))
		goto out;
	rc = st_schema_finish(out);
out:
	if (began) {
		PGresult *r = PQexec(pg, "ROLLBACK");
		PQclear(r);
	}
	free(rels);
	free(c.map);
	st_strvec_free(&c.skipped_ns);
	return rc;
}
