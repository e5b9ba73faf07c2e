/* graph.c - building and validating the revision graph; see graph.h and
 * docs/internals/graph.md. */
#include "graph.h"

#include "buf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

st_rev *st_graph_get(const st_graph *g, const char *id)
{
	size_t i;

	if (!g->hash_cap)
		return NULL;
	for (i = hash_str(id) & (g->hash_cap - 1); g->hash[i]; i = (i + 1) & (g->hash_cap - 1))
		if (strcmp(g->hash[i]->id, id) == 0)
			return g->hash[i];
	return NULL;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp((*(st_rev *const *)a)->id, (*(st_rev *const *)b)->id);
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp((*(st_rev *const *)a)->path, (*(st_rev *const *)b)->path);
}

size_t st_graph_prefix(const st_graph *g, const char *prefix, st_rev ***first)
{
	size_t lo = 0, hi = g->n, plen = strlen(prefix), n = 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(g->by_id[mid]->id, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = g->by_id + lo;
	while (lo + n < g->n && strncmp(g->by_id[lo + n]->id, prefix, plen) == 0)
		n++;
	return n;
}

st_rev *st_graph_label(const st_graph *g, const char *label)
{
	size_t i, j;

	for (i = 0; i < g->n; i++)
		for (j = 0; j < g->revs[i]->n_labels; j++)
			if (strcmp(g->revs[i]->labels[j], label) == 0)
				return g->revs[i];
	return NULL;
}

int st_rev_has_branch(const st_rev *r, const char *label)
{
	size_t l = strlen(label);
	const char *p = r->branch_names;

	while (p && *p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == l && strncmp(p, label, l) == 0)
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

void st_graph_mark_ancestors(const st_graph *g, uint8_t *set, st_rev *const *from, size_t n)
{
	size_t i, j, top = 0;

	for (i = 0; i < n; i++) {
		set[from[i]->idx] = 1;
		if (from[i]->idx + 1 > top)
			top = from[i]->idx + 1;
	}
	/* Topological order puts every parent before its children: one backward sweep. */
	for (i = top; i-- > 0;) {
		st_rev *r = g->revs[i];
		if (!set[i])
			continue;
		for (j = 0; j < r->n_down_ids; j++)
			set[r->parents[j]->idx] = 1;
		for (j = 0; j < r->n_depends_ids; j++)
			set[r->deps[j]->idx] = 1;
	}
}

void st_graph_mark_descendants(const st_graph *g, uint8_t *set, st_rev *const *from, size_t n)
{
	size_t i, j, low = g->n;

	for (i = 0; i < n; i++) {
		set[from[i]->idx] = 1;
		if (from[i]->idx < low)
			low = from[i]->idx;
	}
	for (i = low; i < g->n; i++) {
		st_rev *r = g->revs[i];
		if (set[i])
			continue;
		for (j = 0; j < r->n_down_ids && !set[i]; j++)
			if (set[r->parents[j]->idx])
				set[i] = 1;
		for (j = 0; j < r->n_depends_ids && !set[i]; j++)
			if (set[r->deps[j]->idx])
				set[i] = 1;
	}
}

static int link_edges(st_err *err, st_graph *g, st_rev *r)
{
	size_t j;

	/* One array: the parents, then the dependencies. */
	if (!(r->parents = st_arena_ptrs(&g->arena, r->n_down_ids + r->n_depends_ids)))
		return st_err_oom(err);
	r->deps = r->parents + r->n_down_ids;
	for (j = 0; j < r->n_down_ids + r->n_depends_ids; j++) {
		int is_down = j < r->n_down_ids;
		const char *id = is_down ? r->down_ids[j] : r->depends_ids[j - r->n_down_ids];
		st_rev *p = st_graph_get(g, id);
		if (!p) {
			st_rev **cands;
			size_t nc = st_graph_prefix(g, id, &cands);
			/* A unique prefix is accepted for depends_on (as Alembic does), never for
			 * down_revision: the parent link must be exact. */
			if (!is_down && nc == 1) {
				p = cands[0];
			} else if (!is_down && nc > 1) {
				st_err_set(err, STRATA_ESCRIPT,
					   "revision %s: depends_on '%s' is ambiguous: it starts %zu ids "
					   "(%s, %s%s)",
					   r->id, id, nc, cands[0]->id, cands[1]->id, nc > 2 ? ", ..." : "");
				st_err_at(err, r->path, r->depends_line, 0);
				st_err_hint(err, "write the full revision id");
				return STRATA_ESCRIPT;
			} else {
				st_err_set(err, STRATA_ESCRIPT, "revision %s names unknown %s '%s'", r->id,
					   is_down ? "down_revision" : "depends_on", id);
				st_err_at(err, r->path, is_down ? r->down_line : r->depends_line, 0);
				if (nc == 1)
					st_err_hint(err, "did you mean %s?", cands[0]->id);
				else
					st_err_hint(err, "no script in the versions folder has that revision "
							 "id; was a file deleted or renamed?");
				return STRATA_ESCRIPT;
			}
		}
		if (is_down)
			r->parents[j] = p;
		else
			r->deps[j - r->n_down_ids] = p;
	}
	for (j = 0; j < r->n_down_ids; j++)
		r->parents[j]->n_children++;
	for (j = 0; j < r->n_depends_ids; j++)
		r->deps[j]->n_dependents++;
	return 0;
}

static int report_cycle(st_err *err, st_graph *g, st_rev **revs, size_t n, const size_t *indeg)
{
	/* Every revision still with an in-degree lies on or behind a cycle.  Walk parent links
	 * among them until one repeats: that stretch is a cycle. */
	size_t *seen_at = calloc(n, sizeof(size_t));
	st_rev **path = calloc(n + 1, sizeof(st_rev *));
	st_rev *r = NULL;
	size_t i, steps = 0, j;
	st_buf b = ST_BUF_INIT;

	if (!seen_at || !path) {
		free(seen_at);
		free(path);
		return st_err_oom(err);
	}
	for (i = 0; i < n; i++)
		if (indeg[revs[i]->idx]) {
			r = revs[i];
			break;
		}
	while (r && !seen_at[r->idx]) {
		st_rev *next = NULL;
		seen_at[r->idx] = ++steps;
		path[steps - 1] = r;
		for (j = 0; j < r->n_down_ids + r->n_depends_ids && !next; j++) {
			st_rev *p = j < r->n_down_ids ? r->parents[j] : r->deps[j - r->n_down_ids];
			if (indeg[p->idx])
				next = p;
		}
		r = next;
	}
	if (r) {
		for (i = seen_at[r->idx] - 1; i < steps; i++)
			st_buf_printf(&b, "%s -> ", path[i]->id);
		st_buf_puts(&b, r->id);
		st_err_set(err, STRATA_ESCRIPT, "the revision graph has a cycle: %s", st_buf_str(&b));
		st_err_at(err, r->path, r->down_line ? r->down_line : r->depends_line, 0);
		st_err_hint(err, "a revision's down_revision and depends_on must name older revisions");
	} else {
		st_err_set(err, STRATA_ESCRIPT, "the revision graph has a cycle");
	}
	st_buf_free(&b);
	free(seen_at);
	free(path);
	return STRATA_ESCRIPT;
}

/* Kahn's algorithm with a stack, so that a chain of revisions stays together in the order;
 * roots and siblings are taken in file-name order, so the order is the same on every run. */
static int topo_sort(st_err *err, st_graph *g, st_rev **revs, size_t n)
{
	size_t *indeg = calloc(n ? n : 1, sizeof(size_t));
	st_rev **stack = malloc(sizeof(st_rev *) * (n ? n : 1));
	size_t sp = 0, out = 0, i, j;
	int rc = 0;

	if (!indeg || !stack) {
		free(indeg);
		free(stack);
		return st_err_oom(err);
	}
	/* Here idx is the file-name order (revs is sorted by path). */
	for (i = 0; i < n; i++)
		indeg[i] = revs[i]->n_down_ids + revs[i]->n_depends_ids;
	for (i = n; i-- > 0;)
		if (!indeg[i])
			stack[sp++] = revs[i];
	while (sp) {
		st_rev *r = stack[--sp];
		g->revs[out++] = r;
		/* Push in reverse so the first child (file-name order) comes out first. */
		for (j = r->n_children + r->n_dependents; j-- > 0;) {
			st_rev *c = j < r->n_children ? r->children[j] : r->dependents[j - r->n_children];
			if (--indeg[c->idx] == 0)
				stack[sp++] = c;
		}
	}
	if (out < n)
		rc = report_cycle(err, g, revs, n, indeg);
	free(indeg);
	free(stack);
	return rc;
}

static int add_branch_name(st_graph *g, st_rev *r, const char *label)
{
	size_t a, b;
	char *s;

	if (st_rev_has_branch(r, label))
		return 0;
	a = strlen(r->branch_names);
	b = strlen(label);
	s = st_arena_alloc(&g->arena, a + b + 2);
	if (!s)
		return -1;
	memcpy(s, r->branch_names, a);
	if (a)
		s[a++] = ' ';
	memcpy(s + a, label, b + 1);
	r->branch_names = s;
	return 0;
}

/* As Alembic: a label belongs to its revision, every descendant along down_revision, and the
 * ancestors down to (not into) the nearest branch point or merge. */
static int label_branches(st_err *err, st_graph *g)
{
	uint8_t *set = NULL;
	size_t i, j, k;

	for (i = 0; i < g->n; i++) {
		st_rev *r = g->revs[i];
		for (j = 0; j < r->n_labels; j++) {
			const char *label = r->labels[j];
			st_rev *p;

			if (!set && !(set = malloc(g->n)))
				return st_err_oom(err);
			memset(set, 0, g->n);
			set[r->idx] = 1;
			for (k = r->idx + 1; k < g->n; k++) {
				st_rev *c = g->revs[k];
				size_t m;
				for (m = 0; m < c->n_down_ids; m++)
					if (set[c->parents[m]->idx])
						set[k] = 1;
			}
			for (k = r->idx; k < g->n; k++)
				if (set[k] && add_branch_name(g, g->revs[k], label))
					goto oom;
			for (p = r; p->n_down_ids == 1;) {
				p = p->parents[0];
				if (p->n_children > 1 || p->n_down_ids > 1)
					break;
				if (add_branch_name(g, p, label))
					goto oom;
			}
		}
	}
	free(set);
	return 0;
oom:
	free(set);
	return st_err_oom(err);
}

int st_graph_build(st_err *err, st_graph *g, st_rev **revs, size_t n)
{
	size_t i, j, cap = 16, nh, nb;
	int rc;

	g->revs = st_arena_ptrs(&g->arena, n + 1);
	g->by_id = st_arena_ptrs(&g->arena, n + 1);
	while (cap < n * 2)
		cap *= 2;
	g->hash = st_arena_ptrs(&g->arena, cap);
	if (!g->revs || !g->by_id || !g->hash)
		return st_err_oom(err);
	g->hash_cap = cap;
	g->n = n;

	/* The loader gives them in file-name order already: check, and sort only when not. */
	for (i = 1; i < n && cmp_path(&revs[i - 1], &revs[i]) <= 0; i++)
		;
	if (i < n)
		qsort(revs, n, sizeof(*revs), cmp_path);
	for (i = 0; i < n; i++) {
		st_rev *r = revs[i];
		size_t h;
		r->idx = i;
		r->branch_names = "";
		for (h = hash_str(r->id) & (cap - 1); g->hash[h]; h = (h + 1) & (cap - 1)) {
			if (strcmp(g->hash[h]->id, r->id) == 0) {
				st_err_set(err, STRATA_ESCRIPT, "duplicate revision id %s in %s and %s",
					   r->id, g->hash[h]->path, r->path);
				st_err_at(err, r->path, r->id_line, 0);
				st_err_hint(err, "every revision needs its own id; give one of them a "
						 "new id (and fix the files that name it)");
				return STRATA_ESCRIPT;
			}
		}
		g->hash[h] = r;
		g->by_id[i] = r;
	}
	qsort(g->by_id, n, sizeof(*g->by_id), cmp_id);

	for (i = 0; i < n; i++)
		if ((rc = link_edges(err, g, revs[i])))
			return rc;
	for (i = 0; i < n; i++) {
		st_rev *r = revs[i];
		/* One array: the children, then the dependents. */
		if (!(r->children = st_arena_ptrs(&g->arena, r->n_children + r->n_dependents)))
			return st_err_oom(err);
		r->dependents = r->children + r->n_children;
		r->n_children = r->n_dependents = 0;
	}
	for (i = 0; i < n; i++) {
		st_rev *r = revs[i];
		for (j = 0; j < r->n_down_ids; j++) {
			st_rev *p = r->parents[j];
			p->children[p->n_children++] = r;
		}
		for (j = 0; j < r->n_depends_ids; j++) {
			st_rev *p = r->deps[j];
			p->dependents[p->n_dependents++] = r;
		}
	}
	if ((rc = topo_sort(err, g, revs, n)))
		return rc;
	for (i = 0; i < n; i++)
		g->revs[i]->idx = i;

	/* Heads and bases, and labels unique. */
	for (i = 0, nh = 0, nb = 0; i < n; i++) {
		nh += !g->revs[i]->n_children;
		nb += !g->revs[i]->n_down_ids;
	}
	g->heads = st_arena_ptrs(&g->arena, nh + 1);
	g->bases = st_arena_ptrs(&g->arena, nb + 1);
	if (!g->heads || !g->bases)
		return st_err_oom(err);
	for (i = 0; i < n; i++) {
		st_rev *r = g->revs[i];
		if (!r->n_children)
			g->heads[g->n_heads++] = r;
		if (!r->n_down_ids)
			g->bases[g->n_bases++] = r;
		for (j = 0; j < r->n_labels; j++) {
			st_rev *other = st_graph_label(g, r->labels[j]);
			if (other != r || st_graph_get(g, r->labels[j])) {
				st_err_set(err, STRATA_ESCRIPT,
					   other != r ? "branch label '%s' is declared by %s and %s"
						      : "branch label '%s' of %s is also a revision id",
					   r->labels[j], other->id, r->id);
				st_err_at(err, r->path, r->labels_line, 0);
				return STRATA_ESCRIPT;
			}
		}
	}
	return label_branches(err, g);
}

void st_graph_free(st_graph *g)
{
	if (g->has_dir_fd)
		close(g->dir_fd);
	st_arena_free(&g->arena);
	memset(g, 0, sizeof(*g));
}
