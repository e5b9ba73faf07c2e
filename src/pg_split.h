/* pg_split.h - PostgreSQL statement boundaries, and which statements PostgreSQL refuses inside a
 * transaction block, both decided by PostgreSQL's own scanner and grammar (libpg_query) rather
 * than by a hand-written lexer: quotes, E'' strings, dollar quoting and nested comments are
 * then handled exactly as the server handles them. */
#ifndef STRATA_PG_SPLIT_H
#define STRATA_PG_SPLIT_H

#include <stddef.h>

/*
 * Split len bytes of sql (need not be NUL-terminated) into statements.  (*starts)[i] and
 * (*lens)[i] are byte offsets into sql: from the statement's first token (leading blanks and
 * comments skipped) to its end, without the ';' and without trailing blanks.  Empty and
 * comments-only statements are dropped.  Free *starts and *lens with free().
 * Returns 0, or a negative strata code: STRATA_ESCRIPT when the text cannot be split (an
 * unterminated quoted string or comment; *errmsg says which, free() it), STRATA_ENOMEM
 * (*errmsg NULL).  Text the grammar of this libpg_query does not know (newer server syntax) is
 * still split, by the scanner alone.
 */
int st_pg_split(const char *sql, size_t len, size_t **starts, size_t **lens, size_t *n,
		char **errmsg);
/* As st_pg_split(); on failure *err_offset is the byte offset in sql where the text cannot be
 * split, or (size_t)-1 when unknown. */
int st_pg_split_at(const char *sql, size_t len, size_t **starts, size_t **lens, size_t *n,
		   char **errmsg, size_t *err_offset);

/*
 * 1 when PostgreSQL refuses stmt (NUL-terminated, one or more statements) inside a transaction
 * block: CREATE/DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY, REINDEX DATABASE/SYSTEM,
 * VACUUM, CREATE/DROP DATABASE, ALTER DATABASE ... SET TABLESPACE, ALTER SYSTEM,
 * CREATE/DROP TABLESPACE, ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY, CLUSTER without a
 * table.  0 otherwise, and when the grammar of this libpg_query cannot parse stmt.
 */
int st_pg_needs_no_transaction(const char *stmt);

/* 1 when stmt would end or nest the transaction strata runs a migration in: BEGIN, START
 * TRANSACTION, COMMIT, END, ROLLBACK (not ROLLBACK TO a savepoint), PREPARE TRANSACTION. */
int st_pg_ends_transaction(const char *stmt);

/* Both answers from one parse: ST_PG_NO_TRANSACTION | ST_PG_ENDS_TRANSACTION. */
#define ST_PG_NO_TRANSACTION 1
#define ST_PG_ENDS_TRANSACTION 2
int st_pg_classify(const char *stmt);

#endif
