/* buf.c - growable NUL-terminated buffer; see buf.h. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(st_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return -1;
	if (extra > (size_t)-1 - b->len - 1) {
		b->oom = 1;
		return -1;
	}
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void st_buf_add(st_buf *b, const char *s, size_t n)
{
	if (grow(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void st_buf_puts(st_buf *b, const char *s)
{
	st_buf_add(b, s, strlen(s));
}

void st_buf_putc(st_buf *b, char c)
{
	st_buf_add(b, &c, 1);
}

void st_buf_vprintf(st_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (b->oom)
		return;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || grow(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void st_buf_printf(st_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void put_quoted(st_buf *b, const char *s, char q)
{
	const char *p;

	st_buf_putc(b, q);
	for (p = s; *p; p++) {
		if (*p == q)
			st_buf_putc(b, q);
		st_buf_putc(b, *p);
	}
	st_buf_putc(b, q);
}

void st_buf_put_literal(st_buf *b, const char *s)
{
	put_quoted(b, s, '\'');
}

void st_buf_put_ident(st_buf *b, const char *s)
{
	put_quoted(b, s, '"');
}

void st_buf_truncate(st_buf *b, size_t len)
{
	if (b->data && len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

const char *st_buf_str(const st_buf *b)
{
	return b->data ? b->data : "";
}

int st_buf_oom(const st_buf *b)
{
	return b->oom;
}

char *st_buf_detach(st_buf *b)
{
	char *s;

	if (b->oom) {
		st_buf_free(b);
		return NULL;
	}
	s = b->data ? b->data : strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void st_buf_free(st_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
