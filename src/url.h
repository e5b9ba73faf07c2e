/* url.h - database URLs: which engine, where, and a printable form with the password hidden. */
#ifndef STRATA_URL_H
#define STRATA_URL_H

#include "error.h"

typedef enum st_url_kind {
	ST_URL_SQLITE = 1,
	ST_URL_POSTGRES = 2
} st_url_kind;

typedef struct st_url {
	st_url_kind kind;
	char *redacted; /* safe to print: the password replaced by *** */
	char *path;     /* SQLite: the file (relative paths resolved against base_dir), ":memory:" */
	char *conninfo; /* PostgreSQL: what libpq receives (URL or keyword/value string) */
} st_url;

/* Parse url.  base_dir resolves relative SQLite paths (NULL: the current directory).
 * `what` names the URL's origin for messages ("--url", "$DATABASE_URL", "strata.ini"). */
int st_url_parse(st_err *err, st_url *out, const char *url, const char *base_dir,
		 const char *what);
/* A copy of url with any password replaced by ***; free() it.  NULL on OOM. */
char *st_url_redact(const char *url);
void st_url_free(st_url *u);

#endif
