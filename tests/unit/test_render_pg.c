/* test_render_pg.c - the PostgreSQL dialect as a pure function: schemas built by hand (as
 * introspect_pg.c fills them) are compared and rendered, and the SQL is checked for what a
 * person would write: quoting only where PostgreSQL needs it, USING only for conversions without
 * an assignment cast, enum labels added in place, views dropped around a column they stand on,
 * foreign-key cycles closed once both tables exist. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "introspect.h"
#include "schema.h"
#include "helpers.h"

#include <string.h>

static char *ident(const char *name, const char *schema)
{
	static char out[256];
	st_buf b = ST_BUF_INIT;

	if (schema)
		st_pg_put_qname(&b, schema, name);
	else
		st_pg_put_ident(&b, name);
	snprintf(out, sizeof(out), "%s", st_buf_str(&b));
	st_buf_free(&b);
	return out;
}

static void test_identifiers(void **state)
{
	(void)state;
	assert_string_equal(ident("account", NULL), "account");
	assert_string_equal(ident("_x1$", NULL), "_x1$");
	assert_string_equal(ident("Order", NULL), "\"Order\"");
	assert_string_equal(ident("select", NULL), "\"select\"");
	assert_string_equal(ident("user", NULL), "\"user\"");
	assert_string_equal(ident("name", NULL), "name"); /* unreserved */
	assert_string_equal(ident("a b", NULL), "\"a b\"");
	assert_string_equal(ident("1st", NULL), "\"1st\"");
	assert_string_equal(ident("a\"b", NULL), "\"a\"\"b\"");
	assert_string_equal(ident("b\xc4\xb1g\xc4\xb1nt", NULL), "\"b\xc4\xb1g\xc4\xb1nt\"");
	assert_string_equal(ident("account", "public"), "account");
	assert_string_equal(ident("account", "app"), "app.account");
	assert_string_equal(ident("Daily", "Reports"), "\"Reports\".\"Daily\"");
}

/* ---- building schemas ------------------------------------------------------------------------ */

static const char *fmt(st_schema *s, const char *f, ...) __attribute__((format(printf, 2, 3)));

static const char *fmt(st_schema *s, const char *f, ...)
{
	st_buf b = ST_BUF_INIT;
	const char *r;
	va_list ap;

	va_start(ap, f);
	st_buf_vprintf(&b, f, ap);
	va_end(ap);
	r = st_schema_str(s, st_buf_str(&b));
	st_buf_free(&b);
	return r;
}

static st_object *table(st_schema *s, const char *name, int order)
{
	st_object *o = st_schema_add(s, ST_OBJ_TABLE, "public", name);

	assert_non_null(o);
	o->drop_sql = fmt(s, "DROP TABLE %s", name);
	o->create_sql = fmt(s, "CREATE TABLE %s (...)", name);
	o->order = (int)ST_OBJ_TABLE << 20 | order;
	return o;
}

static void column(st_schema *s, st_object *t, const char *name, const char *type,
		   int not_null, const char *def)
{
	st_column *c = st_object_add_column(s, t);

	assert_non_null(c);
	c->name = st_schema_str(s, name);
	c->type = st_schema_str(s, type);
	c->not_null = not_null;
	c->default_expr = def ? st_schema_str(s, def) : NULL;
	c->definition = fmt(s, "%s %s%s%s%s", name, type, def ? " DEFAULT " : "", def ? def : "",
			    not_null ? " NOT NULL" : "");
}

static void constraint(st_schema *s, st_object *t, st_con_kind kind, const char *name,
		       const char *def, const char *cols, const char *ref)
{
	st_constraint *k = st_object_add_constraint(s, t);

	assert_non_null(k);
	k->kind = kind;
	k->name = st_schema_str(s, name);
	k->definition = st_schema_str(s, def);
	k->columns = st_schema_str(s, cols);
	k->ref_table = ref ? st_schema_key(s, ST_OBJ_TABLE, "public", ref) : NULL;
}

static st_object *other(st_schema *s, st_obj_kind kind, const char *name, const char *create,
			const char *drop, int order)
{
	st_object *o = st_schema_add(s, kind, "public", name);

	assert_non_null(o);
	o->create_sql = o->definition = st_schema_str(s, create);
	o->drop_sql = st_schema_str(s, drop);
	o->order = (int)kind << 20 | order;
	return o;
}

/* The upgrade from cur to des; warnings joined by newlines into *warnings when not NULL. */
static char *render(st_schema *cur, st_schema *des, char **warnings)
{
	st_err err = { 0 };
	st_diff d;
	st_buf out = ST_BUF_INIT, w = ST_BUF_INIT;
	st_strvec wv = { 0 };
	size_t i;

	assert_int_equal(st_schema_finish(cur), 0);
	assert_int_equal(st_schema_finish(des), 0);
	assert_int_equal(st_diff_compute(&err, &d, cur, des, NULL, 0), 0);
	assert_int_equal(st_dialect_pg.render(&err, &d, cur, des, &out, &wv), 0);
	for (i = 0; i < wv.n; i++)
		st_buf_printf(&w, "%s\n", wv.v[i]);
	if (warnings)
		*warnings = st_buf_detach(&w);
	st_buf_free(&w);
	st_strvec_free(&wv);
	st_diff_free(&d);
	st_err_clear(&err);
	return st_buf_detach(&out);
}

/* ---- cases ----------------------------------------------------------------------------------- */

static void test_column_types(void **state)
{
	st_schema a, b;
	st_object *t;
	char *sql, *w;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	t = table(&a, "m", 1);
	column(&a, t, "n", "text", 0, "'1'::text");
	column(&a, t, "v", "character varying(10)", 0, NULL);
	column(&a, t, "big", "bigint", 1, NULL);
	t = table(&b, "m", 1);
	column(&b, t, "n", "integer", 0, "1");
	column(&b, t, "v", "character varying(20)", 0, NULL);
	column(&b, t, "big", "integer", 1, NULL);
	sql = render(&a, &b, &w);
	/* No assignment cast from text to integer: USING, the old default set aside first. */
	assert_contains(sql, "ALTER TABLE m ALTER COLUMN n DROP DEFAULT;\n"
			     "ALTER TABLE m ALTER COLUMN n TYPE integer USING n::integer;\n"
			     "ALTER TABLE m ALTER COLUMN n SET DEFAULT 1;\n");
	assert_contains(sql, "ALTER TABLE m ALTER COLUMN v TYPE character varying(20);\n");
	assert_contains(sql, "ALTER TABLE m ALTER COLUMN big TYPE integer;\n");
	/* bigint -> integer may not fit: flagged; varchar(10) -> varchar(20) is not. */
	assert_contains(w, "column big changes type bigint -> integer");
	assert_not_contains(w, "column v changes type");
	assert_contains(sql, "-- WARNING: table m: column big changes type");
	free(sql);
	free(w);
	st_schema_free(&a);
	st_schema_free(&b);
}

static void test_enum_labels(void **state)
{
	st_schema a, b;
	st_object *o;
	char *sql;
	static const char *const old_labels[] = { "sad", "happy" };
	static const char *const new_labels[] = { "awful", "sad", "ok", "happy", "ecstatic" };
	size_t i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	o = other(&a, ST_OBJ_TYPE, "mood", "CREATE TYPE mood AS ENUM ('sad', 'happy')",
		  "DROP TYPE mood", 1);
	o->options = "e";
	for (i = 0; i < 2; i++)
		st_object_add_column(&a, o)->name = old_labels[i];
	o = other(&b, ST_OBJ_TYPE, "mood",
		  "CREATE TYPE mood AS ENUM ('awful', 'sad', 'ok', 'happy', 'ecstatic')",
		  "DROP TYPE mood", 1);
	o->options = "e";
	for (i = 0; i < 5; i++)
		st_object_add_column(&b, o)->name = new_labels[i];
	sql = render(&a, &b, NULL);
	assert_contains(sql, "ALTER TYPE mood ADD VALUE 'awful' BEFORE 'sad';\n"
			     "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';\n"
			     "ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';\n");
	assert_not_contains(sql, "DROP TYPE");
	free(sql);
	/* The other way round labels go: the type is made again beside the old one. */
	sql = render(&b, &a, NULL);
	assert_contains(sql, "ALTER TYPE mood RENAME TO mood__strata_old;");
	assert_contains(sql, "CREATE TYPE mood AS ENUM ('sad', 'happy');");
	assert_contains(sql, "DROP TYPE mood__strata_old;");
	free(sql);
	st_schema_free(&a);
	st_schema_free(&b);
}

static void test_view_on_changed_column(void **state)
{
	st_schema a, b;
	st_schema *sides[2] = { &a, &b };
	char *sql;
	const char *p, *q;
	int i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (i = 0; i < 2; i++) {
		st_schema *s = sides[i];
		st_object *t = table(s, "vc", 1), *v, *u;
		column(s, t, "id", "integer", 1, NULL);
		column(s, t, "amount", i ? "bigint" : "integer", 0, NULL);
		column(s, t, "label", "text", 0, NULL);
		v = other(s, ST_OBJ_VIEW, "vc_sum", "CREATE VIEW vc_sum AS\nSELECT sum(amount)",
			  "DROP VIEW vc_sum", 1);
		v->options = i ? "total numeric|" : "total bigint|";
		st_object_add_dep(s, v, t->key);
		st_object_add_dep(s, v, "column:table public.vc.amount");
		u = other(s, ST_OBJ_VIEW, "vc_labels", "CREATE VIEW vc_labels AS\nSELECT label",
			  "DROP VIEW vc_labels", 2);
		u->options = "label text|";
		st_object_add_dep(s, u, t->key);
		st_object_add_dep(s, u, "column:table public.vc.label");
	}
	sql = render(&a, &b, NULL);
	p = strstr(sql, "DROP VIEW vc_sum;");
	q = strstr(sql, "ALTER TABLE vc ALTER COLUMN amount TYPE bigint;");
	assert_non_null(p);
	assert_non_null(q);
	assert_true(p < q);
	assert_non_null(p = strstr(sql, "CREATE VIEW vc_sum AS"));
	assert_true(q < p);
	/* A view on a column that does not change stays. */
	assert_not_contains(sql, "vc_labels");
	free(sql);
	st_schema_free(&a);
	st_schema_free(&b);
}

static void test_foreign_key_cycle(void **state)
{
	st_schema a, b;
	st_object *team, *player;
	char *sql, *w;
	const char *t1, *t2, *fk1, *fk2;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	team = table(&b, "team", 1);
	column(&b, team, "id", "integer", 1, NULL);
	column(&b, team, "captain_id", "integer", 0, NULL);
	constraint(&b, team, ST_CON_FOREIGN, "team_captain_fk",
		   "FOREIGN KEY (captain_id) REFERENCES player(id)", "captain_id", "player");
	player = table(&b, "player", 2);
	column(&b, player, "id", "integer", 1, NULL);
	column(&b, player, "team_id", "integer", 1, NULL);
	constraint(&b, player, ST_CON_FOREIGN, "player_team_id_fkey",
		   "FOREIGN KEY (team_id) REFERENCES team(id)", "team_id", "team");
	sql = render(&a, &b, NULL);
	t1 = strstr(sql, "CREATE TABLE team");
	t2 = strstr(sql, "CREATE TABLE player");
	fk1 = strstr(sql, "ALTER TABLE team ADD CONSTRAINT team_captain_fk FOREIGN KEY");
	fk2 = strstr(sql, "ALTER TABLE player ADD CONSTRAINT player_team_id_fkey FOREIGN KEY");
	assert_true(t1 && t2 && fk1 && fk2);
	assert_true(t1 < fk1 && t2 < fk1 && t1 < fk2 && t2 < fk2);
	free(sql);
	/* Dropping both: each table is dropped with a warning, and the cycle is cut first. */
	sql = render(&b, &a, &w);
	assert_contains(w, "table team is dropped with its data");
	assert_contains(w, "table player is dropped with its data");
	assert_contains(sql, "DROP CONSTRAINT");
	free(sql);
	free(w);
	st_schema_free(&a);
	st_schema_free(&b);
}

static void test_undeclared_rename(void **state)
{
	st_schema a, b;
	st_object *t;
	char *sql, *w;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	t = table(&a, "client", 1);
	column(&a, t, "id", "integer", 1, NULL);
	column(&a, t, "name", "text", 0, NULL);
	t = table(&b, "customer", 1);
	column(&b, t, "id", "integer", 1, NULL);
	column(&b, t, "name", "text", 0, NULL);
	sql = render(&a, &b, &w);
	assert_contains(w, "table client is dropped and customer created: if it is a rename, "
			   "declare it (--rename client:customer)");
	assert_contains(sql, "DROP TABLE client;");
	assert_contains(sql, "CREATE TABLE customer");
	free(sql);
	free(w);
	st_schema_free(&a);
	st_schema_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identifiers),
		cmocka_unit_test(test_column_types),
		cmocka_unit_test(test_enum_labels),
		cmocka_unit_test(test_view_on_changed_column),
		cmocka_unit_test(test_foreign_key_cycle),
		cmocka_unit_test(test_undeclared_rename),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
