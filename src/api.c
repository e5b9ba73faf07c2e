/* api.c - the handle: opening a project (config, URL, scripts), errors and logging, and the
 * read-only views of the revision graph that the public API offers. */
#include "strata_int.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

STRATA_API const char *strata_version(void)
{
	return STRATA_VERSION;
}

STRATA_API void strata_options_init(strata_options *o)
{
	memset(o, 0, sizeof(*o));
	o->version = STRATA_OPTIONS_VERSION;
	o->log_level = STRATA_LOG_INFO;
}

/* ---- errors and logging ----------------------------------------------------------------- */

int st_fail(strata *s, int code, const char *fmt, ...)
{
	va_list ap;
	st_buf b = ST_BUF_INIT;

	if (s->err.code)
		return s->err.code;
	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (st_buf_oom(&b))
		return st_err_oom(&s->err);
	st_err_set(&s->err, code, "%s", st_buf_str(&b));
	st_buf_free(&b);
	return code;
}

void st_log(strata *s, strata_level level, const char *fmt, ...)
{
	va_list ap;
	st_buf b = ST_BUF_INIT;

	if (!s->log_fn || level > s->log_level)
		return;
	va_start(ap, fmt);
	st_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (!st_buf_oom(&b))
		s->log_fn(s->log_ctx, level, st_buf_str(&b));
	st_buf_free(&b);
}

void st_begin_call(strata *s)
{
	st_err_clear(&s->err);
}

int st_need_project(strata *s)
{
	if (!s->loaded)
		return st_fail(s, STRATA_EUSAGE, "no project is open on this handle");
	return 0;
}

STRATA_API const strata_error *strata_last_error(const strata *cs)
{
	strata *s = (strata *)cs;
	static const strata_error oom = { STRATA_ENOMEM, "out of memory", NULL, NULL, NULL, 0,
					  NULL, 0, 0 };

	if (!s)
		return &oom;
	s->pub.code = s->err.code;
	s->pub.message = s->err.message ? s->err.message
			 : s->err.code == STRATA_ENOMEM ? "out of memory"
			 : s->err.code ? "unknown error" : "";
	s->pub.detail = s->err.detail;
	s->pub.hint = s->err.hint;
	s->pub.sqlstate = s->err.sqlstate[0] ? s->err.sqlstate : NULL;
	s->pub.db_code = s->err.db_code;
	s->pub.file = s->err.file;
	s->pub.line = s->err.line;
	s->pub.column = s->err.column;
	return &s->pub;
}

STRATA_API void strata_interrupt(strata *s)
{
	if (!s)
		return;
	s->interrupted = 1;
	if (s->conn && s->conn_drv && s->conn_drv->interrupt)
		s->conn_drv->interrupt(s->conn);
}

/* ---- opening ------------------------------------------------------------------------------ */

static int choose_url(strata *s, const strata_options *o, struct sqlite3 *db)
{
	const char *url = NULL, *base = NULL, *env = getenv("DATABASE_URL");
	char *owned = NULL;
	int rc;

	if (db) {
		const char *file = sqlite3_db_filename(db, "main");
		st_buf b = ST_BUF_INIT;
		st_buf_printf(&b, "sqlite:///%s", file && *file ? file : ":memory:");
		owned = st_buf_detach(&b);
		if (!owned)
			return st_err_oom(&s->err);
		url = owned;
		s->url_source = "the application's connection";
	} else if (o->url && *o->url) {
		url = o->url;
		s->url_source = "--url";
	} else if (o->use_env_url && env && *env) {
		url = env;
		s->url_source = "$DATABASE_URL";
	} else if (s->cfg.url && *s->cfg.url) {
		s->url_source = s->cfg.path;
		if (st_expand_env(&s->err, &owned, s->cfg.url)) {
			st_err_at(&s->err, s->cfg.path, s->cfg.url_line, 0);
			return STRATA_ECONFIG;
		}
		url = owned;
		base = s->cfg.dir;
	} else {
		url = "sqlite:///app.db";
		base = s->cfg.dir;
		s->url_source = "the default";
	}
	rc = st_url_parse(&s->err, &s->url, url, base, s->url_source);
	free(owned);
	if (rc) {
		if (s->url_source == s->cfg.path && s->cfg.url_line)
			st_err_at(&s->err, s->cfg.path, s->cfg.url_line, 0);
		return rc;
	}
	s->drv = st_driver_for(s->url.kind);
	if (!s->drv)
		return st_fail(s, STRATA_ECONFIG,
			       "this build of strata has no PostgreSQL driver (URL %s from %s)",
			       s->url.redacted, s->url_source);
	return 0;
}

static int open_project(strata *s, const strata_options *o, struct sqlite3 *db)
{
	int rc;

	if (o->version != STRATA_OPTIONS_VERSION)
		return st_fail(s, STRATA_EUSAGE,
			       "strata_options.version is %u, this library expects %u "
			       "(call strata_options_init)",
			       o->version, STRATA_OPTIONS_VERSION);
	if (o->config_file) {
		if ((rc = st_config_load(&s->err, &s->cfg, o->config_file)))
			return rc;
	}
	if ((rc = st_config_defaults(&s->err, &s->cfg)))
		return rc;
	if (o->version_table) {
		free(s->cfg.version_table);
		if (!(s->cfg.version_table = strdup(o->version_table)))
			return st_err_oom(&s->err);
	}
	if (o->version_table_schema) {
		free(s->cfg.version_table_schema);
		if (!(s->cfg.version_table_schema = strdup(o->version_table_schema)))
			return st_err_oom(&s->err);
	}
	if (!st_valid_identifier(s->cfg.version_table) ||
	    (s->cfg.version_table_schema && !st_valid_identifier(s->cfg.version_table_schema)))
		return st_fail(s, STRATA_ECONFIG,
			       "invalid version table name: use letters, digits and _ (at most 63)");
	s->lock_timeout_ms = o->lock_timeout_ms ? o->lock_timeout_ms
			     : s->cfg.lock_timeout_ms ? s->cfg.lock_timeout_ms : 60000;
	s->statement_timeout_ms = o->statement_timeout_ms ? o->statement_timeout_ms
				  : s->cfg.statement_timeout_ms;
	s->pg_lock_timeout_ms = s->cfg.pg_lock_timeout_ms;
	s->offline = o->offline;
	s->allow_changed = o->allow_changed;
	s->single_txn = o->single_transaction || s->cfg.single_transaction;
	s->sql_fn = o->sql_fn;
	s->sql_ctx = o->sql_ctx;
	if (s->offline && !s->sql_fn)
		return st_fail(s, STRATA_EUSAGE, "offline mode needs sql_fn");
	s->app_db = db;

	if ((rc = choose_url(s, o, db))) {
		/* A URL the ini file cannot give right now (an unset ${VAR}) matters only to the
		 * commands that use the database: keep the error for them. */
		if (rc != STRATA_ECONFIG || s->url_source != s->cfg.path || !s->cfg.path)
			return rc;
		st_err_move(&s->url_err, &s->err);
	}

	if (o->scripts) {
		rc = st_load_scripts(s, o->scripts, o->n_scripts);
	} else {
		const char *loc = o->script_location ? o->script_location : s->cfg.script_location;
		s->script_dir = o->script_location ? strdup(loc) : st_path_join(s->cfg.dir, loc);
		s->versions_dir = s->script_dir ? st_path_join(s->script_dir, "versions") : NULL;
		if (!s->script_dir || !s->versions_dir)
			return st_err_oom(&s->err);
		rc = st_load_scripts(s, NULL, 0);
	}
	if (rc)
		return rc;
	s->loaded = 1;
	return 0;
}

static int open_common(strata **out, const strata_options *o, struct sqlite3 *db)
{
	strata *s = calloc(1, sizeof(*s));
	int rc;

	*out = s;
	if (!s)
		return STRATA_ENOMEM;
	if (!o)
		return 0;
	s->log_fn = o->log_fn;
	s->log_ctx = o->log_ctx;
	s->log_level = o->log_level;
	s->event_fn = o->event_fn;
	s->event_ctx = o->event_ctx;
	rc = open_project(s, o, db);
	if (rc && !s->err.code)
		st_fail(s, rc, "cannot open the project");
	return rc;
}

STRATA_API int strata_open(strata **out, const strata_options *opts)
{
	return open_common(out, opts, NULL);
}

STRATA_API int strata_open_sqlite(strata **out, struct sqlite3 *db, const strata_options *opts)
{
	strata_options o;

	if (!opts) {
		strata_options_init(&o);
		opts = &o;
	}
	if (!db) {
		int rc = open_common(out, NULL, NULL);
		if (*out)
			rc = st_fail(*out, STRATA_EUSAGE, "strata_open_sqlite needs a connection");
		return rc;
	}
	return open_common(out, opts, db);
}

STRATA_API void strata_free(strata *s)
{
	if (!s)
		return;
	if (s->conn)
		s->conn_drv->close(s->conn);
	st_graph_free(&s->graph);
	st_config_free(&s->cfg);
	st_url_free(&s->url);
	free(s->script_dir);
	free(s->versions_dir);
	free(s->applied);
	st_strvec_free(&s->rows);
	st_err_clear(&s->err);
	st_err_clear(&s->url_err);
	free(s);
}

STRATA_API const char *strata_url_redacted(const strata *s)
{
	return s && s->url.redacted ? s->url.redacted : NULL;
}

STRATA_API const char *strata_dialect(const strata *s)
{
	return s && s->drv ? s->drv->name : NULL;
}

STRATA_API const char *strata_script_location(const strata *s)
{
	return s ? s->script_dir : NULL;
}

STRATA_API const char *strata_config_path(const strata *s)
{
	return s ? s->cfg.path : NULL;
}

STRATA_API void strata_string_free(char *str)
{
	free(str);
}

/* ---- revisions ------------------------------------------------------------------------------ */

STRATA_API size_t strata_revision_count(const strata *s)
{
	return s ? s->graph.n : 0;
}

STRATA_API const strata_revision *strata_revision_at(const strata *s, size_t i)
{
	return s && i < s->graph.n ? s->graph.revs[i] : NULL;
}

STRATA_API const char *strata_revision_id(const strata_revision *r) { return r->id; }
STRATA_API const char *strata_revision_message(const strata_revision *r) { return r->message; }
STRATA_API const char *strata_revision_created(const strata_revision *r) { return r->created; }
STRATA_API const char *strata_revision_path(const strata_revision *r) { return r->path; }
STRATA_API size_t strata_revision_parent_count(const strata_revision *r) { return r->n_down_ids; }
STRATA_API size_t strata_revision_child_count(const strata_revision *r) { return r->n_children; }
STRATA_API size_t strata_revision_depends_count(const strata_revision *r)
{
	return r->n_depends_ids;
}
STRATA_API size_t strata_revision_label_count(const strata_revision *r) { return r->n_labels; }
STRATA_API const char *strata_revision_branch_names(const strata_revision *r)
{
	return r->branch_names;
}

STRATA_API const strata_revision *strata_revision_parent(const strata_revision *r, size_t i)
{
	return i < r->n_down_ids ? r->parents[i] : NULL;
}

STRATA_API const strata_revision *strata_revision_child(const strata_revision *r, size_t i)
{
	return i < r->n_children ? r->children[i] : NULL;
}

STRATA_API const strata_revision *strata_revision_depends(const strata_revision *r, size_t i)
{
	return i < r->n_depends_ids ? r->deps[i] : NULL;
}

STRATA_API const char *strata_revision_label(const strata_revision *r, size_t i)
{
	return i < r->n_labels ? r->labels[i] : NULL;
}

STRATA_API int strata_revision_is_head(const strata_revision *r) { return r->n_children == 0; }
STRATA_API int strata_revision_is_base(const strata_revision *r) { return r->n_down_ids == 0; }
STRATA_API int strata_revision_is_branch_point(const strata_revision *r)
{
	return r->n_children > 1;
}
STRATA_API int strata_revision_is_merge(const strata_revision *r) { return r->n_down_ids > 1; }

STRATA_API int strata_revision_transactional(const strata_revision *r, strata_direction d)
{
	return d == STRATA_DOWN ? r->down.transactional : r->up.transactional;
}

STRATA_API int strata_revision_has_down(const strata_revision *r) { return r->down.present != 0; }

/* ---- lists ---------------------------------------------------------------------------------- */

strata_revlist *st_revlist_new(size_t cap)
{
	strata_revlist *l = calloc(1, sizeof(*l));

	if (l && !(l->v = calloc(cap ? cap : 1, sizeof(*l->v)))) {
		free(l);
		return NULL;
	}
	return l;
}

/* Lists are allocated with their final capacity; push never grows them. */
int st_revlist_push(strata_revlist *l, const st_rev *r)
{
	l->v[l->n++] = r;
	return 0;
}

STRATA_API size_t strata_revlist_count(const strata_revlist *l)
{
	return l ? l->n : 0;
}

STRATA_API const strata_revision *strata_revlist_get(const strata_revlist *l, size_t i)
{
	return l && i < l->n ? l->v[i] : NULL;
}

STRATA_API void strata_revlist_free(strata_revlist *l)
{
	if (!l)
		return;
	free(l->v);
	free(l);
}

STRATA_API int strata_heads(strata *s, strata_revlist **out)
{
	size_t i;
	int rc;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (!(*out = st_revlist_new(s->graph.n_heads)))
		return st_err_oom(&s->err);
	for (i = 0; i < s->graph.n_heads; i++)
		st_revlist_push(*out, s->graph.heads[i]);
	return 0;
}

/* Resolve one side of a history range to a set of revisions (marked in set); base: none. */
static int range_side(strata *s, const char *expr, uint8_t *set, int *any)
{
	st_target t;
	int rc;

	*any = 0;
	if (!*expr)
		return 0;
	*any = 1;
	if (strcmp(expr, "current") == 0) {
		size_t i;
		s->state_valid = 0;
		if ((rc = st_read_state(s, 1)))
			return rc;
		for (i = 0; i < s->rows.n; i++) {
			st_rev *r = st_graph_get(&s->graph, s->rows.v[i]);
			if (r)
				set[r->idx] = 1;
		}
		*any = s->rows.n > 0; /* at base, "current" bounds nothing */
		return 0;
	}
	if ((rc = st_target_parse(s, &t, expr)) == 0) {
		if (t.kind == ST_T_REVS) {
			for (size_t i = 0; i < t.n; i++)
				set[t.revs[i]->idx] = 1;
		} else if (t.kind == ST_T_BASE && t.label) {
			/* label@base: from the first revisions of the branch. */
			for (size_t i = 0; i < s->graph.n; i++) {
				st_rev *r = s->graph.revs[i];
				int first = st_rev_has_branch(r, t.label);
				for (size_t j = 0; first && j < r->n_down_ids; j++)
					first = !st_rev_has_branch(r->parents[j], t.label);
				if (first)
					set[i] = 1;
			}
		} else if (t.kind == ST_T_BASE) {
			*any = 0; /* base, or below one: from the beginning */
		} else if (t.kind == ST_T_RELATIVE) {
			/* -N / +N: where that move from the database's state would end, as
			 * `alembic history -r -1:current` means. */
			strata_revlist *l = NULL;
			st_target_free(&t);
			if ((rc = strata_resolve(s, &l, expr)))
				return rc;
			for (size_t i = 0; i < l->n; i++)
				set[l->v[i]->idx] = 1;
			*any = l->n > 0;
			strata_revlist_free(l);
			return 0;
		}
	}
	st_target_free(&t);
	return rc;
}

STRATA_API int strata_resolve(strata *s, strata_revlist **out, const char *expr)
{
	st_target t;
	strata_plan *p = NULL;
	size_t i;
	int rc;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (!expr) {
		memset(&t, 0, sizeof(t));
		rc = st_fail(s, STRATA_EUSAGE, "no target given");
		goto out;
	}
	if ((rc = st_target_parse(s, &t, expr)))
		goto out;
	if (t.kind == ST_T_RELATIVE) {
		/* Where a relative move would leave the database: its plan applied to a copy of the
		 * state, then the revisions on top. */
		uint8_t *after = NULL;
		st_rev **top = NULL;
		size_t n;
		if ((rc = st_read_state(s, 1)) ||
		    (rc = (t.delta >= 0 ? st_plan_up : st_plan_down)(s, &p, &t)))
			goto out;
		after = malloc(s->graph.n + 1);
		top = calloc(s->graph.n + 1, sizeof(st_rev *));
		if (!after || !top || !(*out = st_revlist_new(s->graph.n))) {
			free(after);
			free(top);
			rc = st_err_oom(&s->err);
			goto out;
		}
		memcpy(after, s->applied, s->graph.n);
		for (i = 0; i < p->n; i++)
			after[p->steps[i].rev->idx] = p->steps[i].dir == STRATA_UP;
		n = st_top_revs(s, after, top);
		for (i = 0; i < n; i++)
			st_revlist_push(*out, top[i]);
		free(after);
		free(top);
		goto out;
	}
	if (!(*out = st_revlist_new(t.n))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	for (i = 0; t.kind == ST_T_REVS && i < t.n; i++)
		st_revlist_push(*out, t.revs[i]);
out:
	strata_plan_free(p);
	st_target_free(&t);
	return rc;
}

STRATA_API int strata_history(strata *s, strata_revlist **out, const char *range)
{
	uint8_t *lo = NULL, *hi = NULL;
	int any_lo = 0, any_hi = 0, rc = 0;
	size_t i, n = s->graph.n;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	lo = calloc(n ? n : 1, 1);
	hi = calloc(n ? n : 1, 1);
	if (!lo || !hi) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	if (range) {
		const char *colon = strchr(range, ':');
		char *a;
		if (!colon) {
			rc = st_fail(s, STRATA_EUSAGE, "invalid range '%s': write A:B, A: or :B", range);
			goto out;
		}
		a = strndup(range, (size_t)(colon - range));
		if (!a) {
			rc = st_err_oom(&s->err);
			goto out;
		}
		rc = range_side(s, a, lo, &any_lo);
		free(a);
		if (rc || (rc = range_side(s, colon + 1, hi, &any_hi)))
			goto out;
	}
	/* A:B is every revision that descends from A and leads to B (both included). */
	if (any_lo) {
		st_rev **from = calloc(n + 1, sizeof(st_rev *));
		size_t k = 0;
		if (!from) {
			rc = st_err_oom(&s->err);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (lo[i])
				from[k++] = s->graph.revs[i];
		memset(lo, 0, n);
		st_graph_mark_descendants(&s->graph, lo, from, k);
		free(from);
	}
	if (any_hi) {
		st_rev **to = calloc(n + 1, sizeof(st_rev *));
		size_t k = 0;
		if (!to) {
			rc = st_err_oom(&s->err);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (hi[i])
				to[k++] = s->graph.revs[i];
		memset(hi, 0, n);
		st_graph_mark_ancestors(&s->graph, hi, to, k);
		free(to);
	}
	if (!(*out = st_revlist_new(n))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	for (i = n; i-- > 0;)
		if ((!any_lo || lo[i]) && (!any_hi || hi[i]))
			st_revlist_push(*out, s->graph.revs[i]);
out:
	free(lo);
	free(hi);
	return rc;
}
