/* target.c - target expressions, as Alembic spells them:
 *   head, heads, base, <id>, <unique id prefix>, <label>, +N, -N, <rev>+N, <rev>-N,
 *   <label|rev>@head, <label>@base, <label|rev>@+N, <label|rev>@-N
 * Forms that need the database (+N, -N, x@+N) stay relative; the planner finishes them. */
#include "strata_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int set_revs(strata *s, st_target *t, st_rev *const *revs, size_t n)
{
	t->kind = ST_T_REVS;
	t->revs = calloc(n ? n : 1, sizeof(st_rev *));
	if (!t->revs)
		return st_err_oom(&s->err);
	if (n)
		memcpy(t->revs, revs, n * sizeof(st_rev *));
	t->n = n;
	return 0;
}

static int parse_count(const char *p, long *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtol(p, &end, 10);
	if (*end || errno || v < 0 || v > 1000000000L)
		return -1;
	*out = v;
	return 0;
}

/* An id, a unique prefix, or a label.  Sets *out, or fails naming the candidates. */
static int lookup_rev(strata *s, const char *name, const char *expr, st_rev **out)
{
	st_rev **cands, *r;
	size_t n, i;
	st_buf b = ST_BUF_INIT;

	if ((r = st_graph_get(&s->graph, name)) || (r = st_graph_label(&s->graph, name))) {
		*out = r;
		return 0;
	}
	n = *name ? st_graph_prefix(&s->graph, name, &cands) : 0;
	if (n == 1) {
		*out = cands[0];
		return 0;
	}
	if (n == 0) {
		st_fail(s, STRATA_ETARGET, "unknown revision '%s'%s%s%s", name,
			strcmp(name, expr) ? " in '" : "", strcmp(name, expr) ? expr : "",
			strcmp(name, expr) ? "'" : "");
		st_err_hint(&s->err, "a target is head, heads, base, a revision id or a unique prefix "
				     "of one, a branch label, +N/-N, REV+N, or label@head; "
				     "`strata history` lists the revisions");
		return STRATA_ETARGET;
	}
	for (i = 0; i < n && i < 10; i++)
		st_buf_printf(&b, "%s%s", i ? ", " : "", cands[i]->id);
	if (n > 10)
		st_buf_printf(&b, " and %zu more", n - 10);
	st_fail(s, STRATA_ETARGET, "ambiguous revision prefix '%s' matches %zu revisions: %s", name, n,
		st_buf_str(&b));
	st_err_hint(&s->err, "give more characters of the id");
	st_buf_free(&b);
	return STRATA_ETARGET;
}

static int several_heads(strata *s, st_rev *const *heads, size_t n, const char *what)
{
	st_buf b = ST_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		st_buf_printf(&b, "%s%s", i ? ", " : "", heads[i]->id);
		if (*heads[i]->branch_names)
			st_buf_printf(&b, " (%s)", heads[i]->branch_names);
	}
	st_fail(s, STRATA_ETARGET, "%s has %zu heads: %s", what, n, st_buf_str(&b));
	st_err_hint(&s->err, "use `heads` for all of them, `<label>@head` or a revision id for one, "
			     "or `strata merge heads` to join them");
	st_buf_free(&b);
	return STRATA_ETARGET;
}

/* Heads that descend from r (r itself when it is one). */
static int heads_of(strata *s, st_rev *r, const char *label, st_rev ***out, size_t *n)
{
	uint8_t *set = NULL;
	size_t i;

	*out = calloc(s->graph.n_heads + 1, sizeof(st_rev *));
	*n = 0;
	if (!*out)
		return st_err_oom(&s->err);
	if (!label) {
		set = calloc(s->graph.n ? s->graph.n : 1, 1);
		if (!set)
			return st_err_oom(&s->err);
		st_graph_mark_descendants(&s->graph, set, &r, 1);
	}
	for (i = 0; i < s->graph.n_heads; i++) {
		st_rev *h = s->graph.heads[i];
		if (label ? st_rev_has_branch(h, label) : set[h->idx])
			(*out)[(*n)++] = h;
	}
	free(set);
	return 0;
}

/* Walk n steps from r along children (dir > 0) or parents (dir < 0); each step must be
 * unambiguous. */
static int walk(strata *s, st_rev *r, long n, int dir, const char *expr, st_rev **out, int *to_base)
{
	long i;

	*to_base = 0;
	for (i = 0; i < n; i++) {
		size_t count = dir > 0 ? r->n_children : r->n_down_ids;
		if (count == 0) {
			if (dir < 0 && i == n - 1) {
				*to_base = 1; /* just below r: r's branch is undone */
				*out = r;
				return 0;
			}
			st_fail(s, STRATA_ETARGET, "'%s' goes %s: %s has no %s", expr,
				dir > 0 ? "past a head" : "below base", r->id,
				dir > 0 ? "children" : "parent");
			return STRATA_ETARGET;
		}
		if (count > 1) {
			st_fail(s, STRATA_ETARGET, "'%s' is ambiguous: %s is a %s", expr, r->id,
				dir > 0 ? "branch point" : "merge of several revisions");
			st_err_hint(&s->err, "name the revision you mean by its id");
			return STRATA_ETARGET;
		}
		r = dir > 0 ? r->children[0] : r->parents[0];
	}
	*out = r;
	return 0;
}

int st_target_parse(strata *s, st_target *t, const char *expr)
{
	const char *at;
	st_rev *r;
	long n;
	int rc;

	memset(t, 0, sizeof(*t));
	t->text = strdup(expr);
	if (!t->text)
		return st_err_oom(&s->err);
	if (!*expr)
		return st_fail(s, STRATA_ETARGET, "empty target");
	if (strcmp(expr, "base") == 0) {
		t->kind = ST_T_BASE;
		return 0;
	}
	if (strcmp(expr, "heads") == 0)
		return set_revs(s, t, s->graph.heads, s->graph.n_heads);
	if (strcmp(expr, "head") == 0) {
		if (s->graph.n_heads > 1)
			return several_heads(s, s->graph.heads, s->graph.n_heads, "the revision graph");
		return set_revs(s, t, s->graph.heads, s->graph.n_heads);
	}
	if ((expr[0] == '+' || expr[0] == '-') && parse_count(expr + 1, &n) == 0) {
		t->kind = ST_T_RELATIVE;
		t->delta = expr[0] == '+' ? n : -n;
		return 0;
	}
	at = strchr(expr, '@');
	if (at) {
		char *name = strndup(expr, (size_t)(at - expr));
		const char *rest = at + 1;
		int is_label;

		if (!name)
			return st_err_oom(&s->err);
		is_label = st_graph_label(&s->graph, name) != NULL;
		rc = lookup_rev(s, name, expr, &r);
		free(name);
		if (rc)
			return rc;
		if (is_label)
			t->label = r->labels[0];
		for (size_t i = 0; is_label && i < r->n_labels; i++)
			if (strncmp(r->labels[i], expr, (size_t)(at - expr)) == 0 &&
			    r->labels[i][at - expr] == '\0')
				t->label = r->labels[i];
		if (strcmp(rest, "head") == 0) {
			st_rev **heads;
			size_t nh;
			if ((rc = heads_of(s, r, t->label, &heads, &nh)))
				return rc;
			if (nh != 1) {
				rc = nh ? several_heads(s, heads, nh, expr)
					: st_fail(s, STRATA_ETARGET, "'%s' has no head", expr);
				free(heads);
				return rc;
			}
			t->kind = ST_T_REVS;
			t->revs = heads;
			t->n = 1;
			return 0;
		}
		if (strcmp(rest, "base") == 0) {
			if (!t->label)
				return st_fail(s, STRATA_ETARGET,
					       "'%s': @base needs a branch label before the @", expr);
			t->kind = ST_T_BASE;
			return 0;
		}
		if ((rest[0] == '+' || rest[0] == '-') && parse_count(rest + 1, &n) == 0) {
			t->kind = ST_T_RELATIVE;
			t->delta = rest[0] == '+' ? n : -n;
			if (!t->label)
				t->anchor = r;
			return 0;
		}
		return st_fail(s, STRATA_ETARGET,
			       "invalid target '%s': after @ comes head, base, +N or -N", expr);
	}
	/* A revision, possibly with +N / -N.  Ids may contain '-', so an exact match wins. */
	if (st_graph_get(&s->graph, expr) || st_graph_label(&s->graph, expr)) {
		rc = lookup_rev(s, expr, expr, &r);
		return rc ? rc : set_revs(s, t, &r, 1);
	}
	{
		const char *op = expr + strlen(expr);
		while (op > expr && isdigit((unsigned char)op[-1]))
			op--;
		if (op > expr + 1 && op[0] && (op[-1] == '+' || op[-1] == '-')) {
			char *name = strndup(expr, (size_t)(op - 1 - expr));
			int dir = op[-1] == '+' ? 1 : -1, to_base = 0;
			st_rev *dest = NULL;
			if (!name)
				return st_err_oom(&s->err);
			parse_count(op, &n);
			if (strcmp(name, "head") == 0) {
				if (s->graph.n_heads != 1) {
					free(name);
					return s->graph.n_heads ? several_heads(s, s->graph.heads,
										s->graph.n_heads, expr)
								: st_fail(s, STRATA_ETARGET,
									  "'%s': there are no revisions", expr);
				}
				r = s->graph.heads[0];
				rc = 0;
			} else {
				rc = lookup_rev(s, name, expr, &r);
			}
			free(name);
			if (rc)
				return rc;
			if ((rc = walk(s, r, n, dir, expr, &dest, &to_base)))
				return rc;
			if (to_base) {
				t->kind = ST_T_BASE;
				t->anchor = dest;
				return 0;
			}
			return set_revs(s, t, &dest, 1);
		}
	}
	rc = lookup_rev(s, expr, expr, &r);
	return rc ? rc : set_revs(s, t, &r, 1);
}

void st_target_free(st_target *t)
{
	free(t->revs);
	free(t->text);
	memset(t, 0, sizeof(*t));
}
