/* graph.h - the revision graph: revisions linked by down_revision (parents) and depends_on,
 * validated (unknown ids, duplicates, cycles, labels), sorted topologically, with heads,
 * bases and branch labels.  Every walk is iterative and linear in the size of the graph. */
#ifndef STRATA_GRAPH_H
#define STRATA_GRAPH_H

#include "arena.h"
#include "error.h"
#include "script.h"

#include <stdint.h>

typedef struct st_graph {
	st_arena arena;   /* holds the revisions and everything they point to */
	st_rev **revs;    /* topological order: parents and dependencies first */
	size_t n;
	st_rev **heads;   /* revisions without children, in topological order */
	size_t n_heads;
	st_rev **bases;   /* revisions without parents */
	size_t n_bases;
	st_rev **by_id;   /* sorted by id, for prefix lookups */
	st_rev **hash;    /* open addressing on id */
	size_t hash_cap;
	int dir_fd;       /* the versions folder the files were read from (when has_dir_fd), for
			   * reading bodies later (scriptdir.c); closed by st_graph_free */
	int has_dir_fd;
} st_graph;

/* Build the graph from n parsed revisions (which live in g->arena).  Errors name the files. */
int st_graph_build(st_err *err, st_graph *g, st_rev **revs, size_t n);
void st_graph_free(st_graph *g);

st_rev *st_graph_get(const st_graph *g, const char *id);
/* All revisions whose id starts with prefix: the first in *first, their number returned. */
size_t st_graph_prefix(const st_graph *g, const char *prefix, st_rev ***first);
/* The revision declaring this branch label, or NULL. */
st_rev *st_graph_label(const st_graph *g, const char *label);
/* Whether r carries label (its own or inherited). */
int st_rev_has_branch(const st_rev *r, const char *label);

/* Sets of revisions are byte arrays indexed by st_rev.idx (calloc'd by the caller, g->n long). */
/* Mark r and everything it needs (parents and dependencies, transitively). */
void st_graph_mark_ancestors(const st_graph *g, uint8_t *set, st_rev *const *from, size_t n);
/* Mark r and everything that needs it (children and dependents, transitively). */
void st_graph_mark_descendants(const st_graph *g, uint8_t *set, st_rev *const *from, size_t n);

#endif
