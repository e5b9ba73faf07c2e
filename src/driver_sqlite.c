/* driver_sqlite.c - the SQLite engine: statements run one at a time through
 * sqlite3_prepare_v2's tail pointer, so an error points at its statement, and
 * sqlite3_error_offset points inside it.  Transactions start IMMEDIATE, taking the write lock
 * up front, so concurrent runners queue on the busy timeout instead of failing half-way. */
#include "driver.h"
#include "introspect.h"

#include <limits.h>
#include <sqlite3.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct st_conn {
	sqlite3 *db;      /* NULL when opened read-only on a file that does not exist */
	int owned;        /* strata opened it, strata closes it */
	int fk_restore;   /* foreign keys were on: turned off for a migration, on again after */
	char *path;
	long timeout_ms;
	long stmt_timeout_ms; /* statement_timeout, 0 when none */
	double deadline;      /* when the running statement times out, 0 when none */
	int timed_out;
	/* strata's own statements, prepared once (exec_batch): the text and its statement */
	struct {
		char *sql;
		sqlite3_stmt *st;
	} own[8];
};

/* The progress handler enforces statement_timeout: SQLite then stops the statement as if
 * interrupted, and db_error() tells the two apart. */
static int on_progress(void *arg)
{
	st_conn *c = arg;

	if (c->deadline > 0 && st_now_ms() > c->deadline) {
		c->timed_out = 1;
		return 1;
	}
	return 0;
}

static int db_error(st_err *err, st_conn *c, int rc, const char *what)
{
	int ext = c->db ? sqlite3_extended_errcode(c->db) : rc;
	const char *msg = c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
	int code = STRATA_EDB;
	/* SQLite says only "disk I/O error" when write() hits the file-size limit (EFBIG). */
	int efbig = (rc & 0xff) == SQLITE_IOERR && c->db && sqlite3_system_errno(c->db) == EFBIG;
	const char *why = efbig ? " (file size limit exceeded)" : "";

	if ((rc & 0xff) == SQLITE_INTERRUPT && c->timed_out) {
		c->timed_out = 0;
		st_err_set(err, STRATA_EDB, "statement timeout: the statement ran longer than %ld ms",
			   c->stmt_timeout_ms);
		st_err_hint(err, "raise statement_timeout in strata.ini if the statement needs longer");
		err->db_code = ext;
		return STRATA_EDB;
	}
	if ((rc & 0xff) == SQLITE_INTERRUPT)
		code = STRATA_EINTR;
	else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		code = STRATA_ELOCK;
	if (what)
		st_err_set(err, code, "%s: %s%s", what, msg, why);
	else
		st_err_set(err, code, "%s%s", msg, why);
	err->db_code = ext;
	if (code == STRATA_ELOCK && c->timeout_ms >= 0)
		st_err_hint(err, "another process held the database's write lock for more than %ld ms; "
				 "raise lock_timeout or try again",
			    c->timeout_ms);
	if ((rc & 0xff) == SQLITE_FULL || efbig)
		st_err_hint(err, "free disk space (or raise the file size limit) and run again; the "
				 "failed migration was rolled back");
	if ((rc & 0xff) == SQLITE_READONLY)
		st_err_hint(err, "the database file or its folder is not writable by this user");
	return code;
}

static int sq_connect(st_err *err, st_conn **out, const st_url *url, const st_connect_opts *o)
{
	st_conn *c = calloc(1, sizeof(*c));
	int rc, flags;

	*out = NULL;
	if (!c)
		return st_err_oom(err);
	c->timeout_ms = o->lock_timeout_ms;
	if (o->sqlite_handle) {
		c->db = o->sqlite_handle;
		c->owned = 0;
	} else {
		c->path = strdup(url->path);
		if (!c->path) {
			free(c);
			return st_err_oom(err);
		}
		if (o->readonly && strcmp(url->path, ":memory:") != 0 && !st_path_exists(url->path)) {
			/* Nothing to read; and reading must not create the file. */
			*out = c;
			return 0;
		}
		flags = (o->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
		rc = sqlite3_open_v2(url->path, &c->db, flags, NULL);
		c->owned = 1;
		if (rc != SQLITE_OK) {
			const char *msg = c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
			char *dir = st_path_dirname(url->path);
			st_err_set(err, STRATA_EDB, "cannot open SQLite database %s: %s", url->path, msg);
			if (dir && !st_is_dir(dir))
				st_err_hint(err, "the folder %s does not exist", dir);
			else
				st_err_hint(err, "check that the folder is writable by this user");
			free(dir);
			sqlite3_close(c->db);
			free(c->path);
			free(c);
			return STRATA_EDB;
		}
	}
	sqlite3_extended_result_codes(c->db, 1);
	if (o->statement_timeout_ms > 0) {
		c->stmt_timeout_ms = o->statement_timeout_ms;
		sqlite3_progress_handler(c->db, 1000, on_progress, c);
	}
	sqlite3_busy_timeout(c->db, c->timeout_ms < 0 ? INT_MAX
				    : c->timeout_ms > INT_MAX ? INT_MAX : (int)c->timeout_ms);
	*out = c;
	return 0;
}

static void sq_close(st_conn *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < sizeof(c->own) / sizeof(c->own[0]); i++) {
		sqlite3_finalize(c->own[i].st);
		free(c->own[i].sql);
	}
	if (c->owned)
		sqlite3_close_v2(c->db);
	else if (c->stmt_timeout_ms)
		sqlite3_progress_handler(c->db, 0, NULL, NULL); /* the application's handle */
	free(c->path);
	free(c);
}

/* Skip whitespace and comments, so an error points at the statement's first token. */
static const char *skip_space(const char *p, const char *end)
{
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f'))
			p++;
		if (p + 1 < end && p[0] == '-' && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			const char *e = p + 2;
			while (e + 1 < end && !(e[0] == '*' && e[1] == '/'))
				e++;
			p = e + 1 < end ? e + 2 : end;
		} else {
			return p;
		}
	}
}

static int sq_exec_script(st_err *err, st_conn *c, const char *sql, size_t len,
			  const st_srcpos *pos)
{
	const char *p = sql, *end = sql + len;

	while (p < end) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL, *start = skip_space(p, end);
		int rc, off, line, col;

		if (start >= end)
			break;
		rc = sqlite3_prepare_v2(c->db, start, (int)(end - start), &st, &tail);
		if (rc == SQLITE_OK && st) {
			c->deadline = c->stmt_timeout_ms ? st_now_ms() + (double)c->stmt_timeout_ms : 0;
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			c->deadline = 0;
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
		}
		if (rc != SQLITE_OK) {
			int code = db_error(err, c, rc, NULL);
			off = sqlite3_error_offset(c->db);
			if (off < 0 || start + off > end)
				off = 0;
			st_offset_to_linecol(sql, (size_t)(start - sql) + (size_t)off, pos->line, &line,
					     &col);
			st_err_at(err, pos->file, line, col);
			if (st) {
				const char *text = sqlite3_sql(st);
				size_t n = strcspn(text, "\n");
				st_err_detail(err, "in statement: %.*s%s", (int)(n > 200 ? 200 : n), text,
					      (n > 200 || text[n]) ? " ..." : "");
			}
			sqlite3_finalize(st);
			return code;
		}
		sqlite3_finalize(st);
		if (!tail || tail <= start)
			break;
		p = tail;
	}
	return 0;
}

/* Call fn for each statement of sql, split where SQLite's own tokenizer (sqlite3_complete)
 * says a statement ends: semicolons inside strings, comments and trigger bodies do not split. */
static int split(const char *sql, size_t len, int (*fn)(void *ctx, size_t off, size_t n),
		 void *ctx)
{
	st_buf cand = ST_BUF_INIT;
	size_t start = 0, i;
	int rc = 0;

	for (i = 0; i < len && !rc; i++) {
		if (sql[i] != ';')
			continue;
		st_buf_truncate(&cand, 0);
		st_buf_add(&cand, sql + start, i + 1 - start);
		if (st_buf_oom(&cand)) {
			rc = STRATA_ENOMEM;
			break;
		}
		if (sqlite3_complete(st_buf_str(&cand))) {
			rc = fn(ctx, start, i + 1 - start);
			start = i + 1;
		}
	}
	if (!rc && start < len)
		rc = fn(ctx, start, len - start);
	st_buf_free(&cand);
	return rc;
}

typedef struct check_ctx {
	st_err *err;
	const char *sql;
	size_t len;
	const st_srcpos *pos;
} check_ctx;

/* The first word of a statement, upper-cased into out. */
static const char *first_word(const char *p, const char *end, char *out, size_t size)
{
	size_t n = 0;

	p = skip_space(p, end);
	while (p < end && n + 1 < size &&
	       ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
		out[n++] = (char)(*p >= 'a' ? *p - 32 : *p);
		p++;
	}
	out[n] = '\0';
	return p;
}

static int check_one(void *arg, size_t off, size_t n)
{
	check_ctx *cc = arg;
	const char *p = cc->sql + off, *end = p + n, *stmt = skip_space(p, end), *after;
	char w[16], w2[16], w3[16];

	after = first_word(stmt, end, w, sizeof(w));
	if (!w[0])
		return 0;
	after = first_word(after, end, w2, sizeof(w2));
	first_word(after, end, w3, sizeof(w3));
	/* ROLLBACK [TRANSACTION] TO a savepoint stays inside the transaction. */
	if (strcmp(w, "BEGIN") == 0 || strcmp(w, "COMMIT") == 0 || strcmp(w, "END") == 0 ||
	    (strcmp(w, "ROLLBACK") == 0 && strcmp(w2, "TO") != 0 &&
	     !(strcmp(w2, "TRANSACTION") == 0 && strcmp(w3, "TO") == 0)))
		return st_refuse_statement(cc->err, cc->sql, (size_t)(stmt - cc->sql),
					   (size_t)(end - stmt), cc->pos, 1);
	if (strcmp(w, "VACUUM") == 0)
		return st_refuse_statement(cc->err, cc->sql, (size_t)(stmt - cc->sql),
					   (size_t)(end - stmt), cc->pos, 0);
	return 0;
}

static int sq_check_script(st_err *err, const char *sql, size_t len, const st_srcpos *pos,
			   int transactional)
{
	check_ctx cc = { err, sql, len, pos };
	int rc;

	if (!transactional)
		return 0;
	rc = split(sql, len, check_one, &cc);
	return rc == STRATA_ENOMEM ? st_err_oom(err) : rc;
}

static int sq_exec(st_err *err, st_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return db_error(err, c, rc, NULL);
	return 0;
}

static int sq_commit(st_err *err, st_conn *c);

/* The prepared statement for one of strata's own statements: kept from an earlier call with the
 * same text, or prepared now (and kept while there is room; *temp when it must be finalized). */
static int own_stmt(st_conn *c, const char *sql, sqlite3_stmt **st, int *temp)
{
	size_t i, n = sizeof(c->own) / sizeof(c->own[0]);
	int rc;

	*temp = 0;
	for (i = 0; i < n && c->own[i].sql; i++)
		if (strcmp(c->own[i].sql, sql) == 0) {
			*st = c->own[i].st;
			return SQLITE_OK;
		}
	rc = sqlite3_prepare_v3(c->db, sql, -1, i < n ? SQLITE_PREPARE_PERSISTENT : 0, st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if (i < n && (c->own[i].sql = strdup(sql)))
		c->own[i].st = *st;
	else
		*temp = 1;
	return SQLITE_OK;
}

static int sq_exec_batch(st_err *err, st_conn *c, const st_stmt *v, size_t n, int commit)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int k, temp = 0, rc = SQLITE_OK, failed = 0;

	for (i = 0; i < n && !failed; i++) {
		if ((rc = own_stmt(c, v[i].sql, &st, &temp)) != SQLITE_OK)
			return db_error(err, c, rc, NULL);
		for (k = 0; k < v[i].n && rc == SQLITE_OK; k++)
			rc = v[i].params[k] ? sqlite3_bind_text(st, k + 1, v[i].params[k], -1,
								SQLITE_STATIC)
					    : sqlite3_bind_null(st, k + 1);
		if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_DONE)
			rc = SQLITE_OK;
		/* Take the message before reset and finalize can change it. */
		if (rc != SQLITE_OK)
			failed = db_error(err, c, rc, NULL);
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		if (temp)
			sqlite3_finalize(st);
	}
	if (failed)
		return failed;
	return commit ? sq_commit(err, c) : 0;
}

static int sq_query(st_err *err, st_conn *c, const char *sql, int ncols, st_strvec *out)
{
	sqlite3_stmt *st = NULL;
	int rc, i;

	if (!c->db)
		return 0;
	rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(err, c, rc, NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < ncols; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			if (st_strvec_push(out, v ? (const char *)v : "")) {
				sqlite3_finalize(st);
				return st_err_oom(err);
			}
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(err, c, rc, NULL);
	return 0;
}

static int sq_query_column(st_err *err, st_conn *c, const char *sql, st_strvec *out)
{
	return sq_query(err, c, sql, 1, out);
}

/* An application's connection may have foreign keys on; SQLite's table rebuild (which
 * autogenerate writes) needs them off, and PRAGMA foreign_keys cannot change inside a
 * transaction: turn them off before it, on again after (migrations check them themselves). */
static void fk_off(st_conn *c)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(c->db, "PRAGMA foreign_keys", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0)) {
		c->fk_restore = 1;
		sqlite3_finalize(st);
		sqlite3_exec(c->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL);
		return;
	}
	sqlite3_finalize(st);
}

static void fk_restore(st_conn *c)
{
	if (c->fk_restore && sqlite3_get_autocommit(c->db)) {
		sqlite3_exec(c->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
		c->fk_restore = 0;
	}
}

static int sq_begin(st_err *err, st_conn *c)
{
	int rc;

	fk_off(c);
	rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return db_error(err, c, rc, "cannot start a write transaction");
	return 0;
}

static int sq_commit(st_err *err, st_conn *c)
{
	int rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return db_error(err, c, rc, "commit failed");
	fk_restore(c);
	return 0;
}

static int sq_rollback(st_err *err, st_conn *c)
{
	int rc;

	if (!c->db || sqlite3_get_autocommit(c->db)) {
		if (c->db)
			fk_restore(c);
		return 0; /* SQLite may already have rolled back (e.g. on SQLITE_FULL) */
	}
	rc = sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	fk_restore(c);
	if (rc != SQLITE_OK)
		return db_error(err, c, rc, "rollback failed");
	return 0;
}

static int sq_table_exists(st_err *err, st_conn *c, const char *schema, const char *table,
			   int *exists)
{
	sqlite3_stmt *st = NULL;
	int rc;

	(void)schema;
	*exists = 0;
	if (!c->db)
		return 0;
	rc = sqlite3_prepare_v2(c->db,
				"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
				-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*exists = 1;
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return db_error(err, c, rc, "cannot read the schema");
	return 0;
}

static int sq_introspect(st_err *err, st_conn *c, struct st_schema *out, const char *const *skip)
{
	if (!c->db)
		return st_schema_finish(out); /* a file that does not exist: an empty schema */
	return st_introspect_sqlite(err, c->db, out, skip);
}

static int sq_scratch_open(st_err *err, st_conn *c, const st_url *url, const st_connect_opts *o,
			   st_conn **out, char **name)
{
	st_url mem = *url;
	st_connect_opts mo = *o;

	(void)c;
	mem.path = (char *)":memory:";
	mo.sqlite_handle = NULL;
	mo.readonly = 0;
	*name = NULL;
	return sq_connect(err, out, &mem, &mo);
}

static void sq_scratch_drop(st_conn *c, const char *name)
{
	(void)c, (void)name; /* an in-memory database goes with its connection */
}

static void sq_interrupt(st_conn *c)
{
	if (c && c->db)
		sqlite3_interrupt(c->db);
}

const st_driver st_driver_sqlite = {
	.version = ST_DRIVER_VERSION,
	.name = "sqlite",
	.caps = ST_CAP_TRANSACTIONAL_DDL,
	.history_id_ddl = "INTEGER PRIMARY KEY",
	.timestamp_type = "TEXT",
	.connect = sq_connect,
	.close = sq_close,
	.exec_script = sq_exec_script,
	.exec = sq_exec,
	.exec_batch = sq_exec_batch,
	.query_column = sq_query_column,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.table_exists = sq_table_exists,
	.lock = NULL,
	.unlock = NULL,
	.interrupt = sq_interrupt,
	.query = sq_query,
	.check_script = sq_check_script,
	.introspect = sq_introspect,
	.scratch_open = sq_scratch_open,
	.scratch_drop = sq_scratch_drop,
	.dialect = &st_dialect_sqlite,
};
