/* fuzz_target.c - target expressions (st_target_parse) and the planner (st_plan_up,
 * st_plan_down) on a fixed revision graph with two bases, a branch point, a merge, branch
 * labels, a depends_on, ids that look like arithmetic (x-1) and shared prefixes.
 *
 * Input: the first two bytes choose the database's state (revisions whose ancestry is
 * applied); the rest, up to its first NUL, is the target.  Properties: no crash or leak; an
 * upgrade plan applies only unapplied revisions, each once, after everything it needs; a
 * downgrade plan reverts only applied revisions, each once, after everything that needs them;
 * an upgrade to revisions leaves them applied, a downgrade to revisions keeps them and removes
 * everything above them. */
#include "fuzz.h"

#include "strata_int.h"

/*
 *   a1b2c3 -- a1b2d4 -- b7 -----------.
 *                    \                 m1 (merge) -- e5          (head)
 *   x (shipping) -- x-1 -- x-2 -------'          \
 *                                                  d1 (feature, depends_on x) -- d1-1 (head)
 *                    `-- fork (head, label hot, from a1b2d4)
 */
static const strata_embedded_script scripts[] = {
	{ "a1b2c3_r.sql", "-- revision: a1b2c3\n-- message: base\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n" },
	{ "a1b2d4_r.sql", "-- revision: a1b2d4\n-- down_revision: a1b2c3\n-- migrate:up\n-- migrate:down\n" },
	{ "b7_r.sql", "-- revision: b7\n-- down_revision: a1b2d4\n-- migrate:up\n-- migrate:down\n" },
	{ "x_r.sql", "-- revision: x\n-- branch_labels: shipping\n-- migrate:up\n-- migrate:down\n" },
	{ "x-1_r.sql", "-- revision: x-1\n-- down_revision: x\n-- migrate:up\n-- migrate:down\n" },
	{ "x-2_r.sql", "-- revision: x-2\n-- down_revision: x-1\n-- migrate:up\n-- migrate:down\n" },
	{ "m1_r.sql", "-- revision: m1\n-- down_revision: b7, x-2\n-- migrate:up\n-- migrate:down\n" },
	{ "e5_r.sql", "-- revision: e5\n-- down_revision: m1\n-- migrate:up\n-- migrate:down\n" },
	{ "d1_r.sql", "-- revision: d1\n-- down_revision: m1\n-- branch_labels: feature\n-- depends_on: x\n-- migrate:up\n-- migrate:down\n" },
	{ "d1-1_r.sql", "-- revision: d1-1\n-- down_revision: d1\n-- migrate:up\n-- migrate:down\n" },
	{ "fork_r.sql", "-- revision: fork\n-- down_revision: a1b2d4\n-- branch_labels: hot\n-- migrate:up\n-- migrate:down\n" },
};

static strata *s;

static void sql_sink(void *ctx, const char *sql)
{
	(void)ctx;
	(void)sql;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	strata_options o;

	(void)argc;
	(void)argv;
	strata_options_init(&o);
	o.scripts = scripts;
	o.n_scripts = sizeof(scripts) / sizeof(scripts[0]);
	o.url = "sqlite:///:memory:";
	o.offline = 1; /* never connects */
	o.sql_fn = sql_sink;
	if (strata_open(&s, &o) != STRATA_OK) {
		fprintf(stderr, "strata_open: %s\n", strata_last_error(s)->message);
		abort();
	}
	if (!(s->applied = calloc(s->graph.n, 1)))
		abort();
	s->state_valid = 1;
	return 0;
}

/* Needs of r: its parents and its dependencies. */
static size_t needs(const st_rev *r, const st_rev **out)
{
	size_t n = 0;

	for (size_t j = 0; j < r->n_down_ids; j++)
		out[n++] = r->parents[j];
	for (size_t j = 0; j < r->n_depends_ids; j++)
		out[n++] = r->deps[j];
	return n;
}

static void check_closed(const uint8_t *set, const char *what)
{
	const st_rev *nd[16];

	for (size_t i = 0; i < s->graph.n; i++) {
		const st_rev *r = s->graph.revs[i];
		size_t n = needs(r, nd);
		if (!set[i])
			continue;
		for (size_t j = 0; j < n; j++)
			FUZZ_CHECK(set[nd[j]->idx], "%s: %s applied without %s", what, r->id, nd[j]->id);
	}
}

static void check_plan(const strata_plan *p, strata_direction dir, const st_target *t)
{
	uint8_t cur[64];
	const st_rev *nd[16];

	memcpy(cur, s->applied, s->graph.n);
	for (size_t i = 0; i < p->n; i++) {
		const st_rev *r = p->steps[i].rev;
		FUZZ_CHECK(p->steps[i].dir == dir, "step %zu goes the wrong way", i);
		if (dir == STRATA_UP) {
			size_t n = needs(r, nd);
			FUZZ_CHECK(!cur[r->idx], "'%s': %s applied twice", t->text, r->id);
			for (size_t j = 0; j < n; j++)
				FUZZ_CHECK(cur[nd[j]->idx], "'%s': %s before %s", t->text, r->id, nd[j]->id);
			cur[r->idx] = 1;
		} else {
			FUZZ_CHECK(cur[r->idx], "'%s': %s reverted while not applied", t->text, r->id);
			for (size_t j = 0; j < r->n_children; j++)
				FUZZ_CHECK(!cur[r->children[j]->idx], "'%s': %s reverted under %s", t->text,
					   r->id, r->children[j]->id);
			for (size_t j = 0; j < r->n_dependents; j++)
				FUZZ_CHECK(!cur[r->dependents[j]->idx], "'%s': %s reverted under %s",
					   t->text, r->id, r->dependents[j]->id);
			cur[r->idx] = 0;
		}
	}
	check_closed(cur, t->text);
	if (t->kind == ST_T_REVS)
		for (size_t i = 0; i < t->n; i++) {
			FUZZ_CHECK(cur[t->revs[i]->idx], "'%s': target %s not applied after the plan",
				   t->text, t->revs[i]->id);
			if (dir == STRATA_DOWN)
				for (size_t j = 0; j < t->revs[i]->n_children; j++)
					FUZZ_CHECK(!cur[t->revs[i]->children[j]->idx],
						   "'%s': %s still applied", t->text,
						   t->revs[i]->children[j]->id);
		}
	if (t->kind == ST_T_BASE && !t->label && !t->anchor && dir == STRATA_DOWN)
		for (size_t i = 0; i < s->graph.n; i++)
			FUZZ_CHECK(!cur[i], "'%s': %s still applied", t->text, s->graph.revs[i]->id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	st_target t;
	strata_plan *p = NULL;
	char *expr;
	size_t n = s->graph.n;

	if (size < 2)
		return 0;
	/* The state: the ancestry of up to two revisions (a byte past the graph: none). */
	memset(s->applied, 0, n);
	for (int k = 0; k < 2; k++)
		if (data[k] % (n + 1) < n) {
			st_rev *r = s->graph.revs[data[k] % (n + 1)];
			st_graph_mark_ancestors(&s->graph, s->applied, &r, 1);
		}
	check_closed(s->applied, "state");
	expr = fuzz_cstr(data + 2, size - 2);
	st_begin_call(s);
	if (st_target_parse(s, &t, expr) == 0) {
		FUZZ_CHECK(t.kind == ST_T_REVS || t.kind == ST_T_BASE || t.kind == ST_T_RELATIVE,
			   "kind %d", t.kind);
		if (t.kind == ST_T_REVS)
			for (size_t i = 0; i < t.n; i++)
				FUZZ_CHECK(t.revs[i] != NULL, "NULL revision in the target");
		st_begin_call(s);
		if (st_plan_up(s, &p, &t) == 0) {
			check_plan(p, STRATA_UP, &t);
			strata_plan_free(p);
		} else {
			FUZZ_CHECK(s->err.code && s->err.message, "upgrade failed without an error");
		}
		st_begin_call(s);
		if (st_plan_down(s, &p, &t) == 0) {
			check_plan(p, STRATA_DOWN, &t);
			strata_plan_free(p);
		} else {
			FUZZ_CHECK(s->err.code && s->err.message, "downgrade failed without an error");
		}
	} else {
		FUZZ_CHECK(s->err.code == STRATA_ETARGET || s->err.code == STRATA_ENOMEM,
			   "'%s': code %d", expr, s->err.code);
		FUZZ_CHECK(s->err.message && *s->err.message, "error without a message");
	}
	st_target_free(&t);
	st_begin_call(s);
	free(expr);
	return 0;
}
