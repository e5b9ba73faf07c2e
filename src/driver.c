/* driver.c - choosing a driver, and helpers every driver uses. */
#include "driver.h"

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
