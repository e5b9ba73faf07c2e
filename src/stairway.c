/* stairway.c - `strata test`: on a scratch database, every revision in order is upgraded,
 * downgraded and upgraded again, and the schema read back after each step: a down that does not
 * restore the schema before its up, or an up that does not apply cleanly a second time, is
 * found here rather than in production. */
#include "strata_int.h"

#include "schema.h"

#include <stdlib.h>
#include <string.h>

struct strata_stairway {
	strata_stair_result res;
	st_strvec lines;
};

static int read_schema(strata *s, st_schema *out, const char *const *skip)
{
	memset(out, 0, sizeof(*out));
	return s->drv->introspect(&s->err, s->conn, out, skip);
}

/* Lines describing how a differs from b (empty when they match). */
static int compare(strata *s, const st_schema *a, const st_schema *b, st_strvec *lines)
{
	st_diff d;
	size_t i;
	int rc = st_diff_compute(&s->err, &d, a, b, NULL, 0);

	for (i = 0; !rc && i < d.lines.n; i++)
		if (st_strvec_push(lines, d.lines.v[i]))
			rc = st_err_oom(&s->err);
	st_diff_free(&d);
	return rc;
}

static int step(strata *s, st_rev *r, strata_direction dir)
{
	st_step st = { r, dir };
	strata_plan p = { &st, 1 };
	int rc;

	s->state_valid = 0;
	if ((rc = st_read_state(s, 0)) || (rc = st_check_steps(s, &p)))
		return rc;
	rc = st_run_step(s, &st, 1, 1);
	return rc == ST_REPLAN ? st_fail(s, STRATA_EDB, "the scratch database changed under strata")
			       : rc;
}

STRATA_API int strata_stairway_run(strata *s, strata_stairway **out)
{
	strata_stairway *w;
	st_conn *scratch = NULL, *saved_conn;
	const st_driver *saved_drv;
	int saved_ro, rc;
	char *name = NULL, *hist = NULL;
	const char *skip[3];
	strata_event_fn saved_event;
	st_connect_opts o;
	size_t i;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (s->offline)
		return st_fail(s, STRATA_EUSAGE, "the stairway test needs a database, not --sql");
	if ((rc = st_connect(s, 1)))
		return rc;
	if (!s->drv->introspect || !s->drv->scratch_open)
		return st_fail(s, STRATA_EUSAGE, "the stairway test is not available for %s yet",
			       s->drv->name);
	if (!(w = calloc(1, sizeof(*w))) || !(hist = st_history_table_name(s))) {
		free(w);
		return st_err_oom(&s->err);
	}
	*out = w;
	skip[0] = s->cfg.version_table;
	skip[1] = hist;
	skip[2] = NULL;
	memset(&o, 0, sizeof(o));
	o.lock_timeout_ms = s->lock_timeout_ms;
	o.statement_timeout_ms = s->statement_timeout_ms;
	if ((rc = s->drv->scratch_open(&s->err, s->conn, &s->url, &o, &scratch, &name))) {
		st_err_prefix(&s->err, "cannot make a scratch database for the test: ");
		free(hist);
		return rc;
	}
	/* Run on the scratch database as if it were the project's. */
	saved_conn = s->conn;
	saved_drv = s->conn_drv;
	saved_ro = s->conn_readonly;
	saved_event = s->event_fn;
	s->conn = scratch;
	s->conn_drv = s->drv;
	s->conn_readonly = 0;
	s->event_fn = NULL;
	s->state_valid = 0;
	if ((rc = st_ensure_tables(s)))
		goto out;
	for (i = 0; i < s->graph.n && !rc; i++) {
		st_rev *r = s->graph.revs[i];
		st_schema before, after, again;
		memset(&after, 0, sizeof(after));
		memset(&again, 0, sizeof(again));
		if ((rc = read_schema(s, &before, skip)))
			break;
		w->res.failed = r;
		w->res.phase = "up";
		if ((rc = step(s, r, STRATA_UP)) == 0 && (rc = read_schema(s, &after, skip)) == 0) {
			w->res.phase = "down";
			if (!r->down.present) {
				st_log(s, STRATA_LOG_WARN, "%s has no down section: not tested backwards",
				       r->id);
			} else if ((rc = step(s, r, STRATA_DOWN)) == 0 &&
				   (rc = read_schema(s, &again, skip)) == 0 &&
				   (rc = compare(s, &again, &before, &w->lines)) == 0 && w->lines.n) {
				rc = st_fail(s, STRATA_EDIFF, "revision %s: its down does not restore the "
							      "schema its up started from",
					     r->id);
				st_err_at(&s->err, r->path, r->down.line - 1, 0);
			} else if (!rc) {
				st_schema_free(&again);
				w->res.phase = "up again";
				if ((rc = step(s, r, STRATA_UP)) == 0 &&
				    (rc = read_schema(s, &again, skip)) == 0 &&
				    (rc = compare(s, &again, &after, &w->lines)) == 0 && w->lines.n) {
					rc = st_fail(s, STRATA_EDIFF, "revision %s: applied again after its "
								      "down, its up gives another schema",
						     r->id);
					st_err_at(&s->err, r->path, r->up.line - 1, 0);
				}
			}
		}
		if (rc && rc != STRATA_EDIFF)
			st_err_prefix(&s->err, "stairway at %s (%s): ", r->id, w->res.phase);
		st_schema_free(&before);
		st_schema_free(&after);
		st_schema_free(&again);
		if (!rc) {
			w->res.tested++;
			w->res.failed = NULL;
			w->res.phase = NULL;
			st_log(s, STRATA_LOG_INFO, "[%zu/%zu] %s ok: up, down, up again", i + 1,
			       s->graph.n, r->id);
		}
	}
out:
	s->conn = saved_conn;
	s->conn_drv = saved_drv;
	s->conn_readonly = saved_ro;
	s->event_fn = saved_event;
	s->state_valid = 0;
	s->drv->close(scratch);
	s->drv->scratch_drop(s->conn, name);
	free(name);
	free(hist);
	w->res.lines = (const char *const *)w->lines.v;
	w->res.n_lines = w->lines.n;
	return rc;
}

STRATA_API const strata_stair_result *strata_stairway_result(const strata_stairway *w)
{
	return w ? &w->res : NULL;
}

STRATA_API void strata_stairway_free(strata_stairway *w)
{
	if (!w)
		return;
	st_strvec_free(&w->lines);
	free(w);
}
