/* cmd_history.c - strata history [-r A:B] [-v] [--indicate-current] [--graph] [--json]
 *
 * --graph draws the revision graph as `git log --graph` does: one column ("lane") per line
 * of descent waiting for its next revision; a merge opens lanes (|\), a branch point closes
 * them (|/). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum { O_JSON = 101, O_RANGE = 104, O_CURRENT = 105, O_GRAPH = 106 };

typedef const strata_revision *rev_t;

typedef struct graph_state {
	rev_t *lane;
	size_t n, cap;
	rev_t *shown; /* sorted, for membership */
	size_t n_shown;
} graph_state;

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(rev_t const *)a, y = (uintptr_t)*(rev_t const *)b;
	return x < y ? -1 : x > y;
}

static int is_shown(graph_state *g, rev_t r)
{
	return bsearch(&r, g->shown, g->n_shown, sizeof(rev_t), cmp_ptr) != NULL;
}

static int lane_insert(graph_state *g, size_t at, rev_t r)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		rev_t *v = realloc(g->lane, cap * sizeof(rev_t));
		if (!v)
			return -1;
		g->lane = v;
		g->cap = cap;
	}
	memmove(g->lane + at + 1, g->lane + at, (g->n - at) * sizeof(rev_t));
	g->lane[at] = r;
	g->n++;
	return 0;
}

static void lane_remove(graph_state *g, size_t at)
{
	memmove(g->lane + at, g->lane + at + 1, (g->n - at - 1) * sizeof(rev_t));
	g->n--;
}

static void put_row(const char *row, size_t len)
{
	while (len && row[len - 1] == ' ')
		len--;
	printf("%.*s\n", (int)len, row);
}

/* Lane `from` joins lane `to` (to < from); lanes right of `from` move one left. */
static void draw_collapse(graph_state *g, size_t to, size_t from, char *row)
{
	size_t c, w = 2 * g->n + 2;

	memset(row, ' ', w);
	for (c = 0; c < g->n; c++) {
		if (c < from)
			row[2 * c] = '|';
		else if (c == from)
			row[2 * c - 1] = '/';
		else
			row[2 * c - 1] = '/';
	}
	for (c = 2 * to + 1; c + 1 < 2 * from; c++)
		if (row[c] == ' ')
			row[c] = '_';
	put_row(row, w);
	lane_remove(g, from);
}

/* A new lane opens right of `at`; lanes right of it move one right. */
static int draw_open(graph_state *g, size_t at, rev_t parent, char *row)
{
	size_t c, w;

	if (lane_insert(g, at + 1, parent))
		return -1;
	w = 2 * g->n + 2;
	memset(row, ' ', w);
	for (c = 0; c < g->n; c++) {
		if (c <= at)
			row[2 * c] = '|';
		else
			row[2 * c - 1] = '\\';
	}
	put_row(row, w);
	return 0;
}

static int draw_graph(strata *s, strata_revlist *l, int indicate)
{
	graph_state g;
	size_t i, j, k, n = strata_revlist_count(l);
	char *row = NULL;
	int rc = 0;

	memset(&g, 0, sizeof(g));
	g.shown = malloc((n + 1) * sizeof(rev_t));
	if (!g.shown)
		return -1;
	for (i = 0; i < n; i++)
		g.shown[i] = strata_revlist_get(l, i);
	g.n_shown = n;
	qsort(g.shown, n, sizeof(rev_t), cmp_ptr);

	for (i = 0; i < n && rc == 0; i++) {
		rev_t r = strata_revlist_get(l, i);
		size_t col = (size_t)-1, np = strata_revision_parent_count(r), w;
		char *nrow;

		for (j = 0; j < g.n; j++)
			if (g.lane[j] == r) {
				col = j;
				break;
			}
		if (col == (size_t)-1) {
			col = g.n;
			if (lane_insert(&g, g.n, r)) {
				rc = -1;
				break;
			}
		}
		nrow = realloc(row, 2 * (g.n + np) + 4);
		if (!nrow) {
			rc = -1;
			break;
		}
		row = nrow;
		/* Other lanes waiting for r join its lane first. */
		for (j = g.n; j-- > col + 1;)
			if (g.lane[j] == r)
				draw_collapse(&g, col, j, row);
		/* The revision's own row. */
		w = 2 * g.n;
		memset(row, ' ', w);
		for (j = 0; j < g.n; j++)
			row[2 * j] = j == col ? '*' : '|';
		printf("%.*s", (int)(w - 1), row);
		{
			int applied = indicate ? strata_is_applied(s, r) : 0;
			char extra[32] = "";
			if (applied == 1) {
				/* (current) for the version-table rows, as Alembic marks them. */
				size_t c, nc = strata_revision_child_count(r);
				int top = 1;
				for (c = 0; c < nc && top; c++)
					top = strata_is_applied(s, strata_revision_child(r, c)) != 1;
				if (top)
					snprintf(extra, sizeof(extra), "(current)");
			}
			putchar(' ');
			cli_rev_line(stdout, r, 0, *extra ? extra : NULL);
		}
		/* Its parents take over the lane; a merge opens more lanes. */
		k = 0;
		for (j = 0; j < np; j++) {
			rev_t p = strata_revision_parent(r, j);
			if (!is_shown(&g, p))
				continue;
			if (k++ == 0) {
				g.lane[col] = p;
			} else if (draw_open(&g, col + k - 2, p, row)) {
				rc = -1;
				break;
			}
		}
		if (k == 0) {
			/* A base (or the range's end): the lane closes; lanes right of it move left. */
			if (col + 1 < g.n) {
				w = 2 * g.n + 2;
				memset(row, ' ', w);
				for (j = 0; j < g.n; j++) {
					if (j < col)
						row[2 * j] = '|';
					else if (j > col)
						row[2 * j - 1] = '/';
				}
				put_row(row, w);
			}
			lane_remove(&g, col);
		}
	}
	free(row);
	free(g.lane);
	free(g.shown);
	return rc;
}

int cmd_history(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_revlist *l = NULL;
	size_t i, n;
	int rc, indicate = cli_has(a, O_CURRENT);

	if (a->n_pos) {
		cli_error("unexpected argument '%s' (use -r A:B for a range)", a->pos[0]);
		cli_print_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_history(s, &l, cli_value(a, O_RANGE))) {
		rc = cli_fail(s);
		cli_close(s);
		return rc;
	}
	n = strata_revlist_count(l);
	if (cli_has(a, O_JSON)) {
		fputs("{\"history\": [", stdout);
		for (i = 0; i < n; i++) {
			const strata_revision *r = strata_revlist_get(l, i);
			int cur = indicate ? strata_is_applied(s, r) : -1;
			fputs(i ? ",\n  " : "\n  ", stdout);
			cli_rev_json(stdout, r, cur < 0 ? -1 : cur);
		}
		fputs(n ? "\n]}\n" : "]}\n", stdout);
	} else if (cli_has(a, O_GRAPH)) {
		if (draw_graph(s, l, indicate))
			cli_error("out of memory");
	} else {
		for (i = 0; i < n; i++) {
			const strata_revision *r = strata_revlist_get(l, i);
			const char *extra = NULL;
			if (indicate && strata_is_applied(s, r) == 1) {
				size_t c, nc = strata_revision_child_count(r);
				int top = 1;
				for (c = 0; c < nc && top; c++)
					top = strata_is_applied(s, strata_revision_child(r, c)) != 1;
				extra = top ? "(current)" : NULL;
			}
			if (cli_verbose)
				cli_rev_verbose(stdout, r, extra);
			else
				cli_rev_line(stdout, r, 1, extra);
		}
	}
	/* strata_is_applied reports database errors on the handle. */
	rc = strata_last_error(s)->code ? cli_fail(s) : EXIT_OK;
	strata_revlist_free(l);
	cli_close(s);
	return rc;
}
