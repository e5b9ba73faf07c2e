/* driver.h - what every database engine provides, behind one versioned table of functions
 * (in the manner of sqlite3_vfs).  The runner speaks to engines only through this table;
 * a driver knows nothing about revisions, only how to run SQL and report errors precisely. */
#ifndef STRATA_DRIVER_H
#define STRATA_DRIVER_H

#include "buf.h"
#include "error.h"
#include "url.h"
#include "util.h"

#define ST_DRIVER_VERSION 1

/* Capabilities. */
#define ST_CAP_TRANSACTIONAL_DDL 0x1 /* DDL rolls back with the transaction */
#define ST_CAP_ADVISORY_LOCK 0x2     /* lock() holds a lock for the whole session */
#define ST_CAP_OFFLINE 0x4           /* prints SQL instead of running it */

typedef struct st_conn st_conn; /* each driver defines its own */
struct st_schema;
struct st_dialect;

typedef struct st_connect_opts {
	long lock_timeout_ms;  /* how long to wait for locks (SQLite: busy timeout) */
	int readonly;          /* do not create anything (SQLite: do not create the file) */
	struct sqlite3 *sqlite_handle; /* the application's own connection, or NULL */
	void (*sql_fn)(void *ctx, const char *sql); /* offline output */
	void *sql_ctx;
	int offline_dialect;   /* offline: ST_URL_SQLITE or ST_URL_POSTGRES */
	long statement_timeout_ms; /* cancel a statement after this long; 0: the engine's default,
				    * -1: no limit */
	long pg_lock_timeout_ms;   /* PostgreSQL's lock_timeout for the session; same values */
	/* Where the database's warnings go (PostgreSQL WARNINGs), or NULL. */
	void (*log_fn)(void *ctx, int level, const char *msg);
	void *log_ctx;
	/* scratch_open on PostgreSQL: shadow_url from strata.ini (as written), or NULL. */
	const char *shadow_url;
} st_connect_opts;

/* Where a script's text came from, for error positions. */
typedef struct st_srcpos {
	const char *file;
	int line; /* line of the file where the text starts */
} st_srcpos;

/* One of strata's own statements: SQL with $1..$n placeholders and their values as text (NULL
 * is SQL NULL).  A kind of statement always has the same text, so a driver may prepare it once
 * per connection and reuse it. */
#define ST_STMT_MAX_PARAMS 8
typedef struct st_stmt {
	const char *sql;
	int n;
	const char *params[ST_STMT_MAX_PARAMS];
} st_stmt;

typedef struct st_driver {
	int version;        /* ST_DRIVER_VERSION */
	const char *name;   /* "sqlite", "postgresql", "offline" */
	unsigned caps;
	/* Types for strata's own tables. */
	const char *history_id_ddl;   /* auto-numbered primary key column type */
	const char *timestamp_type;

	int (*connect)(st_err *err, st_conn **out, const st_url *url, const st_connect_opts *o);
	void (*close)(st_conn *c);
	/* Run a script section (many statements).  Errors carry the file, line and column of the
	 * failing statement and the database's message. */
	int (*exec_script)(st_err *err, st_conn *c, const char *sql, size_t len,
			   const st_srcpos *pos);
	/* Run one of strata's own statements. */
	int (*exec)(st_err *err, st_conn *c, const char *sql);
	/* Run n of strata's own statements in order, then COMMIT when commit is set, in as few
	 * round trips as the engine allows (PostgreSQL: one pipeline); stop at the first failure.
	 * After a failure the transaction may be open or already ended: rollback() either way. */
	int (*exec_batch)(st_err *err, st_conn *c, const st_stmt *v, size_t n, int commit);
	/* Append the first column of every row of a query to out. */
	int (*query_column)(st_err *err, st_conn *c, const char *sql, st_strvec *out);
	/* Begin a transaction that holds the write lock from its start (SQLite: IMMEDIATE). */
	int (*begin)(st_err *err, st_conn *c);
	int (*commit)(st_err *err, st_conn *c);
	int (*rollback)(st_err *err, st_conn *c);
	/* Whether schema.table exists (schema NULL: the default). */
	int (*table_exists)(st_err *err, st_conn *c, const char *schema, const char *table,
			    int *exists);
	/* Session lock for the whole run (engines with ST_CAP_ADVISORY_LOCK). */
	int (*lock)(st_err *err, st_conn *c, const char *key, long timeout_ms,
		    volatile int *interrupted);
	int (*unlock)(st_err *err, st_conn *c, const char *key);
	/* Cancel what runs now.  Must be async-signal-safe. */
	void (*interrupt)(st_conn *c);
	/* Append every row of a query to out, row after row, ncols values each (NULL as ""). */
	int (*query)(st_err *err, st_conn *c, const char *sql, int ncols, st_strvec *out);
	/* Before anything runs: refuse a section that cannot work as marked (a statement the
	 * engine will not run inside a transaction, or one that would end strata's transaction).
	 * Needs no connection.  May be NULL. */
	int (*check_script)(st_err *err, const char *sql, size_t len, const st_srcpos *pos,
			    int transactional);

	/* Autogenerate.  Read the schema (every object but the tables named in skip, a
	 * NULL-terminated list) into out. */
	int (*introspect)(st_err *err, st_conn *c, struct st_schema *out, const char *const *skip);
	/* An empty scratch database of the same engine, for reading the desired schema into:
	 * *out is its connection, *name what scratch_drop needs to remove it afterwards. */
	int (*scratch_open)(st_err *err, st_conn *c, const st_url *url, const st_connect_opts *o,
			    st_conn **out, char **name);
	void (*scratch_drop)(st_conn *c, const char *name);
	/* How to write SQL for schema changes on this engine. */
	const struct st_dialect *dialect;
} st_driver;

extern const st_driver st_driver_sqlite;
extern const st_driver st_driver_offline;
#ifdef STRATA_WITH_PG
extern const st_driver st_driver_pg;
#endif

/* The driver for a URL kind, or NULL when this build lacks it. */
const st_driver *st_driver_for(st_url_kind kind);

/* For check_script: refuse the statement at byte off (n bytes) of a section, because it
 * cannot run inside a transaction (ends_transaction 0) or would end strata's (1).  Sets err
 * with the statement, its file:line:col and what to do; returns STRATA_ESCRIPT. */
int st_refuse_statement(st_err *err, const char *sql, size_t off, size_t n,
			const st_srcpos *pos, int ends_transaction);

/* Turn a byte offset in a script into line and column, counting from pos->line. */
void st_offset_to_linecol(const char *sql, size_t offset, int first_line, int *line, int *col);

#endif
