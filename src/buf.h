/* buf.h - a growable, always NUL-terminated byte buffer with a sticky out-of-memory flag,
 * so a chain of appends is checked once (st_buf_oom) instead of after every call. */
#ifndef STRATA_BUF_H
#define STRATA_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct st_buf {
	char *data; /* NULL until the first append; use st_buf_str() to read */
	size_t len;
	size_t cap;
	int oom;
} st_buf;

#define ST_BUF_INIT { NULL, 0, 0, 0 }

void st_buf_add(st_buf *b, const char *s, size_t n);
void st_buf_puts(st_buf *b, const char *s);
void st_buf_putc(st_buf *b, char c);
void st_buf_printf(st_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void st_buf_vprintf(st_buf *b, const char *fmt, va_list ap);
/* Append s as an SQL string literal: 'it''s'. */
void st_buf_put_literal(st_buf *b, const char *s);
/* Append s as an SQL identifier: "my ""table""". */
void st_buf_put_ident(st_buf *b, const char *s);
void st_buf_truncate(st_buf *b, size_t len);
const char *st_buf_str(const st_buf *b); /* never NULL */
int st_buf_oom(const st_buf *b);
/* Hand the string to the caller (free with free()); NULL when out of memory.  Resets b. */
char *st_buf_detach(st_buf *b);
void st_buf_free(st_buf *b);

#endif
