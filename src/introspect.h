/* introspect.h - reading a live database into the schema model, one function per engine.
 * Both sides of a comparison go through the same function, so what the engine normalises
 * (type spellings, default expressions, definitions) reads the same on both. */
#ifndef STRATA_INTROSPECT_H
#define STRATA_INTROSPECT_H

#include "schema.h"

struct sqlite3;

/* skip: NULL-terminated table names to leave out (strata's own tables). */
int st_introspect_sqlite(st_err *err, struct sqlite3 *db, st_schema *out,
			 const char *const *skip);

#endif
