/* plan.c - the planner: from the current state (the applied set, s->applied) and a target,
 * the ordered steps to run.  Upgrades run in topological order (parents first), downgrades
 * in reverse (children first).  Every plan is linear in the size of the graph. */
#include "strata_int.h"

#include <stdlib.h>
#include <string.h>

static int plan_new(strata *s, strata_plan **out, size_t cap)
{
	strata_plan *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->steps = calloc(cap ? cap : 1, sizeof(st_step)))) {
		free(p);
		return st_err_oom(&s->err);
	}
	*out = p;
	return 0;
}

static uint8_t *new_set(strata *s)
{
	uint8_t *set = calloc(s->graph.n ? s->graph.n : 1, 1);

	if (!set)
		st_err_oom(&s->err);
	return set;
}

size_t st_top_revs(const strata *s, const uint8_t *applied, st_rev **out)
{
	size_t i, j, n = 0;

	for (i = 0; i < s->graph.n; i++) {
		st_rev *r = s->graph.revs[i];
		int top = 1;
		if (!applied[i])
			continue;
		for (j = 0; j < r->n_children && top; j++)
			top = !applied[r->children[j]->idx];
		for (j = 0; j < r->n_dependents && top; j++)
			top = !applied[r->dependents[j]->idx];
		if (top)
			out[n++] = r;
	}
	return n;
}

static size_t current_rows(strata *s, st_rev **out)
{
	return st_top_revs(s, s->applied, out);
}

static int list_error(strata *s, int code, const char *what, st_rev **revs, size_t n,
		      const char *hint)
{
	st_buf b = ST_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		st_buf_printf(&b, "%s%s", i ? ", " : "", revs[i]->id);
	st_fail(s, code, "%s: %s", what, st_buf_str(&b));
	if (hint)
		st_err_hint(&s->err, "%s", hint);
	st_buf_free(&b);
	return code;
}

int st_plan_up(strata *s, strata_plan **out, const st_target *t)
{
	st_graph *g = &s->graph;
	uint8_t *want = NULL;
	st_rev **dest = NULL;
	size_t i, nd = 0, limit = (size_t)-1;
	int rc = 0;

	*out = NULL;
	if (t->kind == ST_T_BASE)
		return plan_new(s, out, 0);
	if (!(want = new_set(s)))
		return STRATA_ENOMEM;
	if (t->kind == ST_T_REVS) {
		st_graph_mark_ancestors(g, want, t->revs, t->n);
	} else {
		/* +N: toward the one head this branch leads to. */
		uint8_t *reach = NULL;
		if (t->delta < 0) {
			free(want);
			st_fail(s, STRATA_ETARGET, "upgrade cannot go to '%s'", t->text);
			st_err_hint(&s->err, "use downgrade for a step back");
			return STRATA_ETARGET;
		}
		dest = calloc(g->n_heads + 1, sizeof(st_rev *));
		st_rev **rows = calloc(g->n + 1, sizeof(st_rev *));
		reach = new_set(s);
		if (!dest || !rows || !reach) {
			free(dest), free(rows), free(reach), free(want);
			return st_err_oom(&s->err);
		}
		if (t->anchor) {
			st_graph_mark_descendants(g, reach, &t->anchor, 1);
		} else if (t->label) {
			/* The label's own heads, wherever the database is on other branches. */
			memset(reach, 1, g->n);
		} else {
			size_t nr = current_rows(s, rows);
			if (nr)
				st_graph_mark_descendants(g, reach, rows, nr);
			else
				memset(reach, 1, g->n);
		}
		for (i = 0; i < g->n_heads; i++) {
			st_rev *h = g->heads[i];
			if (!reach[h->idx] || s->applied[h->idx])
				continue;
			if (t->label && !st_rev_has_branch(h, t->label))
				continue;
			dest[nd++] = h;
		}
		free(rows);
		free(reach);
		if (nd > 1) {
			rc = list_error(s, STRATA_ETARGET, "'+N' is ambiguous: several heads lie ahead",
					dest, nd,
					"name a branch (label@+N, REV+N) or a revision to upgrade to");
		} else if (nd == 0 && t->delta > 0) {
			rc = st_fail(s, STRATA_ETARGET, "cannot upgrade '%s': already at the head",
				     t->text);
		}
		if (rc) {
			free(dest);
			free(want);
			return rc;
		}
		st_graph_mark_ancestors(g, want, dest, nd);
		limit = (size_t)t->delta;
		free(dest);
	}
	for (i = 0, nd = 0; i < g->n; i++)
		if (want[i] && !s->applied[i])
			nd++;
	if (limit != (size_t)-1 && nd < limit) {
		free(want);
		return st_fail(s, STRATA_ETARGET, "cannot upgrade '%s': only %zu revision%s to apply",
			       t->text, nd, nd == 1 ? "" : "s");
	}
	if ((rc = plan_new(s, out, nd < limit ? nd : limit))) {
		free(want);
		return rc;
	}
	for (i = 0; i < g->n && (*out)->n < limit; i++)
		if (want[i] && !s->applied[i]) {
			(*out)->steps[(*out)->n].rev = g->revs[i];
			(*out)->steps[(*out)->n++].dir = STRATA_UP;
		}
	free(want);
	return 0;
}

int st_plan_down(strata *s, strata_plan **out, const st_target *t)
{
	st_graph *g = &s->graph;
	uint8_t *drop = NULL;
	size_t i, n = 0, limit = (size_t)-1;
	int rc;

	*out = NULL;
	if (!(drop = new_set(s)))
		return STRATA_ENOMEM;
	if (t->kind == ST_T_REVS) {
		for (i = 0; i < t->n; i++)
			if (!s->applied[t->revs[i]->idx]) {
				free(drop);
				st_fail(s, STRATA_ETARGET,
					"cannot downgrade to %s: it is not applied (the database is "
					"below it)",
					t->revs[i]->id);
				st_err_hint(&s->err, "use upgrade to go forward; `strata current` shows "
						     "where the database is");
				return STRATA_ETARGET;
			}
		st_graph_mark_descendants(g, drop, t->revs, t->n);
		for (i = 0; i < t->n; i++)
			drop[t->revs[i]->idx] = 0;
	} else if (t->kind == ST_T_BASE) {
		if (t->anchor) {
			st_graph_mark_descendants(g, drop, &t->anchor, 1);
		} else if (t->label) {
			st_rev **in = calloc(g->n + 1, sizeof(st_rev *));
			size_t k = 0;
			if (!in) {
				free(drop);
				return st_err_oom(&s->err);
			}
			for (i = 0; i < g->n; i++)
				if (st_rev_has_branch(g->revs[i], t->label))
					in[k++] = g->revs[i];
			st_graph_mark_descendants(g, drop, in, k);
			free(in);
		} else {
			memset(drop, 1, g->n);
		}
	} else {
		/* -N: N steps back from the one current head of the branch. */
		st_rev **rows = calloc(g->n + 1, sizeof(st_rev *)), *row = NULL;
		uint8_t *mine = new_set(s), *others = new_set(s);
		size_t nr, k = 0;
		if (!rows || !mine || !others) {
			free(rows), free(mine), free(others), free(drop);
			return st_err_oom(&s->err);
		}
		if (t->delta > 0) {
			free(rows), free(mine), free(others), free(drop);
			st_fail(s, STRATA_ETARGET, "downgrade cannot go to '%s'", t->text);
			st_err_hint(&s->err, "use upgrade to go forward, downgrade -N to go back");
			return STRATA_ETARGET;
		}
		nr = current_rows(s, rows);
		for (i = 0; i < nr; i++) {
			int in_branch = 1;
			if (t->label)
				in_branch = st_rev_has_branch(rows[i], t->label);
			if (t->anchor) {
				uint8_t *tmp = new_set(s);
				if (!tmp)
					break;
				st_graph_mark_descendants(g, tmp, &t->anchor, 1);
				in_branch = tmp[rows[i]->idx];
				free(tmp);
			}
			if (!in_branch)
				continue;
			if (row) {
				free(mine), free(others), free(drop);
				rc = list_error(s, STRATA_ETARGET,
						"'-N' is ambiguous: the database has several heads", rows,
						nr, "downgrade one branch with label@-N, or give a revision");
				free(rows);
				return rc;
			}
			row = rows[i];
		}
		if (!row && -t->delta > 0) {
			free(rows), free(mine), free(others), free(drop);
			st_fail(s, STRATA_ETARGET, "cannot downgrade '%s': nothing is applied%s",
				t->text, (t->label || t->anchor) ? " on that branch" : "");
			st_err_hint(&s->err, "the database is at base");
			return STRATA_ETARGET;
		}
		if (row) {
			st_graph_mark_ancestors(g, mine, &row, 1);
			for (i = 0; i < nr; i++)
				if (rows[i] != row)
					st_graph_mark_ancestors(g, others, &rows[i], 1);
			for (i = 0; i < g->n; i++)
				if (mine[i] && !others[i] && s->applied[i])
					k++;
		}
		limit = (size_t)-t->delta;
		if (k < limit) {
			free(rows), free(mine), free(others), free(drop);
			st_fail(s, STRATA_ETARGET,
				"cannot downgrade '%s': only %zu revision%s applied%s, it would go "
				"below base",
				t->text, k, k == 1 ? " is" : "s are",
				(t->label || t->anchor || nr > 1) ? " on that branch" : "");
			return STRATA_ETARGET;
		}
		for (i = 0; i < g->n; i++)
			drop[i] = mine[i] && !others[i];
		free(rows), free(mine), free(others);
	}
	for (i = 0; i < g->n; i++)
		if (drop[i] && s->applied[i])
			n++;
	if ((rc = plan_new(s, out, n < limit ? n : limit))) {
		free(drop);
		return rc;
	}
	for (i = g->n; i-- > 0 && (*out)->n < limit;)
		if (drop[i] && s->applied[i]) {
			(*out)->steps[(*out)->n].rev = g->revs[i];
			(*out)->steps[(*out)->n++].dir = STRATA_DOWN;
		}
	free(drop);
	return 0;
}
