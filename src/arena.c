/* arena.c - bump allocator; see arena.h. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

struct st_arena_chunk {
	st_arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define CHUNK_SIZE (64 * 1024)

void *st_arena_alloc(st_arena *a, size_t n)
{
	st_arena_chunk *c = a->head;
	size_t align = sizeof(max_align_t), off;
	void *p;

	n = (n + align - 1) / align * align;
	if (!n)
		n = align;
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = size;
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
	off = c->used;
	c->used += n;
	p = (char *)c->data + off;
	memset(p, 0, n);
	return p;
}

char *st_arena_strndup(st_arena *a, const char *s, size_t n)
{
	char *p = st_arena_alloc(a, n + 1);

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
