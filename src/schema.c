/* schema.c - building and querying the schema model (see schema.h); the dependency order
 * every dialect renders in. */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[ST_OBJ_KIND_COUNT] = {
	[ST_OBJ_SCHEMA] = "schema",     [ST_OBJ_EXTENSION] = "extension",
	[ST_OBJ_TYPE] = "type",         [ST_OBJ_DOMAIN] = "domain",
	[ST_OBJ_SEQUENCE] = "sequence", [ST_OBJ_FUNCTION] = "function",
	[ST_OBJ_TABLE] = "table",       [ST_OBJ_VIEW] = "view",
	[ST_OBJ_MATVIEW] = "materialized view", [ST_OBJ_INDEX] = "index",
	[ST_OBJ_TRIGGER] = "trigger",   [ST_OBJ_RULE] = "rule",
	[ST_OBJ_POLICY] = "policy",
};

const char *st_obj_kind_name(st_obj_kind k)
{
	return k > 0 && k < ST_OBJ_KIND_COUNT ? kind_names[k] : "object";
}

const char *st_schema_strn(st_schema *s, const char *str, size_t n)
{
	return str ? st_arena_strndup(&s->arena, str, n) : NULL;
}

const char *st_schema_str(st_schema *s, const char *str)
{
	return str ? st_arena_strdup(&s->arena, str) : NULL;
}

const char *st_schema_key(st_schema *s, st_obj_kind kind, const char *schema, const char *name)
{
	st_buf b = ST_BUF_INIT;
	const char *k;

	st_buf_printf(&b, "%s %s%s%s", st_obj_kind_name(kind), schema ? schema : "",
		      schema ? "." : "", name);
	k = st_buf_oom(&b) ? NULL : st_schema_str(s, st_buf_str(&b));
	st_buf_free(&b);
	return k;
}

st_object *st_schema_add(st_schema *s, st_obj_kind kind, const char *schema, const char *name)
{
	st_object *o;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		st_object **v = realloc(s->objs, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->objs = v;
		s->cap = cap;
	}
	o = st_arena_alloc(&s->arena, sizeof(*o));
	if (!o)
		return NULL;
	o->kind = kind;
	o->schema = st_schema_str(s, schema);
	o->name = st_schema_str(s, name);
	o->key = st_schema_key(s, kind, schema, name);
	if (!o->name || !o->key || (schema && !o->schema))
		return NULL;
	o->order = (int)s->n;
	s->objs[s->n++] = o;
	return o;
}

/* Arrays grow by copying into the arena (old copies stay there: the arena is freed at once). */
static void *grow(st_schema *s, void *v, size_t n, size_t size)
{
	void *nv;

	if (n & (n - 1) && n) /* room left while n is not a power of two */
		return v;
	nv = st_arena_alloc(&s->arena, size * (n ? n * 2 : 4));
	if (nv && n)
		memcpy(nv, v, size * n);
	return nv;
}

int st_object_add_dep(st_schema *s, st_object *o, const char *key)
{
	size_t i;
	const char **v;

	for (i = 0; i < o->n_deps; i++)
		if (strcmp(o->deps[i], key) == 0)
			return 0;
	if (!(v = grow(s, (void *)o->deps, o->n_deps, sizeof(char *))))
		return STRATA_ENOMEM;
	o->deps = v;
	if (!(o->deps[o->n_deps] = st_schema_str(s, key)))
		return STRATA_ENOMEM;
	o->n_deps++;
	return 0;
}

st_column *st_object_add_column(st_schema *s, st_object *o)
{
	st_column *v = grow(s, o->cols, o->n_cols, sizeof(st_column));

	if (!v)
		return NULL;
	o->cols = v;
	memset(&v[o->n_cols], 0, sizeof(st_column));
	return &v[o->n_cols++];
}

st_constraint *st_object_add_constraint(st_schema *s, st_object *o)
{
	st_constraint *v = grow(s, o->cons, o->n_cons, sizeof(st_constraint));

	if (!v)
		return NULL;
	o->cons = v;
	memset(&v[o->n_cons], 0, sizeof(st_constraint));
	return &v[o->n_cons++];
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp((*(st_object *const *)a)->key, (*(st_object *const *)b)->key);
}

int st_schema_finish(st_schema *s)
{
	if (s->n > 1)
		qsort(s->objs, s->n, sizeof(*s->objs), cmp_key);
	return 0;
}

st_object *st_schema_find(const st_schema *s, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->objs[mid]->key, key);
		if (c == 0)
			return s->objs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void st_schema_free(st_schema *s)
{
	free(s->objs);
	st_strvec_free(&s->unsupported);
	st_arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

static int before(const st_object *x, const st_object *y)
{
	if (x->order != y->order)
		return x->order < y->order;
	return strcmp(x->key, y->key) < 0;
}

/* A binary heap of ready objects, earliest creation order first. */
static void heap_push(st_object **h, size_t *n, st_object *o)
{
	size_t i = (*n)++;

	while (i && before(o, h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = o;
}

static st_object *heap_pop(st_object **h, size_t *n)
{
	st_object *top = h[0], *last = h[--*n];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && before(h[c + 1], h[c]))
			c++;
		if (!before(h[c], last))
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = last;
	return top;
}

static size_t index_of(const st_schema *s, const char *key)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->objs[mid]->key, key);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

/* The first dep of object i that is not done yet (one exists while i waits). */
static size_t waits_for(const st_schema *s, const uint8_t *done, size_t i)
{
	size_t j;

	for (j = 0; j < s->objs[i]->n_deps; j++) {
		size_t d = index_of(s, s->objs[i]->deps[j]);
		if (d != (size_t)-1 && d != i && !done[d])
			return d;
	}
	return i;
}

/* Kahn's algorithm over the deps that exist in s (s must be finished: sorted by key), ready
 * objects taken in the engine's creation order.  What remains on a cycle (possible through
 * foreign keys, which renderers add separately) follows in creation order. */
int st_schema_sorted(st_err *err, const st_schema *s, st_object ***out, size_t *n)
{
	size_t *indeg = calloc(s->n + 1, sizeof(size_t)), *start = calloc(s->n + 2, sizeof(size_t));
	size_t *edges = NULL, n_edges = 0, i, j, m = 0, hn = 0;
	st_object **heap = malloc((s->n + 1) * sizeof(st_object *));
	st_object **res = malloc((s->n + 1) * sizeof(st_object *));
	uint8_t *done = calloc(s->n + 1, 1);
	size_t *seen = calloc(s->n + 1, sizeof(size_t)), stamp = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < s->n; i++)
		n_edges += s->objs[i]->n_deps;
	edges = malloc((n_edges + 1) * sizeof(size_t));
	if (!indeg || !start || !heap || !res || !done || !edges || !seen)
		goto oom;
	/* Edges dep -> dependent, grouped by dep (counting sort). */
	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->objs[i]->n_deps; j++) {
			size_t d = index_of(s, s->objs[i]->deps[j]);
			if (d != (size_t)-1 && d != i) {
				start[d + 1]++;
				indeg[i]++;
			}
		}
	for (i = 0; i < s->n; i++)
		start[i + 1] += start[i];
	{
		size_t *fill = calloc(s->n + 1, sizeof(size_t));
		if (!fill)
			goto oom;
		for (i = 0; i < s->n; i++)
			for (j = 0; j < s->objs[i]->n_deps; j++) {
				size_t d = index_of(s, s->objs[i]->deps[j]);
				if (d != (size_t)-1 && d != i)
					edges[start[d] + fill[d]++] = i;
			}
		free(fill);
	}
	for (i = 0; i < s->n; i++)
		if (!indeg[i])
			heap_push(heap, &hn, s->objs[i]);
	while (m < s->n) {
		st_object *o;
		size_t oi;
		if (!hn) {
			/* A cycle.  Walk from the earliest object still waiting along deps not yet
			 * done: the walk comes back to an object it met, which is on the cycle;
			 * release the cycle's earliest object (not one that merely waits for
			 * it). */
			st_object *first = NULL;
			size_t at = 0, x;
			for (i = 0; i < s->n; i++)
				if (!done[i] && (!first || before(s->objs[i], first)))
					first = s->objs[i], at = i;
			for (stamp++; seen[at] != stamp; at = waits_for(s, done, at))
				seen[at] = stamp;
			first = s->objs[at];
			for (x = waits_for(s, done, at); x != at; x = waits_for(s, done, x))
				if (before(s->objs[x], first))
					first = s->objs[x];
			indeg[index_of(s, first->key)] = 0;
			heap_push(heap, &hn, first);
		}
		o = heap_pop(heap, &hn);
		oi = index_of(s, o->key);
		if (done[oi])
			continue;
		done[oi] = 1;
		res[m++] = o;
		for (j = start[oi]; j < start[oi + 1]; j++)
			if (!done[edges[j]] && indeg[edges[j]] && --indeg[edges[j]] == 0)
				heap_push(heap, &hn, s->objs[edges[j]]);
	}
	free(indeg), free(start), free(edges), free(heap), free(done), free(seen);
	*out = res;
	*n = m;
	return 0;
oom:
	free(indeg), free(start), free(edges), free(heap), free(res), free(done), free(seen);
	return st_err_oom(err);
}
