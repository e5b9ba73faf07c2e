/* driver.c - choosing a driver, and helpers every driver uses. */
#include "driver.h"

#include <string.h>

const st_driver *st_driver_for(st_url_kind kind)
{
	switch (kind) {
	case ST_URL_SQLITE:
		return &st_driver_sqlite;
	case ST_URL_POSTGRES:
#ifdef STRATA_WITH_PG
		return &st_driver_pg;
#else
		return NULL;
#endif
	}
	return NULL;
}

void st_offset_to_linecol(const char *sql, size_t offset, int first_line, int *line, int *col)
{
	size_t i;
	int l = first_line, c = 1;

	for (i = 0; i < offset && sql[i]; i++) {
		if (sql[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

int st_refuse_statement(st_err *err, const char *sql, size_t off, size_t n,
			const st_srcpos *pos, int ends_transaction)
{
	const char *stmt = sql + off;
	size_t w = strcspn(stmt, "\n");
	int line, col;

	if (w > n)
		w = n;
	st_err_set(err, STRATA_ESCRIPT, "'%.*s%s' %s", (int)(w > 60 ? 60 : w), stmt,
		   w > 60 ? "..." : "",
		   ends_transaction ? "would end the transaction strata runs this migration in"
				    : "cannot run inside a transaction block");
	st_offset_to_linecol(sql, off, pos->line, &line, &col);
	st_err_at(err, pos->file, line, col);
	st_err_hint(err, "%s", ends_transaction
				       ? "remove it: strata commits each migration with its version row; "
					 "for statements that must run outside a transaction, mark the "
					 "section transaction:false"
				       : "mark the section `-- migrate:up transaction:false` (or "
					 "`-- migrate:down transaction:false`), and keep it to statements "
					 "that are safe to run again");
	return STRATA_ESCRIPT;
}
