/* arena.c - bump allocator; see arena.h. */
#include "arena.h"

#include "util.h"

#include <stdlib.h>
#include <string.h>

struct st_arena_chunk {
	st_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define CHUNK_SIZE (64 * 1024)

/* n bytes at an offset that is a multiple of align (a power of two), not zeroed. */
static void *take(st_arena *a, size_t n, size_t align)
{
	st_arena_chunk *c = a->head;
	size_t off = c ? (c->used + align - 1) & ~(align - 1) : 0;

	if (!c || off > c->size || c->size - off < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		st_prefault(c, sizeof(*c) + size);
		c->size = size;
		off = 0;
		/* A big allocation goes into its own chunk behind the current one, so the
		 * current chunk's free space is not wasted. */
		if (a->head && n > CHUNK_SIZE / 4) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	c->used = off + n;
	return (char *)c->data + off;
}

void *st_arena_alloc(st_arena *a, size_t n)
{
	void *p = take(a, n ? n : 1, sizeof(max_align_t));

	if (p)
		memset(p, 0, n);
	return p;
}

void *st_arena_ptrs(st_arena *a, size_t n)
{
	void *p = take(a, n ? n * sizeof(void *) : 1, sizeof(void *));

	if (p)
		memset(p, 0, n * sizeof(void *));
	return p;
}

char *st_arena_strndup(st_arena *a, const char *s, size_t n)
{
	/* Strings need no alignment: packed back to back. */
	char *p = take(a, n + 1, 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *st_arena_strdup(st_arena *a, const char *s)
{
	return st_arena_strndup(a, s, strlen(s));
}

void st_arena_free(st_arena *a)
{
	st_arena_chunk *c = a->head, *next;

	while (c) {
		next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
