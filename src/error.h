/* error.h - the error object every layer fills: a code, a message, and where (file, line,
 * column) plus what the database said.  The first failure wins: setting an error on an object
 * that already holds one keeps the first; outer layers add context with st_err_prefix(). */
#ifndef STRATA_ERROR_H
#define STRATA_ERROR_H

#include "strata.h"

typedef struct st_err {
	int code;
	char *message;
	char *detail;
	char *hint;
	char *file;
	char sqlstate[6];
	int db_code;
	int line;
	int column;
} st_err;

/* Set the error (if none is set yet) and return code, so `return st_err_set(...)` reads well. */
int st_err_set(st_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Location of the error; kept if one is already set. */
void st_err_at(st_err *e, const char *file, int line, int column);
void st_err_detail(st_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void st_err_hint(st_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Put context in front of the message: "applying 1975ea83b712: <message>". */
void st_err_prefix(st_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int st_err_oom(st_err *e);
void st_err_clear(st_err *e);
/* Move src into dst (dst cleared first); src is left empty. */
void st_err_move(st_err *dst, st_err *src);

#endif
