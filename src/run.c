/* run.c - the runner: connect, read the version table, and apply plans one migration at a
 * time.  Each migration, its version-table update and its history row commit in one
 * transaction.  Before each step the runner re-reads the version table inside that
 * transaction (which holds the write lock): when another runner changed it meanwhile, the
 * plan is made again from what is there, so no revision is ever applied twice. */
#include "strata_int.h"

#include "sha256.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* ---- connection and state ------------------------------------------------------------ */

static void driver_log(void *ctx, int level, const char *msg)
{
	st_log(ctx, (strata_level)level, "%s", msg);
}

int st_connect(strata *s, int readonly)
{
	st_connect_opts o;
	const st_driver *d = s->offline ? &st_driver_offline : s->drv;
	int rc;

	if (s->conn && (!s->conn_readonly || readonly))
		return 0;
	if (s->url_err.code) {
		/* Deferred from strata_open: copy it, so every call reports it again. */
		st_err_set(&s->err, s->url_err.code, "%s", s->url_err.message);
		st_err_at(&s->err, s->url_err.file, s->url_err.line, 0);
		if (s->url_err.hint)
			st_err_hint(&s->err, "%s", s->url_err.hint);
		return s->url_err.code;
	}
	if (s->conn) {
		s->conn_drv->close(s->conn);
		s->conn = NULL;
	}
	memset(&o, 0, sizeof(o));
	o.lock_timeout_ms = s->lock_timeout_ms;
	o.readonly = readonly;
	o.sqlite_handle = s->app_db;
	o.sql_fn = s->sql_fn;
	o.sql_ctx = s->sql_ctx;
	o.offline_dialect = s->url.kind;
	o.statement_timeout_ms = s->statement_timeout_ms;
	o.pg_lock_timeout_ms = s->pg_lock_timeout_ms;
	o.log_fn = driver_log;
	o.log_ctx = s;
	if (!d)
		return st_fail(s, STRATA_ECONFIG, "this build of strata has no driver for %s",
			       s->url.redacted);
	rc = d->connect(&s->err, &s->conn, &s->url, &o);
	if (rc)
		return rc;
	s->conn_drv = d;
	s->conn_readonly = readonly;
	return 0;
}

char *st_history_table_name(strata *s)
{
	const char *v = s->cfg.version_table;
	size_t n = strlen(v);
	st_buf b = ST_BUF_INIT;

	if (n > 8 && strcmp(v + n - 8, "_version") == 0)
		st_buf_add(&b, v, n - 8);
	else
		st_buf_puts(&b, v);
	st_buf_puts(&b, "_history");
	return st_buf_detach(&b);
}

/* Append the qualified, quoted name of one of strata's tables. */
void st_put_table(strata *s, st_buf *b, int history)
{
	if (s->cfg.version_table_schema) {
		st_buf_put_ident(b, s->cfg.version_table_schema);
		st_buf_putc(b, '.');
	}
	if (history) {
		char *h = st_history_table_name(s);
		if (!h) {
			b->oom = 1;
			return;
		}
		st_buf_put_ident(b, h);
		free(h);
	} else {
		st_buf_put_ident(b, s->cfg.version_table);
	}
}

int st_exec_buf(strata *s, st_buf *b)
{
	int rc;

	if (st_buf_oom(b)) {
		st_buf_free(b);
		return st_err_oom(&s->err);
	}
	rc = s->conn_drv->exec(&s->err, s->conn, st_buf_str(b));
	st_buf_free(b);
	return rc;
}

static int read_rows(strata *s, st_strvec *rows)
{
	st_buf b = ST_BUF_INIT;
	int rc;

	st_buf_puts(&b, "SELECT version_num FROM ");
	st_put_table(s, &b, 0);
	if (st_buf_oom(&b))
		return st_err_oom(&s->err);
	rc = s->conn_drv->query_column(&s->err, s->conn, st_buf_str(&b), rows);
	st_buf_free(&b);
	return rc;
}

static int apply_rows(strata *s, const st_strvec *rows)
{
	size_t i;
	st_rev **found;

	memset(s->applied, 0, s->graph.n);
	found = calloc(rows->n + 1, sizeof(st_rev *));
	if (!found)
		return st_err_oom(&s->err);
	for (i = 0; i < rows->n; i++) {
		found[i] = st_graph_get(&s->graph, rows->v[i]);
		if (!found[i]) {
			free(found);
			st_fail(s, STRATA_ETARGET,
				"the database is at revision %s, which no script in %s has",
				rows->v[i], s->versions_dir ? s->versions_dir : "the embedded scripts");
			st_err_hint(&s->err, "was the script deleted, or is this another project's "
					     "database?  Restore the script, or `strata stamp --purge REV` "
					     "to tell strata where the database really is");
			return STRATA_ETARGET;
		}
	}
	st_graph_mark_ancestors(&s->graph, s->applied, found, rows->n);
	free(found);
	return 0;
}

int st_read_state(strata *s, int readonly)
{
	st_strvec rows = { 0 };
	int exists = 0, rc;

	if (s->state_valid)
		return 0;
	if (!s->applied && !(s->applied = calloc(s->graph.n ? s->graph.n : 1, 1)))
		return st_err_oom(&s->err);
	if ((rc = st_connect(s, readonly)))
		return rc;
	rc = s->conn_drv->table_exists(&s->err, s->conn, s->cfg.version_table_schema,
				       s->cfg.version_table, &exists);
	if (!rc && exists)
		rc = read_rows(s, &rows);
	if (!rc)
		rc = apply_rows(s, &rows);
	if (rc) {
		st_strvec_free(&rows);
		return rc;
	}
	st_strvec_free(&s->rows);
	s->rows = rows;
	s->state_valid = 1;
	return 0;
}

/* Whether the database is a SQLite file that does not exist yet. */
int st_db_absent(strata *s)
{
	return s->url.kind == ST_URL_SQLITE && !s->app_db && strcmp(s->url.path, ":memory:") != 0 &&
	       !st_path_exists(s->url.path);
}

/* ---- strata's own tables ---------------------------------------------------------------- */

/* strata's own tables gain columns over versions; a history table an older strata made gets
 * them here (columns added later: note).  Offline, the CREATE above has them already. */
static int upgrade_own_tables(strata *s)
{
	st_buf b = ST_BUF_INIT;
	st_strvec none = { 0 };
	st_err probe = { 0 };
	int rc;

	if (s->conn_drv->caps & ST_CAP_OFFLINE)
		return 0;
	st_buf_puts(&b, "SELECT note FROM ");
	st_put_table(s, &b, 1);
	st_buf_puts(&b, " WHERE 1 = 0");
	if (st_buf_oom(&b))
		return st_err_oom(&s->err);
	rc = s->conn_drv->query(&probe, s->conn, st_buf_str(&b), 1, &none);
	st_buf_free(&b);
	st_strvec_free(&none);
	st_err_clear(&probe);
	if (!rc)
		return 0;
	st_buf_puts(&b, "ALTER TABLE ");
	st_put_table(s, &b, 1);
	st_buf_puts(&b, " ADD COLUMN note TEXT");
	return st_exec_buf(s, &b);
}

int st_ensure_tables(strata *s)
{
	st_buf b = ST_BUF_INIT;
	const st_driver *dialect = s->drv;
	int rc;

	st_buf_puts(&b, "CREATE TABLE IF NOT EXISTS ");
	st_put_table(s, &b, 0);
	/* Constraint names are per schema in PostgreSQL: derive it from the table's name (a
	 * validated identifier, so it needs no escaping inside the quotes). */
	st_buf_printf(&b, " (\n    version_num VARCHAR(64) NOT NULL,\n    CONSTRAINT \"%s_pkc\" "
			  "PRIMARY KEY (version_num)\n)",
		      s->cfg.version_table);
	if ((rc = st_exec_buf(s, &b)))
		goto fail;
	st_buf_puts(&b, "CREATE TABLE IF NOT EXISTS ");
	st_put_table(s, &b, 1);
	st_buf_printf(&b,
		      " (\n    id %s,\n    revision VARCHAR(64) NOT NULL,\n"
		      "    direction VARCHAR(8) NOT NULL,\n    checksum VARCHAR(64),\n"
		      "    applied_at %s NOT NULL,\n    duration_ms INTEGER,\n"
		      "    applied_by VARCHAR(255),\n    strata_version VARCHAR(32),\n    note TEXT\n)",
		      dialect->history_id_ddl, dialect->timestamp_type);
	if ((rc = st_exec_buf(s, &b)) == 0 && (rc = upgrade_own_tables(s)) == 0)
		return 0;
fail:
	{
		char *h = st_history_table_name(s);
		st_err_prefix(&s->err, "cannot create strata's tables (%s%s%s and %s): ",
			      s->cfg.version_table_schema ? s->cfg.version_table_schema : "",
			      s->cfg.version_table_schema ? "." : "", s->cfg.version_table,
			      h ? h : "its history");
		free(h);
	}
	return rc;
}

static const char *applied_by(void)
{
	static char who[256];
	char host[128] = "";
	const char *user = getenv("USER");
	struct passwd *pw;

	if (who[0])
		return who;
	if (!user || !*user) {
		pw = getpwuid(getuid());
		user = pw ? pw->pw_name : "unknown";
	}
	if (gethostname(host, sizeof(host) - 1))
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(who, sizeof(who), "%s@%s", user, host);
	return who;
}

/* ---- strata's own writes, sent in one batch ------------------------------------------------- */

/* A copy of str that lives as long as o's statements (NULL stays NULL). */
static const char *own_keep(st_own *o, const char *str)
{
	if (!str)
		return NULL;
	if (st_strvec_push(&o->keep, str)) {
		o->oom = 1;
		return NULL;
	}
	return o->keep.v[o->keep.n - 1];
}

/* Add a statement: sql (its text is taken as is from b, which is freed) and its n values. */
static void own_add(st_own *o, st_buf *b, int n, const char *const *values)
{
	st_stmt *st;
	int k;

	if (o->n == o->cap && !st_buf_oom(b)) {
		size_t cap = o->cap ? 2 * o->cap : 4;
		st_stmt *v = realloc(o->v, cap * sizeof(*v));
		if (v)
			o->v = v, o->cap = cap;
	}
	if (st_buf_oom(b) || o->n == o->cap) {
		o->oom = 1;
		st_buf_free(b);
		return;
	}
	st = &o->v[o->n++];
	st->sql = own_keep(o, st_buf_str(b));
	st->n = n;
	for (k = 0; k < n; k++)
		st->params[k] = own_keep(o, values[k]);
	st_buf_free(b);
}

void st_own_free(st_own *o)
{
	free(o->v);
	st_strvec_free(&o->keep);
	memset(o, 0, sizeof(*o));
}

int st_own_send(strata *s, st_own *o, int commit)
{
	int rc;

	if (o->oom)
		rc = st_err_oom(&s->err);
	else if (!o->n && commit)
		rc = s->conn_drv->commit(&s->err, s->conn);
	else
		rc = o->n ? s->conn_drv->exec_batch(&s->err, s->conn, o->v, o->n, commit) : 0;
	st_own_free(o);
	return rc;
}

int st_write_history(strata *s, st_own *o, const st_rev *r, const char *id,
		     const char *direction, double ms, const char *note)
{
	st_buf b = ST_BUF_INIT;
	char sum[65], when[32], took[24];
	const char *v[8];

	if (r && st_rev_load_body(s, r))
		return s->err.code;
	if (r && st_sha256_hex(r->text, r->text_len, sum))
		return st_fail(s, STRATA_ERROR, "cannot compute the checksum of %s", r->path);
	st_now_iso(when);
	snprintf(took, sizeof(took), "%ld", (long)(ms + 0.5));
	st_buf_puts(&b, "INSERT INTO ");
	st_put_table(s, &b, 1);
	st_buf_puts(&b, " (revision, direction, checksum, applied_at, duration_ms, applied_by, "
			"strata_version, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
	v[0] = r ? r->id : id;
	v[1] = direction;
	v[2] = r ? sum : NULL;
	v[3] = when;
	v[4] = took;
	v[5] = applied_by();
	v[6] = STRATA_VERSION;
	v[7] = note;
	own_add(o, &b, 8, v);
	return o->oom ? st_err_oom(&s->err) : 0;
}

static int row_index(strata *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->rows.n; i++)
		if (strcmp(s->rows.v[i], id) == 0)
			return (int)i;
	return -1;
}

static int row_delete(strata *s, st_own *o, const char *id)
{
	st_buf b = ST_BUF_INIT;
	int i = row_index(s, id);

	st_buf_puts(&b, "DELETE FROM ");
	st_put_table(s, &b, 0);
	st_buf_puts(&b, " WHERE version_num = $1");
	own_add(o, &b, 1, &id);
	if (o->oom)
		return st_err_oom(&s->err);
	if (i >= 0) {
		free(s->rows.v[i]);
		s->rows.v[i] = s->rows.v[--s->rows.n];
	}
	return 0;
}

static int row_insert(strata *s, st_own *o, const char *id)
{
	st_buf b = ST_BUF_INIT;

	st_buf_puts(&b, "INSERT INTO ");
	st_put_table(s, &b, 0);
	st_buf_puts(&b, " (version_num) VALUES ($1)");
	own_add(o, &b, 1, &id);
	if (o->oom)
		return st_err_oom(&s->err);
	return st_strvec_push(&s->rows, id) ? st_err_oom(&s->err) : 0;
}

/* Whether r is a version-table row in the applied set: applied, and nothing applied needs it. */
static int is_top(strata *s, const st_rev *r)
{
	size_t j;

	if (!s->applied[r->idx])
		return 0;
	for (j = 0; j < r->n_children; j++)
		if (s->applied[r->children[j]->idx])
			return 0;
	for (j = 0; j < r->n_dependents; j++)
		if (s->applied[r->dependents[j]->idx])
			return 0;
	return 1;
}

/* The version-table statements for one step, keeping the rows the maximal applied set. */
static int update_versions(strata *s, st_own *o, st_rev *r, strata_direction dir)
{
	size_t j, n = r->n_down_ids + r->n_depends_ids;
	int rc;

	if (dir == STRATA_UP) {
		for (j = 0; j < n; j++) {
			st_rev *p = j < r->n_down_ids ? r->parents[j] : r->deps[j - r->n_down_ids];
			if (row_index(s, p->id) >= 0 && (rc = row_delete(s, o, p->id)))
				return rc;
		}
		s->applied[r->idx] = 1;
		return row_insert(s, o, r->id);
	}
	if ((rc = row_delete(s, o, r->id)))
		return rc;
	s->applied[r->idx] = 0;
	for (j = 0; j < n; j++) {
		st_rev *p = j < r->n_down_ids ? r->parents[j] : r->deps[j - r->n_down_ids];
		if (is_top(s, p) && row_index(s, p->id) < 0 && (rc = row_insert(s, o, p->id)))
			return rc;
	}
	return 0;
}

/* Whether the version table still says what this runner believes. */
static int rows_unchanged(strata *s, int *same)
{
	st_strvec now = { 0 };
	st_strvec mine = { 0 };
	size_t i;
	int rc;

	*same = 1;
	if (s->conn_drv->caps & ST_CAP_OFFLINE)
		return 0;
	if ((rc = read_rows(s, &now)))
		return rc;
	for (i = 0; i < s->rows.n; i++)
		if (st_strvec_push(&mine, s->rows.v[i])) {
			st_strvec_free(&now);
			return st_err_oom(&s->err);
		}
	st_sort_strings(now.v, now.n);
	st_sort_strings(mine.v, mine.n);
	if (now.n != mine.n)
		*same = 0;
	for (i = 0; *same && i < now.n; i++)
		if (strcmp(now.v[i], mine.v[i]) != 0)
			*same = 0;
	st_strvec_free(&now);
	st_strvec_free(&mine);
	return 0;
}

static void emit_event(strata *s, strata_event_kind kind, const st_step *st, size_t index,
		       size_t total, double ms)
{
	strata_event ev;

	if (!s->event_fn || s->offline)
		return;
	ev.kind = kind;
	ev.direction = st->dir;
	ev.revision = st->rev;
	ev.index = index;
	ev.total = total;
	ev.elapsed_ms = ms;
	s->event_fn(s->event_ctx, &ev);
}

static void offline_comment(strata *s, const st_step *st)
{
	st_buf b = ST_BUF_INIT;
	size_t j;
	const st_rev *r = st->rev;

	st_buf_printf(&b, "-- Running %s ", st->dir == STRATA_UP ? "upgrade" : "downgrade");
	if (st->dir == STRATA_DOWN)
		st_buf_printf(&b, "%s -> ", r->id);
	for (j = 0; j < r->n_down_ids; j++)
		st_buf_printf(&b, "%s%s", j ? ", " : "", r->down_ids[j]);
	if (st->dir == STRATA_UP)
		st_buf_printf(&b, "%s-> %s", r->n_down_ids ? " " : "<base> ", r->id);
	else if (!r->n_down_ids)
		st_buf_puts(&b, "<base>");
	if (*r->message)
		st_buf_printf(&b, ", %s", r->message);
	st_buf_puts(&b, "\n\n");
	if (!st_buf_oom(&b))
		s->sql_fn(s->sql_ctx, st_buf_str(&b));
	st_buf_free(&b);
}

/* Run one step.  Returns 0, ST_REPLAN, or an error. */
int st_run_step(strata *s, const st_step *st, size_t index, size_t total)
{
	const st_driver *d = s->conn_drv;
	st_rev *r = st->rev;
	const st_section *sec = st->dir == STRATA_UP ? &r->up : &r->down;
	int txn, same = 1, rc;
	st_srcpos pos;
	st_own own = { 0 };
	double t0 = st_now_ms();
	const char *verb = st->dir == STRATA_UP ? "upgrade" : "downgrade";

	if ((rc = st_rev_load_body(s, r)))
		return rc;
	txn = sec->transactional;
	pos.file = r->path;
	pos.line = sec->line;
	if (d->caps & ST_CAP_OFFLINE)
		offline_comment(s, st);
	if (txn && !s->outer_txn && (rc = d->begin(&s->err, s->conn)))
		return rc;
	if (!s->run_locked && !s->outer_checked && (rc = rows_unchanged(s, &same)))
		goto fail;
	s->outer_checked = s->outer_txn;
	if (!same) {
		if (txn)
			d->rollback(NULL, s->conn);
		return ST_REPLAN;
	}
	emit_event(s, STRATA_EVENT_STEP_BEGIN, st, index, total, 0);
	if (s->interrupted) {
		rc = st_fail(s, STRATA_EINTR, "interrupted before %s %s", verb, r->id);
		goto fail;
	}
	rc = d->exec_script(&s->err, s->conn, sec->sql, sec->len, &pos);
	if (rc == STRATA_EINTR && txn) {
		st_err_prefix(&s->err, "%s %s was interrupted and rolled back: ", verb, r->id);
		goto fail;
	}
	if (rc) {
		st_err_prefix(&s->err, "%s %s failed: ", verb, r->id);
		if (!txn) {
			/* What ran stays: say so in the history, so the next person knows why the
			 * schema is ahead of the version table.  The version table is unchanged. */
			char note[512];
			snprintf(note, sizeof(note), "%s:%d: %s", s->err.file ? s->err.file : r->path,
				 s->err.line, s->err.message ? s->err.message : "failed");
			if (!(d->caps & ST_CAP_OFFLINE) &&
			    st_write_history(s, &own, r, NULL, "failed", st_now_ms() - t0, note) == 0)
				st_own_send(s, &own, 0);
			st_err_hint(&s->err, "this section runs without a transaction "
					     "(transaction:false): the statements before the failing one "
					     "stay applied, and `strata log` records the failure; make the "
					     "section idempotent (IF NOT EXISTS) and run again, or undo them "
					     "by hand");
		}
		goto fail;
	}
	if (!txn && (rc = d->begin(&s->err, s->conn)))
		goto fail;
	if (!txn && !s->run_locked && (rc = rows_unchanged(s, &same)) == 0 && !same) {
		rc = st_fail(s, STRATA_EDB,
			     "another runner changed the version table while %s %s ran outside a "
			     "transaction",
			     verb, r->id);
		goto fail;
	}
	if (rc || (rc = update_versions(s, &own, r, st->dir)) ||
	    (rc = st_write_history(s, &own, r, NULL, st->dir == STRATA_UP ? "up" : "down",
				   st_now_ms() - t0, NULL)))
		goto fail;
	if (s->interrupted) {
		rc = st_fail(s, STRATA_EINTR, "interrupted during %s %s; it was rolled back", verb,
			     r->id);
		goto fail;
	}
	/* The version and history rows and the COMMIT: one batch (one round trip). */
	if ((rc = st_own_send(s, &own, !s->outer_txn))) {
		st_err_prefix(&s->err, "%s %s could not be recorded: ", verb, r->id);
		goto fail;
	}
	emit_event(s, STRATA_EVENT_STEP_END, st, index, total, st_now_ms() - t0);
	return 0;
fail:
	st_own_free(&own);
	/* Also after a failed COMMIT: a driver's rollback does nothing when none is open. */
	d->rollback(NULL, s->conn);
	/* The in-memory state may be ahead of the database now: read it again next time. */
	s->state_valid = 0;
	if (!s->err.file)
		st_err_at(&s->err, r->path, 0, 0);
	return rc;
}

int st_check_steps(strata *s, const strata_plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const st_rev *r = p->steps[i].rev;
		const st_section *sec = p->steps[i].dir == STRATA_UP ? &r->up : &r->down;
		st_srcpos pos = { r->path, sec->line };
		int rc;
		if ((rc = st_rev_load_body(s, r)))
			return rc;
		if (p->steps[i].dir == STRATA_DOWN && !r->down.present) {
			st_fail(s, STRATA_ESCRIPT,
				"revision %s has no `-- migrate:down` section: it cannot be downgraded",
				r->id);
			st_err_at(&s->err, r->path, 0, 0);
			st_err_hint(&s->err, "add a down section, or `strata stamp` past it if the "
					     "change was undone by hand");
			return STRATA_ESCRIPT;
		}
		/* Every section is checked before the first one runs: a section that cannot work
		 * as marked stops the run with the database unchanged. */
		if (s->drv->check_script &&
		    s->drv->check_script(&s->err, sec->sql, sec->len, &pos, sec->transactional))
			return s->err.code;
	}
	return 0;
}

typedef int (*planner)(strata *s, strata_plan **out, const st_target *t);

int st_lock_run(strata *s, int take)
{
	const st_driver *d = s->conn_drv;
	char key[256];

	if (!(d->caps & ST_CAP_ADVISORY_LOCK))
		return 0;
	snprintf(key, sizeof(key), "%s.%s",
		 s->cfg.version_table_schema ? s->cfg.version_table_schema : "",
		 s->cfg.version_table);
	if (take)
		return d->lock(&s->err, s->conn, key, s->lock_timeout_ms, (volatile int *)&s->interrupted);
	return d->unlock(NULL, s->conn, key);
}

/* Offline "FROM:TO": the state is FROM, as if read from the database. */
static int offline_from(strata *s, const char *from)
{
	st_target t;
	int rc;

	memset(s->applied, 0, s->graph.n);
	st_strvec_free(&s->rows);
	s->state_valid = 1;
	if (!from || !*from)
		return 0;
	if ((rc = st_target_parse(s, &t, from)))
		goto out;
	if (t.kind == ST_T_RELATIVE) {
		rc = st_fail(s, STRATA_ETARGET, "offline mode needs a revision before ':', not '%s'",
			     from);
		goto out;
	}
	if (t.kind == ST_T_REVS) {
		st_graph_mark_ancestors(&s->graph, s->applied, t.revs, t.n);
		for (size_t i = 0; i < s->graph.n; i++)
			if (is_top(s, s->graph.revs[i]) &&
			    st_strvec_push(&s->rows, s->graph.revs[i]->id)) {
				rc = st_err_oom(&s->err);
				goto out;
			}
	}
out:
	st_target_free(&t);
	return rc;
}

static int migrate(strata *s, const char *expr, planner plan_fn, strata_direction dir)
{
	st_target t;
	strata_plan *p = NULL;
	size_t i, done = 0;
	int rc, attempts = 0, locked = 0, tables = 0;
	char *range = NULL;
	const char *to = expr;

	st_begin_call(s);
	if ((rc = st_need_project(s)))
		return rc;
	if (!expr)
		return st_fail(s, STRATA_EUSAGE, "no target given");
	if (s->offline) {
		const char *colon = strchr(expr, ':');
		if (!s->applied && !(s->applied = calloc(s->graph.n ? s->graph.n : 1, 1)))
			return st_err_oom(&s->err);
		if (!colon && dir == STRATA_DOWN) {
			st_fail(s, STRATA_EUSAGE, "offline downgrade needs FROM:TO, e.g. %s:%s",
				s->graph.n_heads == 1 ? s->graph.heads[0]->id : "head", expr);
			st_err_hint(&s->err, "in --sql mode the database is not read, so strata must be "
					     "told where it starts");
			return STRATA_EUSAGE;
		}
		range = colon ? strndup(expr, (size_t)(colon - expr)) : NULL;
		if (colon && !range)
			return st_err_oom(&s->err);
		to = colon ? colon + 1 : expr;
		rc = offline_from(s, range);
		free(range);
		if (rc)
			return rc;
		if ((rc = st_connect(s, 0)))
			return rc;
	} else if (strchr(expr, ':')) {
		return st_fail(s, STRATA_EUSAGE, "'%s': a FROM:TO range is for --sql mode only", expr);
	}
	if ((rc = st_target_parse(s, &t, to)))
		goto out;
	if (!s->offline && st_db_absent(s)) {
		/* Nothing is applied, and an empty plan must not create the file. */
		if ((rc = st_read_state(s, 1)) || (rc = plan_fn(s, &p, &t)) || !p->n)
			goto out;
	}
	if (!s->offline) {
		if ((rc = st_connect(s, 0)))
			goto out;
		if ((rc = st_lock_run(s, 1)))
			goto out;
		locked = 1;
		s->run_locked = (s->conn_drv->caps & ST_CAP_ADVISORY_LOCK) != 0;
		s->state_valid = 0;
	}
	for (;;) {
		if (!s->offline && (rc = st_read_state(s, 0)))
			goto out;
		if (!attempts && (rc = st_check_unchanged(s)))
			goto out;
		strata_plan_free(p);
		p = NULL;
		if ((rc = plan_fn(s, &p, &t)) || (rc = st_check_steps(s, p)))
			goto out;
		if (p->n && !tables) {
			if ((rc = st_ensure_tables(s)))
				goto out;
			tables = 1;
		}
		if (s->single_txn && p->n) {
			/* One transaction for the whole run: every section must be transactional. */
			for (i = 0; i < p->n; i++) {
				const st_rev *r = p->steps[i].rev;
				if (!(p->steps[i].dir == STRATA_UP ? &r->up : &r->down)->transactional) {
					rc = st_fail(s, STRATA_EUSAGE,
						     "revision %s runs outside a transaction "
						     "(transaction:false), so the run cannot be one "
						     "transaction",
						     r->id);
					st_err_at(&s->err, r->path, 0, 0);
					st_err_hint(&s->err, "drop --single-transaction (or "
							     "single_transaction in the ini) for this run");
					goto out;
				}
			}
			if ((rc = s->conn_drv->begin(&s->err, s->conn)))
				goto out;
			s->outer_txn = 1;
			s->outer_checked = 0;
		}
		for (i = 0; i < p->n; i++) {
			if (s->interrupted) {
				rc = st_fail(s, STRATA_EINTR, "interrupted after %zu migration%s", done,
					     done == 1 ? "" : "s");
				goto out;
			}
			rc = st_run_step(s, &p->steps[i], done + 1, done + (p->n - i));
			if (rc == ST_REPLAN && s->outer_txn)
				rc = st_fail(s, STRATA_EDB, "the version table changed inside the run's "
							    "own transaction");
			if (rc == ST_REPLAN)
				break;
			if (rc)
				goto out;
			done++;
		}
		if (s->outer_txn) {
			s->outer_txn = s->outer_checked = 0;
			if ((rc = s->conn_drv->commit(&s->err, s->conn)))
				goto out;
			st_log(s, STRATA_LOG_INFO, "committed %zu migration%s in one transaction", done,
			       done == 1 ? "" : "s");
		}
		if (rc != ST_REPLAN)
			break;
		/* Another runner moved the database: plan again from what it did. */
		rc = 0;
		s->state_valid = 0;
		if (t.kind == ST_T_RELATIVE || ++attempts > 1000) {
			rc = st_fail(s, STRATA_EDB, "another runner changed the database during '%s' "
						    "%s; run it again",
				     dir == STRATA_UP ? "upgrade" : "downgrade", expr);
			goto out;
		}
		st_log(s, STRATA_LOG_INFO, "another runner applied migrations meanwhile; planning again");
	}
out:
	s->run_locked = s->outer_checked = 0;
	if (s->outer_txn) {
		/* A failure inside the run's transaction: nothing of the run stays. */
		s->outer_txn = 0;
		s->conn_drv->rollback(NULL, s->conn);
		s->state_valid = 0;
		if (rc && done)
			st_err_hint(&s->err, "the run was one transaction (--single-transaction): the "
					     "%zu migration%s before this one were rolled back too",
				    done, done == 1 ? "" : "s");
	}
	if (locked)
		st_lock_run(s, 0);
	strata_plan_free(p);
	st_target_free(&t);
	return rc;
}

STRATA_API int strata_upgrade(strata *s, const char *target)
{
	return migrate(s, target, st_plan_up, STRATA_UP);
}

STRATA_API int strata_downgrade(strata *s, const char *target)
{
	return migrate(s, target, st_plan_down, STRATA_DOWN);
}

STRATA_API int strata_stamp(strata *s, const char *expr, int purge)
{
	st_target t;
	uint8_t *want = NULL;
	st_strvec old = { 0 };
	st_own own = { 0 };
	size_t i;
	int rc, locked = 0;

	st_begin_call(s);
	if ((rc = st_need_project(s)))
		return rc;
	if (!expr)
		return st_fail(s, STRATA_EUSAGE, "no target given");
	memset(&t, 0, sizeof(t));
	if (s->offline) {
		const char *colon = strchr(expr, ':');
		char *from = colon ? strndup(expr, (size_t)(colon - expr)) : NULL;
		if (!s->applied && !(s->applied = calloc(s->graph.n ? s->graph.n : 1, 1)))
			return st_err_oom(&s->err);
		rc = offline_from(s, from);
		free(from);
		if (rc || (rc = st_connect(s, 0)))
			return rc;
		expr = colon ? colon + 1 : expr;
	}
	if ((rc = st_target_parse(s, &t, expr)))
		goto out;
	if (t.kind == ST_T_RELATIVE) {
		rc = st_fail(s, STRATA_ETARGET, "stamp needs a revision, not '%s'", expr);
		goto out;
	}
	if (!s->offline) {
		if ((rc = st_connect(s, 0)) || (rc = st_lock_run(s, 1)))
			goto out;
		locked = 1;
		s->state_valid = 0;
		if (!purge) {
			if ((rc = st_read_state(s, 0)))
				goto out;
		} else {
			/* --purge works even when the table names revisions no script has. */
			int exists = 0;
			if (!s->applied && !(s->applied = calloc(s->graph.n ? s->graph.n : 1, 1))) {
				rc = st_err_oom(&s->err);
				goto out;
			}
			st_strvec_free(&s->rows);
			rc = s->conn_drv->table_exists(&s->err, s->conn, s->cfg.version_table_schema,
						       s->cfg.version_table, &exists);
			if (!rc && exists)
				rc = read_rows(s, &s->rows);
			if (rc)
				goto out;
		}
	}
	if (!(want = calloc(s->graph.n ? s->graph.n : 1, 1))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	/* The new applied set: targets and what they need; with --purge nothing else; without,
	 * other branches stay and anything past the targets on their branches goes. */
	if (t.kind == ST_T_REVS) {
		st_graph_mark_ancestors(&s->graph, want, t.revs, t.n);
		if (!purge) {
			uint8_t *past = calloc(s->graph.n ? s->graph.n : 1, 1);
			if (!past) {
				rc = st_err_oom(&s->err);
				goto out;
			}
			st_graph_mark_descendants(&s->graph, past, t.revs, t.n);
			for (i = 0; i < s->graph.n; i++)
				if (s->applied[i] && !past[i])
					want[i] = 1;
			free(past);
		}
	} else if (!purge && (t.label || t.anchor)) {
		st_target all = t;
		strata_plan *p = NULL;
		all.kind = ST_T_BASE;
		if ((rc = st_plan_down(s, &p, &all)))
			goto out;
		memcpy(want, s->applied, s->graph.n);
		for (i = 0; i < p->n; i++)
			want[p->steps[i].rev->idx] = 0;
		strata_plan_free(p);
	}
	if ((rc = st_ensure_tables(s)))
		goto out;
	if ((rc = s->conn_drv->begin(&s->err, s->conn)))
		goto out;
	if (!s->offline && !purge) {
		int same;
		if ((rc = rows_unchanged(s, &same)) == 0 && !same)
			rc = st_fail(s, STRATA_EDB, "another runner changed the version table; run stamp "
						    "again");
		if (rc)
			goto rollback;
	}
	/* Rewrite the rows: delete what is no longer a row, insert what becomes one. */
	for (i = 0; i < s->rows.n; i++)
		if (st_strvec_push(&old, s->rows.v[i])) {
			rc = st_err_oom(&s->err);
			goto rollback;
		}
	memcpy(s->applied, want, s->graph.n);
	/* History: "stamp" for each new row, "unstamp" for each row whose revision is no longer
	 * applied (a row that only moved up its branch is covered by the new row). */
	for (i = 0; i < old.n; i++) {
		st_rev *r = st_graph_get(&s->graph, old.v[i]);
		if (r && is_top(s, r))
			continue;
		if ((rc = row_delete(s, &own, old.v[i])))
			goto rollback;
		if ((!r || !s->applied[r->idx]) &&
		    (rc = st_write_history(s, &own, r, old.v[i], "unstamp", 0, NULL)))
			goto rollback;
	}
	for (i = 0; i < s->graph.n; i++) {
		st_rev *r = s->graph.revs[i];
		if (is_top(s, r) && row_index(s, r->id) < 0) {
			if ((rc = row_insert(s, &own, r->id)) ||
			    (rc = st_write_history(s, &own, r, NULL, "stamp", 0, NULL)))
				goto rollback;
		}
	}
	rc = st_own_send(s, &own, 1);
	if (rc)
		goto rollback;
	goto out;
rollback:
	s->conn_drv->rollback(NULL, s->conn);
	s->state_valid = 0;
out:
	st_own_free(&own);
	if (locked)
		st_lock_run(s, 0);
	if (rc)
		s->state_valid = 0;
	st_strvec_free(&old);
	free(want);
	st_target_free(&t);
	return rc;
}

/* ---- reading the state -------------------------------------------------------------------- */

STRATA_API int strata_current(strata *s, strata_revlist **out)
{
	size_t i;
	int rc;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (s->offline)
		return st_fail(s, STRATA_EUSAGE, "the current revision is not known in offline mode");
	s->state_valid = 0;
	if ((rc = st_read_state(s, 1)))
		return rc;
	if (!(*out = st_revlist_new(s->rows.n)))
		return st_err_oom(&s->err);
	/* In topological order, like every other list. */
	for (i = 0; i < s->graph.n; i++)
		if (row_index(s, s->graph.revs[i]->id) >= 0)
			st_revlist_push(*out, s->graph.revs[i]);
	return 0;
}

STRATA_API int strata_is_applied(strata *s, const strata_revision *r)
{
	int rc;

	st_begin_call(s);
	if ((rc = st_need_project(s)))
		return rc;
	if ((rc = st_read_state(s, 1)))
		return rc;
	return s->applied[r->idx] ? 1 : 0;
}

static int plan_public(strata *s, strata_plan **out, const char *expr, planner fn)
{
	st_target t;
	int rc;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (!expr)
		return st_fail(s, STRATA_EUSAGE, "no target given");
	if (!s->offline && (rc = st_read_state(s, 1)))
		return rc;
	if ((rc = st_target_parse(s, &t, expr)) == 0)
		rc = fn(s, out, &t);
	st_target_free(&t);
	return rc;
}

STRATA_API int strata_plan_upgrade(strata *s, strata_plan **out, const char *target)
{
	return plan_public(s, out, target, st_plan_up);
}

STRATA_API int strata_plan_downgrade(strata *s, strata_plan **out, const char *target)
{
	return plan_public(s, out, target, st_plan_down);
}

STRATA_API size_t strata_plan_count(const strata_plan *p)
{
	return p ? p->n : 0;
}

STRATA_API const strata_revision *strata_plan_revision(const strata_plan *p, size_t i)
{
	return p && i < p->n ? p->steps[i].rev : NULL;
}

STRATA_API strata_direction strata_plan_direction(const strata_plan *p, size_t i)
{
	return p && i < p->n ? p->steps[i].dir : STRATA_UP;
}

STRATA_API void strata_plan_free(strata_plan *p)
{
	if (!p)
		return;
	free(p->steps);
	free(p);
}
