/* verify.c - integrity: every applied script is checksummed (SHA-256) in the history table;
 * this compares the scripts on disk with those records (strata verify), refuses to migrate
 * over a changed one unless told to, records an accepted edit, and reads the log. */
#include "strata_int.h"

#include "sha256.h"

#include <stdlib.h>
#include <string.h>

struct strata_driftlist {
	strata_drift *v;
	size_t n;
	st_strvec strings; /* owns the strings the entries point to */
};

struct strata_loglist {
	strata_log_entry *v;
	size_t n;
	st_strvec cells;
};

/* The latest recorded checksum per revision, from the history table. */
typedef struct record {
	const char *revision;
	const char *checksum;   /* of the latest up/stamp/accept row */
	const char *at;
	const char *last_dir;   /* direction of the latest row of any kind */
} record;

/* Whether the history table exists (it does not before the first migration). */
static int history_exists(strata *s, int *exists)
{
	char *h = st_history_table_name(s);
	int rc;

	*exists = 0;
	if (!h)
		return st_err_oom(&s->err);
	rc = s->conn_drv->table_exists(&s->err, s->conn, s->cfg.version_table_schema, h, exists);
	free(h);
	return rc;
}

/* One record per revision from the history: the direction of its latest row, and the checksum
 * of its latest up, stamp or accept.  The database does the grouping in one pass and then looks
 * both rows up by primary key, so the cost grows as n log n with the history (joining two
 * grouped subqueries on the revision text made SQLite compare every pair: 113 ms at 1000
 * revisions).  The strings live in cells. */
static int read_records(strata *s, st_strvec *cells, record **recs, size_t *n)
{
	st_buf b = ST_BUF_INIT, h = ST_BUF_INIT;
	record *out;
	size_t i, m;
	int exists, rc;

	*recs = NULL;
	*n = 0;
	if ((rc = history_exists(s, &exists)) || !exists)
		return rc;
	st_put_table(s, &h, 1);
	st_buf_printf(&b,
		      "SELECT g.revision, l.direction, c.checksum, c.applied_at FROM "
		      "(SELECT revision, max(id) AS last_id, max(CASE WHEN direction IN "
		      "('up', 'stamp', 'accept') AND checksum IS NOT NULL THEN id END) AS sum_id "
		      "FROM %s GROUP BY revision) g JOIN %s l ON l.id = g.last_id "
		      "LEFT JOIN %s c ON c.id = g.sum_id",
		      st_buf_str(&h), st_buf_str(&h), st_buf_str(&h));
	st_buf_free(&h);
	if (st_buf_oom(&b))
		return st_err_oom(&s->err);
	rc = s->conn_drv->query(&s->err, s->conn, st_buf_str(&b), 4, cells);
	st_buf_free(&b);
	if (rc)
		return rc;
	m = cells->n / 4;
	if (!(out = calloc(m + 1, sizeof(record))))
		return st_err_oom(&s->err);
	for (i = 0; i < m; i++) {
		out[i].revision = cells->v[4 * i];
		out[i].last_dir = cells->v[4 * i + 1];
		out[i].checksum = *cells->v[4 * i + 2] ? cells->v[4 * i + 2] : NULL;
		out[i].at = cells->v[4 * i + 3];
	}
	*recs = out;
	*n = m;
	return 0;
}

static int push(strata_driftlist *l, st_strvec *sv, const char *str, const char **out)
{
	(void)l;
	if (!str) {
		*out = NULL;
		return 0;
	}
	if (st_strvec_push(sv, str))
		return -1;
	*out = sv->v[sv->n - 1];
	return 0;
}

static int verify(strata *s, strata_driftlist **out)
{
	st_strvec cells = { 0 };
	record *recs = NULL;
	size_t n = 0, i;
	strata_driftlist *l;
	int rc;

	*out = NULL;
	if ((rc = st_read_state(s, 1)))
		return rc;
	if ((rc = read_records(s, &cells, &recs, &n)))
		goto done;
	l = calloc(1, sizeof(*l));
	if (!l || !(l->v = calloc(n + 1, sizeof(strata_drift)))) {
		free(l);
		rc = st_err_oom(&s->err);
		goto done;
	}
	*out = l;
	for (i = 0; i < n; i++) {
		st_rev *r = st_graph_get(&s->graph, recs[i].revision);
		strata_drift *d = &l->v[l->n];
		char sum[65];

		if (!recs[i].checksum)
			continue;
		if (r) {
			if (!s->applied[r->idx])
				continue;
			if ((rc = st_rev_load_body(s, r)))
				goto done;
			if (st_sha256_hex(r->text, r->text_len, sum)) {
				rc = st_fail(s, STRATA_ERROR, "cannot compute the checksum of %s", r->path);
				goto done;
			}
			if (strcmp(sum, recs[i].checksum) == 0)
				continue;
			d->kind = STRATA_DRIFT_CHANGED;
		} else {
			/* Recorded as applied, and the latest row is not a down. */
			if (!recs[i].last_dir || strcmp(recs[i].last_dir, "down") == 0 ||
			    strcmp(recs[i].last_dir, "unstamp") == 0 ||
			    strcmp(recs[i].last_dir, "failed") == 0)
				continue;
			d->kind = STRATA_DRIFT_DELETED;
		}
		if (push(l, &l->strings, recs[i].revision, &d->revision) ||
		    push(l, &l->strings, r ? r->path : NULL, &d->path) ||
		    push(l, &l->strings, recs[i].checksum, &d->recorded_checksum) ||
		    push(l, &l->strings, r ? sum : NULL, &d->current_checksum) ||
		    push(l, &l->strings, recs[i].at, &d->recorded_at)) {
			rc = st_err_oom(&s->err);
			goto done;
		}
		l->n++;
	}
done:
	free(recs);
	st_strvec_free(&cells);
	if (rc) {
		strata_driftlist_free(*out);
		*out = NULL;
	}
	return rc;
}

STRATA_API int strata_verify(strata *s, strata_driftlist **out)
{
	int rc;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (s->offline)
		return st_fail(s, STRATA_EUSAGE, "verify needs the database; it is not offline work");
	s->state_valid = 0;
	return verify(s, out);
}

int st_check_unchanged(strata *s)
{
	strata_driftlist *l = NULL;
	st_buf b = ST_BUF_INIT;
	size_t i;
	int rc;

	if (s->allow_changed || s->offline)
		return 0;
	if ((rc = verify(s, &l)))
		return rc;
	if (!l->n) {
		strata_driftlist_free(l);
		return 0;
	}
	for (i = 0; i < l->n && i < 5; i++)
		st_buf_printf(&b, "%s%s (%s)", i ? ", " : "", l->v[i].revision,
			      l->v[i].kind == STRATA_DRIFT_CHANGED ? "edited" : "deleted");
	if (l->n > 5)
		st_buf_printf(&b, " and %zu more", l->n - 5);
	st_fail(s, STRATA_ECHANGED, "%zu applied script%s changed since %s applied: %s", l->n,
		l->n == 1 ? "" : "s", l->n == 1 ? "it was" : "they were", st_buf_str(&b));
	if (l->v[0].path)
		st_err_at(&s->err, l->v[0].path, 0, 0);
	st_err_hint(&s->err, "`strata verify` shows the details; if the edit is intentional, record "
			     "it with `strata verify --accept REV`, or run with --allow-changed");
	st_buf_free(&b);
	strata_driftlist_free(l);
	return STRATA_ECHANGED;
}

STRATA_API int strata_accept(strata *s, const char *target)
{
	strata_driftlist *l = NULL;
	st_target t;
	st_own own = { 0 };
	size_t i, j, accepted = 0;
	int rc, locked = 0;

	st_begin_call(s);
	memset(&t, 0, sizeof(t));
	if ((rc = st_need_project(s)))
		return rc;
	if (target && (rc = st_target_parse(s, &t, target)))
		goto out;
	if (target && t.kind != ST_T_REVS) {
		rc = st_fail(s, STRATA_ETARGET, "accept needs a revision, not '%s'", target);
		goto out;
	}
	if ((rc = st_connect(s, 0)) || (rc = st_lock_run(s, 1)))
		goto out;
	locked = 1;
	s->state_valid = 0;
	if ((rc = verify(s, &l)))
		goto out;
	if ((rc = s->conn_drv->begin(&s->err, s->conn)))
		goto out;
	for (i = 0; i < l->n; i++) {
		st_rev *r = st_graph_get(&s->graph, l->v[i].revision);
		int wanted = !target;
		for (j = 0; target && j < t.n; j++)
			wanted |= t.revs[j] == r;
		if (!r || !wanted)
			continue;
		if ((rc = st_write_history(s, &own, r, NULL, "accept", 0, NULL))) {
			s->conn_drv->rollback(NULL, s->conn);
			goto out;
		}
		accepted++;
	}
	if (target && !accepted) {
		s->conn_drv->rollback(NULL, s->conn);
		rc = st_fail(s, STRATA_ETARGET, "%s: nothing to accept (it matches what was applied, or "
						"is not applied)",
			     target);
		goto out;
	}
	if ((rc = st_own_send(s, &own, 1)))
		s->conn_drv->rollback(NULL, s->conn);
	else
		st_log(s, STRATA_LOG_INFO, "accepted %zu changed script%s", accepted,
		       accepted == 1 ? "" : "s");
out:
	st_own_free(&own);
	if (locked)
		st_lock_run(s, 0);
	strata_driftlist_free(l);
	st_target_free(&t);
	return rc;
}

STRATA_API size_t strata_driftlist_count(const strata_driftlist *l)
{
	return l ? l->n : 0;
}

STRATA_API const strata_drift *strata_driftlist_get(const strata_driftlist *l, size_t i)
{
	return l && i < l->n ? &l->v[i] : NULL;
}

STRATA_API void strata_driftlist_free(strata_driftlist *l)
{
	if (!l)
		return;
	st_strvec_free(&l->strings);
	free(l->v);
	free(l);
}

/* ---- the log ------------------------------------------------------------------------------ */

STRATA_API int strata_log(strata *s, strata_loglist **out, size_t limit, const char *revision)
{
	st_buf b = ST_BUF_INIT;
	strata_loglist *l;
	int rc, exists = 0;
	size_t i;

	st_begin_call(s);
	*out = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (s->offline)
		return st_fail(s, STRATA_EUSAGE, "the log is in the database; it is not offline work");
	if ((rc = st_connect(s, 1)))
		return rc;
	if (!(l = calloc(1, sizeof(*l))))
		return st_err_oom(&s->err);
	*out = l;
	rc = history_exists(s, &exists);
	if (rc || !exists)
		return rc;
	st_buf_puts(&b, "SELECT id, revision, direction, checksum, applied_at, duration_ms, "
			"applied_by, strata_version, note FROM ");
	st_put_table(s, &b, 1);
	if (revision) {
		st_buf_puts(&b, " WHERE revision = ");
		st_buf_put_literal(&b, revision);
	}
	st_buf_puts(&b, " ORDER BY id DESC");
	if (limit)
		st_buf_printf(&b, " LIMIT %zu", limit);
	if (st_buf_oom(&b))
		return st_err_oom(&s->err);
	rc = s->conn_drv->query(&s->err, s->conn, st_buf_str(&b), 9, &l->cells);
	st_buf_free(&b);
	if (rc)
		return rc;
	l->v = calloc(l->cells.n / 9 + 1, sizeof(strata_log_entry));
	if (!l->v)
		return st_err_oom(&s->err);
	for (i = 0; i < l->cells.n / 9; i++) {
		char **c = l->cells.v + 9 * i;
		strata_log_entry *e = &l->v[l->n++];
		e->id = strtol(c[0], NULL, 10);
		e->revision = c[1];
		e->direction = c[2];
		e->checksum = c[3];
		e->applied_at = c[4];
		e->duration_ms = strtol(c[5], NULL, 10);
		e->applied_by = c[6];
		e->strata_version = c[7];
		e->note = c[8];
	}
	return 0;
}

STRATA_API size_t strata_loglist_count(const strata_loglist *l)
{
	return l ? l->n : 0;
}

STRATA_API const strata_log_entry *strata_loglist_get(const strata_loglist *l, size_t i)
{
	return l && i < l->n ? &l->v[i] : NULL;
}

STRATA_API void strata_loglist_free(strata_loglist *l)
{
	if (!l)
		return;
	st_strvec_free(&l->cells);
	free(l->v);
	free(l);
}
