/* test_target.c - target expressions and the planner, through the public API on a temporary
 * project (migrations/versions/ID_r.sql) and a SQLite file: strata_resolve, strata_heads,
 * strata_plan_upgrade/downgrade, strata_upgrade to set up a state, strata_stamp,
 * strata_current and strata_history ranges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "strata.h"
#include "helpers.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

typedef struct pfx {
	char dir[256];
	char db[320];
	strata *s;
} pfx;

/* Write migrations/versions/<id>_r.sql.  down: "none" or ids; extra: more header lines. */
static void rev(pfx *p, const char *id, const char *down, const char *extra)
{
	char path[512], text[1024];

	snprintf(path, sizeof(path), "%s/migrations/versions/%s_r.sql", p->dir, id);
	snprintf(text, sizeof(text),
		 "-- revision: %s\n-- down_revision: %s\n%s-- message: rev %s\n\n"
		 "-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 2;\n",
		 id, down, extra ? extra : "", id);
	th_write_file(path, text);
}

static int open_project(pfx *p)
{
	strata_options o;
	char loc[300], url[340];
	int rc;

	snprintf(loc, sizeof(loc), "%s/migrations", p->dir);
	snprintf(url, sizeof(url), "sqlite:///%s", p->db);
	strata_options_init(&o);
	o.script_location = loc;
	o.url = url;
	rc = strata_open(&p->s, &o);
	if (rc) {
		print_error("strata_open: %s\n", strata_last_error(p->s)->message);
		return -1;
	}
	return 0;
}

static pfx *new_project(void)
{
	pfx *p = calloc(1, sizeof(*p));
	char path[300];

	if (!p)
		return NULL;
	th_mkdtemp(p->dir, sizeof(p->dir));
	snprintf(p->db, sizeof(p->db), "%s/t.db", p->dir);
	snprintf(path, sizeof(path), "%s/migrations", p->dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/migrations/versions", p->dir);
	mkdir(path, 0755);
	return p;
}

static int teardown(void **state)
{
	pfx *p = *state;

	if (p) {
		strata_free(p->s);
		th_rmtree(p->dir);
		free(p);
	}
	return 0;
}

/* ae1001 - ae1002 - b77000 - c88000 */
static int setup_linear(void **state)
{
	pfx *p = new_project();

	if (!(*state = p))
		return -1;
	rev(p, "ae1001", "none", NULL);
	rev(p, "ae1002", "ae1001", NULL);
	rev(p, "b77000", "ae1002", NULL);
	rev(p, "c88000", "b77000", NULL);
	return open_project(p);
}

/*  r0 -+- x1 [xb] - x2
 *      +- y1 [yb] - y2 */
static int setup_branches(void **state)
{
	pfx *p = new_project();

	if (!(*state = p))
		return -1;
	rev(p, "r0", "none", NULL);
	rev(p, "x1", "r0", "-- branch_labels: xb\n");
	rev(p, "x2", "x1", NULL);
	rev(p, "y1", "r0", "-- branch_labels: yb\n");
	rev(p, "y2", "y1", NULL);
	return open_project(p);
}

/*  p1 [pay] - p2
 *  a1 [acct, depends_on p2] - a2      (the a files sort first) */
static int setup_deps(void **state)
{
	pfx *p = new_project();

	if (!(*state = p))
		return -1;
	rev(p, "p1", "none", "-- branch_labels: pay\n");
	rev(p, "p2", "p1", NULL);
	rev(p, "a1", "none", "-- branch_labels: acct\n-- depends_on: p2\n");
	rev(p, "a2", "a1", NULL);
	return open_project(p);
}

/*  r -+- b -+- m - n
 *     +- c -+        */
static int setup_merge(void **state)
{
	pfx *p = new_project();

	if (!(*state = p))
		return -1;
	rev(p, "r", "none", NULL);
	rev(p, "b", "r", NULL);
	rev(p, "c", "r", NULL);
	rev(p, "m", "b, c", NULL);
	rev(p, "n", "m", NULL);
	return open_project(p);
}

/* Ids with dashes: v-1 - v-2 - v-3 */
static int setup_dashed(void **state)
{
	pfx *p = new_project();

	if (!(*state = p))
		return -1;
	rev(p, "v-1", "none", NULL);
	rev(p, "v-2", "v-1", NULL);
	rev(p, "v-3", "v-2", NULL);
	return open_project(p);
}

/* ---- helpers --------------------------------------------------------------------------- */

static const char *errmsg(strata *s)
{
	return strata_last_error(s)->message;
}

/* The ids target resolves to ("" for base). */
static const char *resolve_at(int line, strata *s, const char *target)
{
	strata_revlist *l = NULL;
	const char *ids;

	if (strata_resolve(s, &l, target))
		fail_msg("line %d: resolve '%s': %s", line, target, errmsg(s));
	ids = th_ids(l);
	strata_revlist_free(l);
	return ids;
}

static void expect_resolve_error_at(int line, strata *s, const char *target, const char *what)
{
	strata_revlist *l = NULL;
	int rc = strata_resolve(s, &l, target);

	strata_revlist_free(l);
	if (rc != STRATA_ETARGET)
		fail_msg("line %d: resolve '%s': expected STRATA_ETARGET, got %d (%s)", line, target, rc,
			 rc ? errmsg(s) : "success");
	assert_null(l);
	assert_int_equal(strata_last_error(s)->code, STRATA_ETARGET);
	if (!strstr(errmsg(s), what))
		fail_msg("line %d: '%s': expected the error \"%s\" to contain \"%s\"", line, target,
			 errmsg(s), what);
}

static const char *plan_at(int line, strata *s, int up, const char *target)
{
	strata_plan *p = NULL;
	const char *ids;

	if ((up ? strata_plan_upgrade : strata_plan_downgrade)(s, &p, target))
		fail_msg("line %d: plan %s '%s': %s", line, up ? "upgrade" : "downgrade", target, errmsg(s));
	ids = th_plan_ids(p, up ? STRATA_UP : STRATA_DOWN);
	strata_plan_free(p);
	return ids;
}

#define plan_up(s, t) plan_at(__LINE__, (s), 1, (t))
#define plan_down(s, t) plan_at(__LINE__, (s), 0, (t))

static void expect_plan_error_at(int line, strata *s, int up, const char *target, const char *what)
{
	strata_plan *p = NULL;
	int rc = (up ? strata_plan_upgrade : strata_plan_downgrade)(s, &p, target);

	strata_plan_free(p);
	if (rc != STRATA_ETARGET)
		fail_msg("line %d: plan %s '%s': expected STRATA_ETARGET, got %d (%s)", line,
			 up ? "upgrade" : "downgrade", target, rc, rc ? errmsg(s) : "success");
	assert_null(p);
	assert_int_equal(strata_last_error(s)->code, STRATA_ETARGET);
	if (!strstr(errmsg(s), what))
		fail_msg("line %d: '%s': expected the error \"%s\" to contain \"%s\"", line, target,
			 errmsg(s), what);
}

static void upgrade_at(int line, strata *s, const char *target)
{
	if (strata_upgrade(s, target))
		fail_msg("line %d: upgrade '%s': %s", line, target, errmsg(s));
}

static void downgrade_at(int line, strata *s, const char *target)
{
	if (strata_downgrade(s, target))
		fail_msg("line %d: downgrade '%s': %s", line, target, errmsg(s));
}

static void stamp_at(int line, strata *s, const char *target, int purge)
{
	if (strata_stamp(s, target, purge))
		fail_msg("line %d: stamp '%s'%s: %s", line, target, purge ? " --purge" : "", errmsg(s));
}

static const char *current_at(int line, strata *s)
{
	strata_revlist *l = NULL;
	const char *ids;

	if (strata_current(s, &l))
		fail_msg("line %d: current: %s", line, errmsg(s));
	ids = th_ids(l);
	strata_revlist_free(l);
	return ids;
}

static const char *history_at(int line, strata *s, const char *range)
{
	strata_revlist *l = NULL;
	const char *ids;

	if (strata_history(s, &l, range))
		fail_msg("line %d: history '%s': %s", line, range ? range : "(all)", errmsg(s));
	ids = th_ids(l);
	strata_revlist_free(l);
	return ids;
}

static void sql(pfx *p, const char *query)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(p->db, &db), SQLITE_OK);
	if (sqlite3_exec(db, query, NULL, NULL, &err) != SQLITE_OK) {
		print_error("%s: %s\n", query, err);
		sqlite3_free(err);
		sqlite3_close(db);
		fail();
	}
	sqlite3_close(db);
}

/* The helpers report the line of the test that called them. */
#define resolve(...) resolve_at(__LINE__, __VA_ARGS__)
#define expect_resolve_error(...) expect_resolve_error_at(__LINE__, __VA_ARGS__)
#define expect_plan_error(...) expect_plan_error_at(__LINE__, __VA_ARGS__)
#define upgrade(...) upgrade_at(__LINE__, __VA_ARGS__)
#define downgrade(...) downgrade_at(__LINE__, __VA_ARGS__)
#define stamp(...) stamp_at(__LINE__, __VA_ARGS__)
#define current(...) current_at(__LINE__, __VA_ARGS__)
#define history(...) history_at(__LINE__, __VA_ARGS__)

/* ---- resolving, no database needed -------------------------------------------------------- */

static void test_head_heads_base(void **state)
{
	pfx *p = *state;
	strata_revlist *l = NULL;

	assert_string_equal(resolve(p->s, "head"), "c88000");
	assert_string_equal(resolve(p->s, "heads"), "c88000");
	assert_int_equal(strata_resolve(p->s, &l, "base"), 0);
	assert_non_null(l);
	assert_int_equal(strata_revlist_count(l), 0);
	assert_int_equal(strata_last_error(p->s)->code, STRATA_OK);
	strata_revlist_free(l);
	assert_int_equal(strata_heads(p->s, &l), 0);
	assert_string_equal(th_ids(l), "c88000");
	strata_revlist_free(l);
}

static void test_ids_and_prefixes(void **state)
{
	pfx *p = *state;
	const strata_error *e;

	assert_string_equal(resolve(p->s, "b77000"), "b77000");
	assert_string_equal(resolve(p->s, "ae1001"), "ae1001");
	assert_string_equal(resolve(p->s, "b7"), "b77000");
	assert_string_equal(resolve(p->s, "c"), "c88000");
	assert_string_equal(resolve(p->s, "ae1002"), "ae1002");

	expect_resolve_error(p->s, "ae10", "ambiguous revision prefix 'ae10'");
	e = strata_last_error(p->s);
	assert_string_equal(e->message,
			    "ambiguous revision prefix 'ae10' matches 2 revisions: ae1001, ae1002");
	assert_non_null(e->hint);

	expect_resolve_error(p->s, "a", "ambiguous revision prefix 'a'");
	expect_resolve_error(p->s, "zzz", "unknown revision 'zzz'");
	assert_non_null(strata_last_error(p->s)->hint);
	expect_resolve_error(p->s, "b77000x", "unknown revision 'b77000x'");
	expect_resolve_error(p->s, "", "empty target");

	/* The error is cleared by the next successful call. */
	assert_string_equal(resolve(p->s, "head"), "c88000");
	assert_int_equal(strata_last_error(p->s)->code, STRATA_OK);
}

static void test_rev_plus_minus(void **state)
{
	pfx *p = *state;

	assert_string_equal(resolve(p->s, "b77000+1"), "c88000");
	assert_string_equal(resolve(p->s, "ae1001+3"), "c88000");
	assert_string_equal(resolve(p->s, "b77000-2"), "ae1001");
	assert_string_equal(resolve(p->s, "c88000-0"), "c88000");
	assert_string_equal(resolve(p->s, "head-1"), "b77000");
	assert_string_equal(resolve(p->s, "b7+1"), "c88000"); /* prefix with a step */
	/* One step below the base: base. */
	assert_string_equal(resolve(p->s, "ae1001-1"), "");
	assert_string_equal(resolve(p->s, "b77000-3"), "");
}

static void test_relative_past_head_below_base(void **state)
{
	pfx *p = *state;

	expect_resolve_error(p->s, "c88000+1", "goes past a head");
	expect_resolve_error(p->s, "b77000+2", "goes past a head");
	expect_resolve_error(p->s, "head+1", "goes past a head");
	expect_resolve_error(p->s, "ae1001-2", "goes below base");
	expect_resolve_error(p->s, "c88000-5", "goes below base");
	expect_resolve_error(p->s, "ae10+1", "ambiguous revision prefix 'ae10'");
	expect_resolve_error(p->s, "nope-1", "unknown revision 'nope'");
}

static void test_ids_with_dashes(void **state)
{
	pfx *p = *state;

	/* An exact id wins over REV-N; REV-N still works on such ids. */
	assert_string_equal(resolve(p->s, "v-2"), "v-2");
	assert_string_equal(resolve(p->s, "v-3-1"), "v-2");
	assert_string_equal(resolve(p->s, "v-3-2"), "v-1");
	assert_string_equal(resolve(p->s, "v-1+2"), "v-3");
	assert_string_equal(plan_up(p->s, "v-2"), "v-1 v-2");
	expect_resolve_error(p->s, "v-", "ambiguous revision prefix 'v-'");
	/* Read as REV-N with REV "v", an ambiguous prefix. */
	expect_resolve_error(p->s, "v-4", "ambiguous revision prefix 'v' matches 3 revisions");
	expect_resolve_error(p->s, "w-1", "unknown revision 'w' in 'w-1'");
}

/* ---- plans on a linear history --------------------------------------------------------------- */

static void test_plan_linear_from_empty(void **state)
{
	pfx *p = *state;

	assert_string_equal(plan_up(p->s, "head"), "ae1001 ae1002 b77000 c88000");
	assert_string_equal(plan_up(p->s, "heads"), "ae1001 ae1002 b77000 c88000");
	assert_string_equal(plan_up(p->s, "b7"), "ae1001 ae1002 b77000");
	assert_string_equal(plan_up(p->s, "+2"), "ae1001 ae1002");
	assert_string_equal(plan_up(p->s, "+4"), "ae1001 ae1002 b77000 c88000");
	assert_string_equal(plan_up(p->s, "base"), "");
	assert_string_equal(plan_down(p->s, "base"), "");
	assert_string_equal(resolve(p->s, "+1"), "ae1001");
	expect_plan_error(p->s, 1, "+5", "only 4 revisions to apply");
	expect_plan_error(p->s, 0, "-1", "nothing is applied");
	expect_resolve_error(p->s, "-1", "nothing is applied");
	/* Nothing ran: no version table yet. */
	assert_string_equal(current(p->s), "");
}

static void test_relative_with_state(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "ae1002");
	assert_string_equal(current(p->s), "ae1002");
	assert_string_equal(plan_up(p->s, "+1"), "b77000");
	assert_string_equal(plan_up(p->s, "+2"), "b77000 c88000");
	assert_string_equal(plan_up(p->s, "head"), "b77000 c88000");
	expect_plan_error(p->s, 1, "+3", "only 2 revisions to apply");
	assert_string_equal(plan_down(p->s, "-1"), "ae1002");
	assert_string_equal(plan_down(p->s, "-2"), "ae1002 ae1001");
	assert_string_equal(plan_down(p->s, "base"), "ae1002 ae1001");
	expect_plan_error(p->s, 0, "-3", "below base");
	assert_contains(errmsg(p->s), "only 2 revisions are applied");

	/* Where relative targets lead. */
	assert_string_equal(resolve(p->s, "+1"), "b77000");
	assert_string_equal(resolve(p->s, "+2"), "c88000");
	assert_string_equal(resolve(p->s, "-1"), "ae1001");
	assert_string_equal(resolve(p->s, "-2"), "");
	expect_resolve_error(p->s, "+3", "only 2 revisions to apply");

	/* Wrong directions. */
	expect_plan_error(p->s, 1, "-1", "upgrade cannot go to '-1'");
	expect_plan_error(p->s, 0, "+1", "downgrade cannot go to '+1'");

	/* Relative upgrades run. */
	upgrade(p->s, "+1");
	assert_string_equal(current(p->s), "b77000");
	downgrade(p->s, "-2");
	assert_string_equal(current(p->s), "ae1001");
}

static void test_downgrade_targets(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "b77000");
	assert_string_equal(plan_down(p->s, "ae1001"), "b77000 ae1002");
	assert_string_equal(plan_down(p->s, "b77000"), "");
	/* A revision above the database is not a downgrade target. */
	expect_plan_error(p->s, 0, "c88000", "cannot downgrade to c88000: it is not applied");
	assert_non_null(strata_last_error(p->s)->hint);
	expect_plan_error(p->s, 0, "head", "it is not applied");
	/* Upgrading to something already applied is nothing to do. */
	assert_string_equal(plan_up(p->s, "ae1001"), "");
	assert_string_equal(plan_up(p->s, "b77000"), "");
	/* At the head, +1 has nowhere to go. */
	upgrade(p->s, "head");
	assert_string_equal(current(p->s), "c88000");
	expect_plan_error(p->s, 1, "+1", "already at the head");
	assert_string_equal(plan_up(p->s, "head"), "");
	downgrade(p->s, "base");
	assert_string_equal(current(p->s), "");
}

/* ---- several heads, labels ------------------------------------------------------------------ */

static void test_head_with_several_heads(void **state)
{
	pfx *p = *state;
	const strata_error *e;

	expect_resolve_error(p->s, "head", "has 2 heads");
	e = strata_last_error(p->s);
	assert_contains(e->message, "x2 (xb)");
	assert_contains(e->message, "y2 (yb)");
	assert_non_null(e->hint);
	assert_contains(e->hint, "`heads`");
	assert_contains(e->hint, "<label>@head");
	expect_plan_error(p->s, 1, "head", "has 2 heads");
	expect_resolve_error(p->s, "head-1", "has 2 heads");
}

static void test_heads_and_label_targets(void **state)
{
	pfx *p = *state;
	strata_revlist *l = NULL;

	assert_string_equal(resolve(p->s, "heads"), "x2 y2");
	assert_int_equal(strata_heads(p->s, &l), 0);
	assert_string_equal(th_ids(l), "x2 y2");
	strata_revlist_free(l);

	assert_string_equal(resolve(p->s, "xb@head"), "x2");
	assert_string_equal(resolve(p->s, "yb@head"), "y2");
	assert_string_equal(resolve(p->s, "xb@base"), "");
	assert_string_equal(resolve(p->s, "x1@head"), "x2"); /* rev@head */
	assert_string_equal(resolve(p->s, "y2@head"), "y2");
	assert_string_equal(resolve(p->s, "xb"), "x1");      /* a label names its revision */
	assert_string_equal(resolve(p->s, "yb+1"), "y2");
	assert_string_equal(resolve(p->s, "x2-2"), "r0");

	expect_resolve_error(p->s, "r0@head", "r0@head has 2 heads: x2 (xb), y2 (yb)");
	expect_resolve_error(p->s, "r0+1", "r0 is a branch point");
	expect_resolve_error(p->s, "r0@base", "@base needs a branch label");
	expect_resolve_error(p->s, "xb@bogus", "after @ comes head, base, +N or -N");
	expect_resolve_error(p->s, "zz@head", "unknown revision 'zz' in 'zz@head'");
}

static void test_plan_branches(void **state)
{
	pfx *p = *state;

	assert_string_equal(plan_up(p->s, "xb@head"), "r0 x1 x2");
	assert_string_equal(plan_up(p->s, "yb@head"), "r0 y1 y2");
	assert_string_equal(plan_up(p->s, "heads"), "r0 x1 x2 y1 y2");
	assert_string_equal(plan_up(p->s, "x1"), "r0 x1");
	expect_plan_error(p->s, 1, "+1", "several heads lie ahead");

	upgrade(p->s, "heads");
	assert_string_equal(current(p->s), "x2 y2");
	assert_string_equal(plan_down(p->s, "xb@base"), "x2 x1");
	assert_string_equal(plan_down(p->s, "xb@-1"), "x2");
	assert_string_equal(plan_down(p->s, "yb@-2"), "y2 y1");
	expect_plan_error(p->s, 0, "yb@-3", "below base");
	assert_string_equal(plan_down(p->s, "r0"), "y2 y1 x2 x1");
	assert_string_equal(plan_down(p->s, "x1"), "x2");
	assert_string_equal(plan_down(p->s, "base"), "y2 y1 x2 x1 r0");
	expect_plan_error(p->s, 0, "-1", "several heads");
	assert_contains(errmsg(p->s), "x2, y2");

	downgrade(p->s, "xb@base");
	assert_string_equal(current(p->s), "y2");
	assert_string_equal(plan_up(p->s, "heads"), "x1 x2");
}

static void test_relative_on_branch(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "r0");
	assert_string_equal(plan_up(p->s, "xb@+1"), "x1");
	assert_string_equal(plan_up(p->s, "xb@+2"), "x1 x2");
	assert_string_equal(plan_up(p->s, "yb@+1"), "y1");
	expect_plan_error(p->s, 1, "xb@+3", "only 2 revisions to apply");
	upgrade(p->s, "xb@+1");
	assert_string_equal(current(p->s), "x1");
	assert_string_equal(plan_up(p->s, "xb@+1"), "x2");
	assert_string_equal(plan_down(p->s, "xb@-1"), "x1");
}

/* BUG (src/plan.c, st_plan_up, relative branch): "label@+N" only looks for heads that lie
 * ahead of the database's current rows.  With nothing applied on branch yb yet (the database
 * is on branch xb), "yb@+1" fails with "already at the head" although y1 and y2 are not
 * applied.  Alembic backtracks to the branch point (or base) of the requested branch and walks
 * from there; the expected plan is y1. */
static void test_relative_on_other_branch(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "x1");
	assert_string_equal(current(p->s), "x1");
	assert_string_equal(plan_up(p->s, "yb@+1"), "y1");
	assert_string_equal(plan_up(p->s, "yb@+2"), "y1 y2");
}

/* ---- depends_on ----------------------------------------------------------------------------- */

static void test_plan_dependencies(void **state)
{
	pfx *p = *state;

	assert_string_equal(resolve(p->s, "heads"), "p2 a2");
	/* A dependency on another branch runs first, though its files sort after. */
	assert_string_equal(plan_up(p->s, "a1"), "p1 p2 a1");
	assert_string_equal(plan_up(p->s, "acct@head"), "p1 p2 a1 a2");
	assert_string_equal(plan_up(p->s, "pay@head"), "p1 p2");
	assert_string_equal(plan_up(p->s, "heads"), "p1 p2 a1 a2");

	upgrade(p->s, "pay@head");
	assert_string_equal(current(p->s), "p2");
	assert_string_equal(plan_up(p->s, "acct@head"), "a1 a2");
	upgrade(p->s, "heads");
	/* p2 is no row of its own: a1 needs it. */
	assert_string_equal(current(p->s), "a2");
	/* Undoing the dependency undoes what depends on it, dependents first. */
	assert_string_equal(plan_down(p->s, "pay@base"), "a2 a1 p2 p1");
	assert_string_equal(plan_down(p->s, "p1"), "a2 a1 p2");
	assert_string_equal(plan_down(p->s, "acct@base"), "a2 a1");
	downgrade(p->s, "acct@base");
	assert_string_equal(current(p->s), "p2");
}

/* BUG (src/api.c, strata_resolve, relative targets): "-N" resolves to the first parent of the
 * last revision the downgrade would undo, not to where the database would be.  Here the
 * database is at a2 (a1 needs p2 from branch pay); "-2" undoes a2 and a1 and leaves p2 applied,
 * but strata_resolve answers base (an empty list).  Expected: the heads of the state after the
 * plan, p2. */
static void test_resolve_minus_n_keeps_dependencies(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "heads");
	assert_string_equal(plan_down(p->s, "-2"), "a2 a1");
	assert_string_equal(resolve(p->s, "-1"), "a1");
	assert_string_equal(resolve(p->s, "-2"), "p2");
}

/* ---- merges --------------------------------------------------------------------------------- */

static void test_plan_merge(void **state)
{
	pfx *p = *state;

	assert_string_equal(resolve(p->s, "heads"), "n");
	assert_string_equal(plan_up(p->s, "head"), "r b c m n");
	assert_string_equal(plan_up(p->s, "m"), "r b c m");
	expect_resolve_error(p->s, "m-1", "m is a merge of several revisions");
	assert_string_equal(resolve(p->s, "n-1"), "m");

	upgrade(p->s, "b");
	assert_string_equal(current(p->s), "b");
	assert_string_equal(plan_up(p->s, "head"), "c m n");
	assert_string_equal(plan_up(p->s, "+2"), "c m");
	upgrade(p->s, "c");
	assert_string_equal(current(p->s), "b c");
	expect_plan_error(p->s, 0, "-1", "several heads");
	upgrade(p->s, "head");
	assert_string_equal(current(p->s), "n");
	assert_string_equal(plan_down(p->s, "-1"), "n");
	assert_string_equal(plan_down(p->s, "-2"), "n m");
	assert_string_equal(plan_down(p->s, "b"), "n m");
	downgrade(p->s, "-2");
	assert_string_equal(current(p->s), "b c");
}

/* BUG (src/api.c, strata_resolve, relative targets): the same at a merge.  From n, "-2"
 * undoes n and m and leaves both b and c applied; strata_resolve answers only "b" (the merge's
 * first parent).  Expected: "b c", what strata_current reports after `downgrade -2`. */
static void test_resolve_minus_n_below_merge(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "head");
	downgrade(p->s, "-2");
	assert_string_equal(current(p->s), "b c");
	upgrade(p->s, "head");
	assert_string_equal(resolve(p->s, "-1"), "m");
	assert_string_equal(resolve(p->s, "-2"), "b c");
}

/* ---- stamp ---------------------------------------------------------------------------------- */

static void test_stamp_linear(void **state)
{
	pfx *p = *state;

	stamp(p->s, "b77000", 0);
	assert_string_equal(current(p->s), "b77000");
	assert_string_equal(plan_up(p->s, "head"), "c88000");
	stamp(p->s, "ae1001", 0);
	assert_string_equal(current(p->s), "ae1001");
	stamp(p->s, "head", 1);
	assert_string_equal(current(p->s), "c88000");
	stamp(p->s, "base", 0);
	assert_string_equal(current(p->s), "");
	assert_int_equal(strata_stamp(p->s, "+1", 0), STRATA_ETARGET);
	assert_contains(errmsg(p->s), "stamp needs a revision");
	assert_int_equal(strata_stamp(p->s, "zzz", 0), STRATA_ETARGET);
	assert_contains(errmsg(p->s), "unknown revision 'zzz'");
	assert_string_equal(current(p->s), "");
}

static void test_stamp_branches(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "x2");
	/* Without purge, other branches stay. */
	stamp(p->s, "y1", 0);
	assert_string_equal(current(p->s), "x2 y1");
	assert_string_equal(plan_up(p->s, "heads"), "y2");
	/* Back along one branch only. */
	stamp(p->s, "x1", 0);
	assert_string_equal(current(p->s), "x1 y1");
	stamp(p->s, "xb@base", 0);
	assert_string_equal(current(p->s), "y1");
	stamp(p->s, "x2", 0);
	assert_string_equal(current(p->s), "x2 y1");
	/* With purge, only the target is left. */
	stamp(p->s, "y2", 1);
	assert_string_equal(current(p->s), "y2");
}

static void test_stamp_purge_unknown_row(void **state)
{
	pfx *p = *state;
	strata_revlist *l = NULL;

	upgrade(p->s, "ae1001");
	sql(p, "INSERT INTO strata_version (version_num) VALUES ('gone')");
	assert_int_equal(strata_current(p->s, &l), STRATA_ETARGET);
	assert_null(l);
	assert_contains(errmsg(p->s), "the database is at revision gone");
	/* Without purge the unknown row is in the way... */
	assert_int_equal(strata_stamp(p->s, "head", 0), STRATA_ETARGET);
	assert_contains(errmsg(p->s), "gone");
	/* ...with it, the table is rewritten. */
	stamp(p->s, "b77000", 1);
	assert_string_equal(current(p->s), "b77000");
	assert_string_equal(plan_up(p->s, "head"), "c88000");
}

/* ---- history -------------------------------------------------------------------------------- */

static void test_history_ranges(void **state)
{
	pfx *p = *state;

	upgrade(p->s, "ae1002");
	assert_string_equal(history(p->s, NULL), "c88000 b77000 ae1002 ae1001");
	assert_string_equal(history(p->s, "ae1002:b77000"), "b77000 ae1002");
	assert_string_equal(history(p->s, ":b77000"), "b77000 ae1002 ae1001");
	assert_string_equal(history(p->s, "b77000:"), "c88000 b77000");
	assert_string_equal(history(p->s, "base:head"), "c88000 b77000 ae1002 ae1001");
	assert_string_equal(history(p->s, "base:"), "c88000 b77000 ae1002 ae1001");
	assert_string_equal(history(p->s, ":"), "c88000 b77000 ae1002 ae1001");
	assert_string_equal(history(p->s, "current:"), "c88000 b77000 ae1002");
	assert_string_equal(history(p->s, ":current"), "ae1002 ae1001");
	assert_string_equal(history(p->s, "current:current"), "ae1002");
	assert_string_equal(history(p->s, "ae1001:c8"), "c88000 b77000 ae1002 ae1001");
	assert_string_equal(history(p->s, "b77000-1:head-1"), "b77000 ae1002");
	/* B below A: nothing between them. */
	assert_string_equal(history(p->s, "c88000:ae1001"), "");
}

static void test_history_branches(void **state)
{
	pfx *p = *state;

	assert_string_equal(history(p->s, NULL), "y2 y1 x2 x1 r0");
	assert_string_equal(history(p->s, "r0:xb@head"), "x2 x1 r0");
	assert_string_equal(history(p->s, "y1:"), "y2 y1");
	assert_string_equal(history(p->s, ":heads"), "y2 y1 x2 x1 r0");
}

/* BUG (src/api.c, range_side, "current"): with nothing applied, "current:" lists nothing,
 * as if no revision came after the current state.  The database is at base, so "current:"
 * means "base:" -- every revision (Alembic's `history -r current:` shows the whole history
 * on an empty database). */
static void test_history_current_at_base(void **state)
{
	pfx *p = *state;

	assert_string_equal(history(p->s, "current:"), "c88000 b77000 ae1002 ae1001");
}

/* BUG (src/api.c, range_side): a lower bound that resolves to a base with a branch or an
 * anchor ("label@base", "REV-N" one step below a base) marks nothing and still counts as a
 * bound, so the range is silently empty.  "r0-1" is the base below r0, so "r0-1:" is the
 * whole history (as "base:"); "xb@base:" is branch xb from its base up (Alembic lists
 * x2 x1 r0), certainly not nothing. */
static void test_history_from_branch_base(void **state)
{
	pfx *p = *state;
	const char *h;

	assert_string_equal(history(p->s, "r0-1:"), "y2 y1 x2 x1 r0");
	h = history(p->s, "xb@base:");
	assert_starts_with(h, "x2 x1");
	assert_not_contains(h, "y");
}

static void test_history_errors(void **state)
{
	pfx *p = *state;
	strata_revlist *l = NULL;

	assert_int_equal(strata_history(p->s, &l, "b77000"), STRATA_EUSAGE);
	assert_null(l);
	assert_contains(errmsg(p->s), "invalid range 'b77000'");
	/* A relative bound is resolved from the database's state, as Alembic's -r -1:current;
	 * one that goes past the head is an error. */
	assert_int_equal(strata_history(p->s, &l, "+99:"), STRATA_ETARGET);
	assert_contains(errmsg(p->s), "cannot upgrade '+99'");
	assert_int_equal(strata_history(p->s, &l, "ae10:"), STRATA_ETARGET);
	assert_contains(errmsg(p->s), "ambiguous revision prefix 'ae10'");
	assert_int_equal(strata_history(p->s, &l, ":zzz"), STRATA_ETARGET);
	assert_contains(errmsg(p->s), "unknown revision 'zzz'");
	assert_null(l);
}

#define L(name) cmocka_unit_test_setup_teardown(name, setup_linear, teardown)
#define B(name) cmocka_unit_test_setup_teardown(name, setup_branches, teardown)
#define D(name) cmocka_unit_test_setup_teardown(name, setup_deps, teardown)
#define M(name) cmocka_unit_test_setup_teardown(name, setup_merge, teardown)
#define V(name) cmocka_unit_test_setup_teardown(name, setup_dashed, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		L(test_head_heads_base),
		L(test_ids_and_prefixes),
		L(test_rev_plus_minus),
		L(test_relative_past_head_below_base),
		V(test_ids_with_dashes),
		L(test_plan_linear_from_empty),
		L(test_relative_with_state),
		L(test_downgrade_targets),
		B(test_head_with_several_heads),
		B(test_heads_and_label_targets),
		B(test_plan_branches),
		B(test_relative_on_branch),
		B(test_relative_on_other_branch),
		D(test_plan_dependencies),
		D(test_resolve_minus_n_keeps_dependencies),
		M(test_plan_merge),
		M(test_resolve_minus_n_below_merge),
		L(test_stamp_linear),
		B(test_stamp_branches),
		L(test_stamp_purge_unknown_row),
		L(test_history_ranges),
		B(test_history_branches),
		L(test_history_current_at_base),
		B(test_history_from_branch_base),
		L(test_history_errors),
	};

	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
