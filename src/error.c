/* error.c - the error object; see error.h. */
#include "error.h"

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
	st_buf b = ST_BUF_INIT;

	st_buf_vprintf(&b, fmt, ap);
	return st_buf_detach(&b);
}

int st_err_set(st_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->code)
		return e && e->code ? e->code : code;
	e->code = code;
	va_start(ap, fmt);
	e->message = vformat(fmt, ap);
	va_end(ap);
	return code;
}

int st_err_oom(st_err *e)
{
	if (e && !e->code) {
		e->code = STRATA_ENOMEM;
		e->message = NULL; /* strata_last_error() supplies the text */
	}
	return STRATA_ENOMEM;
}

void st_err_at(st_err *e, const char *file, int line, int column)
{
	if (!e || e->file || e->line)
		return;
	if (file)
		e->file = strdup(file);
	e->line = line;
	e->column = column;
}

void st_err_detail(st_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->detail)
		return;
	va_start(ap, fmt);
	e->detail = vformat(fmt, ap);
	va_end(ap);
}

void st_err_hint(st_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->hint)
		return;
	va_start(ap, fmt);
	e->hint = vformat(fmt, ap);
	va_end(ap);
}

void st_err_prefix(st_err *e, const char *fmt, ...)
{
	st_buf b = ST_BUF_INIT;
	va_list ap;

	if (!e || !e->code || !e->message)
		return;
	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	st_buf_puts(&b, e->message);
	if (st_buf_oom(&b)) {
		st_buf_free(&b);
		return;
	}
	free(e->message);
	e->message = st_buf_detach(&b);
}

void st_err_clear(st_err *e)
{
	if (!e)
		return;
	free(e->message);
	free(e->detail);
	free(e->hint);
	free(e->file);
	memset(e, 0, sizeof(*e));
}

void st_err_move(st_err *dst, st_err *src)
{
	st_err_clear(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}
