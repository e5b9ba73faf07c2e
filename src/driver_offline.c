/* driver_offline.c - offline (--sql) mode: instead of running statements, print them, as
 * Alembic's offline mode does, so a DBA can review or apply the script by hand. */
#include "driver.h"

#include <stdlib.h>
#include <string.h>

struct st_conn {
	void (*sql_fn)(void *ctx, const char *sql);
	void *ctx;
};

static void emit(st_conn *c, const char *s)
{
	c->sql_fn(c->ctx, s);
}

static int off_connect(st_err *err, st_conn **out, const st_url *url, const st_connect_opts *o)
{
	st_conn *c = calloc(1, sizeof(*c));

	(void)url;
	if (!c)
		return st_err_oom(err);
	c->sql_fn = o->sql_fn;
	c->ctx = o->sql_ctx;
	*out = c;
	return 0;
}

static void off_close(st_conn *c)
{
	free(c);
}

static int off_exec_script(st_err *err, st_conn *c, const char *sql, size_t len,
			   const st_srcpos *pos)
{
	st_buf b = ST_BUF_INIT;

	(void)pos;
	/* Trim blank lines at both ends; keep the text otherwise byte for byte. */
	while (len && (*sql == '\n' || *sql == '\r'))
		sql++, len--;
	while (len && (sql[len - 1] == '\n' || sql[len - 1] == '\r' || sql[len - 1] == ' ' ||
		       sql[len - 1] == '\t'))
		len--;
	if (!len)
		return 0;
	st_buf_add(&b, sql, len);
	st_buf_puts(&b, "\n\n");
	if (st_buf_oom(&b))
		return st_err_oom(err);
	emit(c, st_buf_str(&b));
	st_buf_free(&b);
	return 0;
}

static int off_exec(st_err *err, st_conn *c, const char *sql)
{
	st_buf b = ST_BUF_INIT;

	st_buf_puts(&b, sql);
	st_buf_puts(&b, ";\n\n");
	if (st_buf_oom(&b))
		return st_err_oom(err);
	emit(c, st_buf_str(&b));
	st_buf_free(&b);
	return 0;
}

/* A statement as it would run: each $k (outside quotes) replaced by its value as a literal. */
static void render(st_buf *b, const st_stmt *st)
{
	const char *p = st->sql;
	char quote = 0;

	for (; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			int k = (int)strtol(p + 1, (char **)&p, 10) - 1;

			p--;
			if (k < st->n && st->params[k])
				st_buf_put_literal(b, st->params[k]);
			else
				st_buf_puts(b, "NULL");
			continue;
		}
		st_buf_add(b, p, 1);
	}
}

static int off_exec_batch(st_err *err, st_conn *c, const st_stmt *v, size_t n, int commit)
{
	st_buf b = ST_BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++) {
		render(&b, &v[i]);
		st_buf_puts(&b, ";\n\n");
	}
	if (commit)
		st_buf_puts(&b, "COMMIT;\n\n");
	if (st_buf_oom(&b))
		return st_err_oom(err);
	emit(c, st_buf_str(&b));
	st_buf_free(&b);
	return 0;
}

static int off_query_column(st_err *err, st_conn *c, const char *sql, st_strvec *out)
{
	(void)err, (void)c, (void)sql, (void)out;
	return 0;
}

static int off_query(st_err *err, st_conn *c, const char *sql, int ncols, st_strvec *out)
{
	(void)err, (void)c, (void)sql, (void)ncols, (void)out;
	return 0;
}

static int off_begin(st_err *err, st_conn *c)
{
	(void)err;
	emit(c, "BEGIN;\n\n");
	return 0;
}

static int off_commit(st_err *err, st_conn *c)
{
	(void)err;
	emit(c, "COMMIT;\n\n");
	return 0;
}

static int off_rollback(st_err *err, st_conn *c)
{
	(void)err, (void)c;
	return 0;
}

static int off_table_exists(st_err *err, st_conn *c, const char *schema, const char *table,
			    int *exists)
{
	(void)err, (void)c, (void)schema, (void)table;
	*exists = 0;
	return 0;
}

const st_driver st_driver_offline = {
	.version = ST_DRIVER_VERSION,
	.name = "offline",
	.caps = ST_CAP_TRANSACTIONAL_DDL | ST_CAP_OFFLINE,
	.history_id_ddl = NULL, /* taken from the dialect's driver */
	.timestamp_type = NULL,
	.connect = off_connect,
	.close = off_close,
	.exec_script = off_exec_script,
	.exec = off_exec,
	.exec_batch = off_exec_batch,
	.query_column = off_query_column,
	.begin = off_begin,
	.commit = off_commit,
	.rollback = off_rollback,
	.table_exists = off_table_exists,
	.lock = NULL,
	.unlock = NULL,
	.interrupt = NULL,
	.query = off_query,
};
