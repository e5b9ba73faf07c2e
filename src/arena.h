/* arena.h - a bump allocator: the script directory and the revision graph live in one arena
 * and are freed in one call.  Allocation failure returns NULL (never aborts the host). */
#ifndef STRATA_ARENA_H
#define STRATA_ARENA_H

#include <stddef.h>

typedef struct st_arena_chunk st_arena_chunk;
typedef struct st_arena {
	st_arena_chunk *head;
} st_arena;

void *st_arena_alloc(st_arena *a, size_t n);  /* zeroed */
/* n pointers, zeroed, aligned for pointers only (packed tighter than st_arena_alloc's). */
void *st_arena_ptrs(st_arena *a, size_t n);
char *st_arena_strdup(st_arena *a, const char *s);
char *st_arena_strndup(st_arena *a, const char *s, size_t n);
void st_arena_free(st_arena *a);

#endif
