/* introspect.h - reading a live database into the schema model, one function per engine.
 * Both sides of a comparison go through the same function, so what the engine normalises
 * (type spellings, default expressions, definitions) reads the same on both. */
#ifndef STRATA_INTROSPECT_H
#define STRATA_INTROSPECT_H

#include "schema.h"

struct sqlite3;
struct pg_conn;

/* skip: NULL-terminated table names to leave out (strata's own tables). */
int st_introspect_sqlite(st_err *err, struct sqlite3 *db, st_schema *out,
			 const char *const *skip);

/* PostgreSQL: the user's schemas (extensions' objects represented by their CREATE EXTENSION);
 * skip names tables in any schema. */
int st_introspect_pg(st_err *err, struct pg_conn *pg, st_schema *out, const char *const *skip);
/* An identifier as PostgreSQL's quote_ident writes it (quoted only when it must be), and a
 * name qualified by its schema unless that is public. */
void st_pg_put_ident(st_buf *b, const char *name);
void st_pg_put_qname(st_buf *b, const char *schema, const char *name);

#endif
