/* test_graph.c - the revision graph (st_graph_build and its lookups), from revisions parsed
 * in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "graph.h"
#include "helpers.h"

#include <string.h>

#define MAX_REVS 64

typedef struct gfx {
	st_graph g;
	st_err err;
	st_rev *revs[MAX_REVS];
	size_t n;
} gfx;

static int setup(void **state)
{
	gfx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	gfx *f = *state;

	st_graph_free(&f->g);
	st_err_clear(&f->err);
	free(f);
	return 0;
}

/* Parse one revision file into f->g.arena.  path NULL: "versions/<id>.sql".  down, labels and
 * deps are header values, NULL to leave the field out. */
static st_rev *add_at(gfx *f, const char *path, const char *id, const char *down,
		      const char *labels, const char *deps)
{
	char text[1024], pbuf[128];
	int n;
	st_rev *r;

	if (f->n == MAX_REVS)
		fail_msg("too many revisions");
	n = snprintf(text, sizeof(text), "-- revision: %s\n", id);
	if (down)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "-- down_revision: %s\n", down);
	if (labels)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "-- branch_labels: %s\n", labels);
	if (deps)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "-- depends_on: %s\n", deps);
	snprintf(text + n, sizeof(text) - (size_t)n, "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n");
	if (!path) {
		snprintf(pbuf, sizeof(pbuf), "versions/%s.sql", id);
		path = pbuf;
	}
	r = st_arena_alloc(&f->g.arena, sizeof(*r));
	assert_non_null(r);
	if (st_script_parse(&f->err, &f->g.arena, r, path, text, strlen(text)))
		fail_msg("parsing %s: %s", path, f->err.message);
	f->revs[f->n++] = r;
	return r;
}

static st_rev *add(gfx *f, const char *id, const char *down)
{
	return add_at(f, NULL, id, down, NULL, NULL);
}

static int build(gfx *f)
{
	return st_graph_build(&f->err, &f->g, f->revs, f->n);
}

static void build_ok(gfx *f)
{
	if (build(f))
		fail_msg("st_graph_build: %s", f->err.message ? f->err.message : "(no message)");
}

static const char *ids_of(st_rev *const *v, size_t n)
{
	static char buf[4096];
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", i ? " " : "", v[i]->id);
	return buf;
}

/* The revisions in set, in topological order. */
static const char *set_ids(const st_graph *g, const uint8_t *set)
{
	static char buf[4096];
	size_t i, k = 0;

	buf[0] = '\0';
	for (i = 0; i < g->n; i++)
		if (set[i])
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%s", k ? " " : "", g->revs[i]->id);
	return buf;
}

static st_rev *get(gfx *f, const char *id)
{
	st_rev *r = st_graph_get(&f->g, id);

	if (!r)
		fail_msg("no revision %s", id);
	return r;
}

static void test_empty(void **state)
{
	gfx *f = *state;

	build_ok(f);
	assert_int_equal(f->g.n, 0);
	assert_int_equal(f->g.n_heads, 0);
	assert_int_equal(f->g.n_bases, 0);
	assert_null(st_graph_get(&f->g, "x"));
}

static void test_linear_chain(void **state)
{
	gfx *f = *state;
	st_rev *a, *b, *c;

	/* File names in another order than the chain: the order follows the links. */
	c = add_at(f, "versions/1_c.sql", "c", "b", NULL, NULL);
	a = add_at(f, "versions/2_a.sql", "a", NULL, NULL, NULL);
	b = add_at(f, "versions/3_b.sql", "b", "a", NULL, NULL);
	build_ok(f);
	assert_int_equal(f->g.n, 3);
	assert_string_equal(ids_of(f->g.revs, f->g.n), "a b c");
	assert_int_equal(a->idx, 0);
	assert_int_equal(b->idx, 1);
	assert_int_equal(c->idx, 2);
	assert_string_equal(ids_of(f->g.heads, f->g.n_heads), "c");
	assert_string_equal(ids_of(f->g.bases, f->g.n_bases), "a");
	assert_ptr_equal(b->parents[0], a);
	assert_ptr_equal(c->parents[0], b);
	assert_int_equal(a->n_children, 1);
	assert_ptr_equal(a->children[0], b);
	assert_int_equal(c->n_children, 0);
	assert_string_equal(a->branch_names, "");
	assert_ptr_equal(st_graph_get(&f->g, "b"), b);
	assert_null(st_graph_get(&f->g, "bb"));
}

static void test_branches_heads_bases(void **state)
{
	gfx *f = *state;
	st_rev *a;

	a = add(f, "a", NULL);
	add(f, "b", "a");
	add(f, "c", "a");
	add(f, "d", "b");
	add(f, "x", NULL); /* a second root */
	build_ok(f);
	/* Depth first, siblings in file-name order: a chain stays together. */
	assert_string_equal(ids_of(f->g.revs, f->g.n), "a b d c x");
	assert_string_equal(ids_of(f->g.heads, f->g.n_heads), "d c x");
	assert_string_equal(ids_of(f->g.bases, f->g.n_bases), "a x");
	assert_int_equal(a->n_children, 2);
	assert_string_equal(ids_of(a->children, a->n_children), "b c");
}

static void test_merge_point(void **state)
{
	gfx *f = *state;
	st_rev *m;

	add(f, "a", NULL);
	add(f, "b", "a");
	add(f, "c", "a");
	m = add(f, "m", "b, c");
	add(f, "n", "m");
	build_ok(f);
	assert_string_equal(ids_of(f->g.revs, f->g.n), "a b c m n");
	assert_string_equal(ids_of(f->g.heads, f->g.n_heads), "n");
	assert_string_equal(ids_of(f->g.bases, f->g.n_bases), "a");
	assert_int_equal(m->n_down_ids, 2);
	assert_string_equal(ids_of(m->parents, m->n_down_ids), "b c");
	assert_int_equal(get(f, "b")->n_children, 1);
	assert_ptr_equal(get(f, "c")->children[0], m);
}

static void test_depends_on_orders(void **state)
{
	gfx *f = *state;
	st_rev *a1, *p2;

	/* Branch "a" depends on the head of branch "p"; its files sort first. */
	a1 = add_at(f, NULL, "a1", NULL, NULL, "p2");
	add(f, "a2", "a1");
	add(f, "p1", NULL);
	p2 = add(f, "p2", "p1");
	build_ok(f);
	assert_string_equal(ids_of(f->g.revs, f->g.n), "p1 p2 a1 a2");
	assert_true(p2->idx < a1->idx);
	assert_int_equal(a1->n_depends_ids, 1);
	assert_ptr_equal(a1->deps[0], p2);
	assert_int_equal(p2->n_dependents, 1);
	assert_ptr_equal(p2->dependents[0], a1);
	/* A dependency is not a child: p2 stays a head, a1 a base. */
	assert_int_equal(p2->n_children, 0);
	assert_string_equal(ids_of(f->g.heads, f->g.n_heads), "p2 a2");
	assert_string_equal(ids_of(f->g.bases, f->g.n_bases), "p1 a1");
}

static void test_depends_on_unique_prefix(void **state)
{
	gfx *f = *state;
	st_rev *a1;

	a1 = add_at(f, NULL, "a1", NULL, NULL, "p2c");
	add(f, "p1cafe", NULL);
	add(f, "p2cafe", "p1cafe");
	build_ok(f);
	assert_ptr_equal(a1->deps[0], get(f, "p2cafe"));
	assert_string_equal(ids_of(f->g.revs, f->g.n), "p1cafe p2cafe a1");
}

static void test_depends_on_ambiguous_prefix(void **state)
{
	gfx *f = *state;

	add_at(f, NULL, "a1", NULL, NULL, "p");
	add(f, "p1cafe", NULL);
	add(f, "p2cafe", "p1cafe");
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_string_equal(f->err.message, "revision a1: depends_on 'p' is ambiguous: it starts 2 "
					    "ids (p1cafe, p2cafe)");
	assert_string_equal(f->err.file, "versions/a1.sql");
	assert_contains(f->err.hint, "full revision id");
}

static void test_down_revision_prefix_refused(void **state)
{
	gfx *f = *state;

	add(f, "p1cafe", NULL);
	add(f, "p2cafe", "p1c");
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_string_equal(f->err.message, "revision p2cafe names unknown down_revision 'p1c'");
	assert_string_equal(f->err.file, "versions/p2cafe.sql");
	assert_contains(f->err.hint, "did you mean p1cafe?");
}

static void test_duplicate_ids(void **state)
{
	gfx *f = *state;

	add(f, "a", NULL);
	add_at(f, "versions/dup_one.sql", "dup", "a", NULL, NULL);
	add_at(f, "versions/dup_two.sql", "dup", "a", NULL, NULL);
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_contains(f->err.message, "duplicate revision id dup");
	assert_contains(f->err.message, "versions/dup_one.sql");
	assert_contains(f->err.message, "versions/dup_two.sql");
	assert_non_null(f->err.file);
	assert_non_null(f->err.hint);
}

static void test_unknown_parent(void **state)
{
	gfx *f = *state;

	add(f, "a", NULL);
	add_at(f, "versions/b_second.sql", "b", "zzz", NULL, NULL);
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_string_equal(f->err.message, "revision b names unknown down_revision 'zzz'");
	assert_string_equal(f->err.file, "versions/b_second.sql");
	assert_contains(f->err.hint, "no script in the versions folder");
}

static void test_unknown_dependency(void **state)
{
	gfx *f = *state;

	add_at(f, NULL, "a", NULL, NULL, "nothere");
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_string_equal(f->err.message, "revision a names unknown depends_on 'nothere'");
	assert_string_equal(f->err.file, "versions/a.sql");
}

static void test_cycle(void **state)
{
	gfx *f = *state;

	add(f, "root", NULL);
	add(f, "a", "c");
	add(f, "b", "a");
	add(f, "c", "b");
	add(f, "d", "a"); /* hangs off the cycle */
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_starts_with(f->err.message, "the revision graph has a cycle: ");
	/* The message walks the cycle along down_revision and comes back to its start. */
	assert_string_equal(f->err.message, "the revision graph has a cycle: a -> c -> b -> a");
	assert_non_null(f->err.file);
	assert_non_null(f->err.hint);
}

static void test_cycle_every_revision(void **state)
{
	gfx *f = *state;

	/* No root at all. */
	add(f, "x", "y");
	add(f, "y", "x");
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_string_equal(f->err.message, "the revision graph has a cycle: x -> y -> x");
}

static void test_cycle_via_depends_on(void **state)
{
	gfx *f = *state;

	add_at(f, NULL, "a", NULL, NULL, "b");
	add(f, "b", "a");
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_starts_with(f->err.message, "the revision graph has a cycle: ");
	assert_contains(f->err.message, "a -> b");
	assert_contains(f->err.message, "b -> a");
}

static void test_label_inheritance_linear(void **state)
{
	gfx *f = *state;

	add(f, "r", NULL);
	add(f, "s", "r");
	add_at(f, NULL, "t", "s", "core", NULL);
	add(f, "u", "t");
	add(f, "v", "u");
	build_ok(f);
	/* Descendants, and ancestors down to the base when no branch point is in the way. */
	assert_string_equal(get(f, "r")->branch_names, "core");
	assert_string_equal(get(f, "s")->branch_names, "core");
	assert_string_equal(get(f, "t")->branch_names, "core");
	assert_string_equal(get(f, "u")->branch_names, "core");
	assert_string_equal(get(f, "v")->branch_names, "core");
	assert_ptr_equal(st_graph_label(&f->g, "core"), get(f, "t"));
	assert_null(st_graph_label(&f->g, "cor"));
}

static void test_label_inheritance_branches(void **state)
{
	gfx *f = *state;

	/*  r - q -+- x1 - x2 [xl] - x3
	 *         +- y1 [y] - y2
	 *  x3 and y2 merge into m. */
	add(f, "r", NULL);
	add(f, "q", "r");
	add(f, "x1", "q");
	add_at(f, NULL, "x2", "x1", "xl", NULL);
	add(f, "x3", "x2");
	add_at(f, NULL, "y1", "q", "y", NULL);
	add(f, "y2", "y1");
	add(f, "m", "x3, y2");
	build_ok(f);
	/* The branch point and what lies before it carry no label. */
	assert_string_equal(get(f, "r")->branch_names, "");
	assert_string_equal(get(f, "q")->branch_names, "");
	/* Ancestors up to the branch point. */
	assert_string_equal(get(f, "x1")->branch_names, "xl");
	assert_string_equal(get(f, "x2")->branch_names, "xl");
	assert_string_equal(get(f, "x3")->branch_names, "xl");
	assert_string_equal(get(f, "y1")->branch_names, "y");
	assert_string_equal(get(f, "y2")->branch_names, "y");
	/* A merge descends from both branches. */
	assert_true(st_rev_has_branch(get(f, "m"), "xl"));
	assert_true(st_rev_has_branch(get(f, "m"), "y"));
	/* Whole words only: "x" is not "xl", "y" is not in "xl". */
	assert_false(st_rev_has_branch(get(f, "x2"), "x"));
	assert_false(st_rev_has_branch(get(f, "x2"), "y"));
	assert_false(st_rev_has_branch(get(f, "y1"), "xl"));
	assert_false(st_rev_has_branch(get(f, "q"), "xl"));
}

static void test_label_stops_at_merge(void **state)
{
	gfx *f = *state;

	add(f, "a", NULL);
	add(f, "b", NULL);
	add(f, "m", "a, b");
	add(f, "n", "m");
	add_at(f, NULL, "o", "n", "after", NULL);
	build_ok(f);
	assert_string_equal(get(f, "o")->branch_names, "after");
	assert_string_equal(get(f, "n")->branch_names, "after");
	/* Not into the merge point, nor past it. */
	assert_string_equal(get(f, "m")->branch_names, "");
	assert_string_equal(get(f, "a")->branch_names, "");
	assert_string_equal(get(f, "b")->branch_names, "");
}

static void test_label_on_merge_and_several_labels(void **state)
{
	gfx *f = *state;

	add(f, "a", NULL);
	add(f, "b", NULL);
	add_at(f, NULL, "m", "a, b", "one, two", NULL);
	add(f, "n", "m");
	build_ok(f);
	assert_string_equal(get(f, "m")->branch_names, "one two");
	assert_string_equal(get(f, "n")->branch_names, "one two");
	assert_string_equal(get(f, "a")->branch_names, "");
	assert_string_equal(get(f, "b")->branch_names, "");
	assert_ptr_equal(st_graph_label(&f->g, "two"), get(f, "m"));
}

static void test_label_does_not_follow_depends_on(void **state)
{
	gfx *f = *state;

	add_at(f, NULL, "p1", NULL, "pay", NULL);
	add_at(f, NULL, "a1", NULL, "acct", "p1");
	build_ok(f);
	assert_string_equal(get(f, "p1")->branch_names, "pay");
	assert_string_equal(get(f, "a1")->branch_names, "acct");
}

static void test_duplicate_label(void **state)
{
	gfx *f = *state;

	add_at(f, NULL, "a", NULL, "core", NULL);
	add_at(f, "versions/b_file.sql", "b", "a", "core", NULL);
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_string_equal(f->err.message, "branch label 'core' is declared by a and b");
	assert_string_equal(f->err.file, "versions/b_file.sql");
}

static void test_label_equal_to_revision_id(void **state)
{
	gfx *f = *state;

	add_at(f, "versions/a_file.sql", "a", NULL, "b", NULL);
	add(f, "b", "a");
	assert_int_equal(build(f), STRATA_ESCRIPT);
	assert_string_equal(f->err.message, "branch label 'b' of a is also a revision id");
	assert_string_equal(f->err.file, "versions/a_file.sql");
}

static void test_prefix_lookup(void **state)
{
	gfx *f = *state;
	st_rev **first;

	add(f, "abd", NULL);
	add(f, "abc2", "abd");
	add(f, "b", "abc2");
	add(f, "abc1", "b");
	build_ok(f);
	assert_int_equal(st_graph_prefix(&f->g, "ab", &first), 3);
	assert_string_equal(ids_of(first, 3), "abc1 abc2 abd");
	assert_int_equal(st_graph_prefix(&f->g, "abc", &first), 2);
	assert_string_equal(ids_of(first, 2), "abc1 abc2");
	assert_int_equal(st_graph_prefix(&f->g, "abd", &first), 1);
	assert_string_equal(first[0]->id, "abd");
	assert_int_equal(st_graph_prefix(&f->g, "b", &first), 1);
	assert_string_equal(first[0]->id, "b");
	assert_int_equal(st_graph_prefix(&f->g, "abc10", &first), 0);
	assert_int_equal(st_graph_prefix(&f->g, "c", &first), 0);
	assert_int_equal(st_graph_prefix(&f->g, "0", &first), 0);
	assert_int_equal(st_graph_prefix(&f->g, "", &first), 4);
}

static void test_mark_ancestors_descendants(void **state)
{
	gfx *f = *state;
	uint8_t *set;
	st_rev *from[2];

	/* a -+- b -+- m - n
	 *    +- c -+
	 *        \-- d (depends_on c, own root) */
	add(f, "a", NULL);
	add(f, "b", "a");
	add(f, "c", "a");
	add(f, "m", "b, c");
	add(f, "n", "m");
	add_at(f, NULL, "d", NULL, NULL, "c");
	build_ok(f);
	assert_string_equal(ids_of(f->g.revs, f->g.n), "a b c m n d");
	set = calloc(f->g.n, 1);
	assert_non_null(set);

	from[0] = get(f, "m");
	st_graph_mark_ancestors(&f->g, set, from, 1);
	assert_string_equal(set_ids(&f->g, set), "a b c m");

	memset(set, 0, f->g.n);
	from[0] = get(f, "d");
	st_graph_mark_ancestors(&f->g, set, from, 1);
	assert_string_equal(set_ids(&f->g, set), "a c d");

	memset(set, 0, f->g.n);
	from[0] = get(f, "c");
	st_graph_mark_descendants(&f->g, set, from, 1);
	assert_string_equal(set_ids(&f->g, set), "c m n d");

	memset(set, 0, f->g.n);
	from[0] = get(f, "b");
	st_graph_mark_descendants(&f->g, set, from, 1);
	assert_string_equal(set_ids(&f->g, set), "b m n");

	memset(set, 0, f->g.n);
	from[0] = get(f, "b");
	from[1] = get(f, "d");
	st_graph_mark_ancestors(&f->g, set, from, 2);
	assert_string_equal(set_ids(&f->g, set), "a b c d");

	memset(set, 0, f->g.n);
	from[0] = get(f, "n");
	st_graph_mark_descendants(&f->g, set, from, 1);
	assert_string_equal(set_ids(&f->g, set), "n");
	free(set);
}

/* 100,000 revisions in one chain: every walk must be iterative and linear. */
static void test_long_chain(void **state)
{
	enum { N = 100000 };
	st_graph g;
	st_err err;
	st_rev **revs = calloc(N, sizeof(*revs));
	uint8_t *set = calloc(N, 1);
	size_t i;
	char text[256], path[64];

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(&err, 0, sizeof(err));
	assert_non_null(revs);
	assert_non_null(set);
	for (i = 0; i < N; i++) {
		st_rev *r = st_arena_alloc(&g.arena, sizeof(*r));
		assert_non_null(r);
		/* File names run backwards against the chain; the base carries a label, so
		 * every revision inherits it, and the head another, so the walk to the base
		 * runs the whole chain. */
		if (i == 0)
			snprintf(text, sizeof(text), "-- revision: r%06zu\n-- branch_labels: first\n"
						     "-- migrate:up\nSELECT 1;\n", i);
		else if (i == N - 1)
			snprintf(text, sizeof(text), "-- revision: r%06zu\n-- down_revision: r%06zu\n"
						     "-- branch_labels: last\n-- migrate:up\nSELECT 1;\n",
				 i, i - 1);
		else
			snprintf(text, sizeof(text), "-- revision: r%06zu\n-- down_revision: r%06zu\n"
						     "-- migrate:up\nSELECT 1;\n",
				 i, i - 1);
		snprintf(path, sizeof(path), "versions/%06zu_r%06zu.sql", (size_t)N - i, i);
		if (st_script_parse(&err, &g.arena, r, path, text, strlen(text)))
			fail_msg("parse: %s", err.message);
		revs[i] = r;
	}
	if (st_graph_build(&err, &g, revs, N))
		fail_msg("build: %s", err.message);
	assert_int_equal(g.n, N);
	assert_int_equal(g.n_heads, 1);
	assert_int_equal(g.n_bases, 1);
	for (i = 0; i < N; i++) {
		char id[16];
		snprintf(id, sizeof(id), "r%06zu", i);
		if (strcmp(g.revs[i]->id, id) != 0 || g.revs[i]->idx != i)
			fail_msg("position %zu holds %s", i, g.revs[i]->id);
	}
	assert_string_equal(g.revs[0]->branch_names, "first last");
	assert_string_equal(g.revs[N / 2]->branch_names, "first last");
	assert_string_equal(g.revs[N - 1]->branch_names, "first last");

	st_graph_mark_ancestors(&g, set, &g.heads[0], 1);
	for (i = 0; i < N; i++)
		if (!set[i])
			fail_msg("r%06zu is not an ancestor of the head", i);
	memset(set, 0, N);
	st_graph_mark_descendants(&g, set, &g.bases[0], 1);
	for (i = 0; i < N; i++)
		if (!set[i])
			fail_msg("r%06zu is not a descendant of the base", i);
	free(set);
	free(revs);
	st_graph_free(&g);
	st_err_clear(&err);
}

/* A cycle in a long chain is reported without deep recursion either. */
static void test_long_cycle(void **state)
{
	enum { N = 20000 };
	st_graph g;
	st_err err;
	st_rev **revs = calloc(N, sizeof(*revs));
	size_t i;
	char text[256], path[64];

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(&err, 0, sizeof(err));
	assert_non_null(revs);
	for (i = 0; i < N; i++) {
		st_rev *r = st_arena_alloc(&g.arena, sizeof(*r));
		assert_non_null(r);
		snprintf(text, sizeof(text), "-- revision: r%06zu\n-- down_revision: r%06zu\n"
					     "-- migrate:up\n",
			 i, (i + N - 1) % N);
		snprintf(path, sizeof(path), "versions/r%06zu.sql", i);
		if (st_script_parse(&err, &g.arena, r, path, text, strlen(text)))
			fail_msg("parse: %s", err.message);
		revs[i] = r;
	}
	assert_int_equal(st_graph_build(&err, &g, revs, N), STRATA_ESCRIPT);
	assert_starts_with(err.message, "the revision graph has a cycle: r000000 -> r019999 -> ");
	free(revs);
	st_graph_free(&g);
	st_err_clear(&err);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_empty),
		T(test_linear_chain),
		T(test_branches_heads_bases),
		T(test_merge_point),
		T(test_depends_on_orders),
		T(test_depends_on_unique_prefix),
		T(test_depends_on_ambiguous_prefix),
		T(test_down_revision_prefix_refused),
		T(test_duplicate_ids),
		T(test_unknown_parent),
		T(test_unknown_dependency),
		T(test_cycle),
		T(test_cycle_every_revision),
		T(test_cycle_via_depends_on),
		T(test_label_inheritance_linear),
		T(test_label_inheritance_branches),
		T(test_label_stops_at_merge),
		T(test_label_on_merge_and_several_labels),
		T(test_label_does_not_follow_depends_on),
		T(test_duplicate_label),
		T(test_label_equal_to_revision_id),
		T(test_prefix_lookup),
		T(test_mark_ancestors_descendants),
		cmocka_unit_test(test_long_chain),
		cmocka_unit_test(test_long_cycle),
	};

	return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
