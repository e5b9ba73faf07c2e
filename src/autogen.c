/* autogen.c - autogenerate and check: the desired schema (schema_file, or a folder of .sql
 * files) is executed by the engine itself into a scratch database, both sides are introspected
 * by the same code, compared, and the dialect writes the upgrade and the downgrade. */
#include "strata_int.h"

#include "schema.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

struct strata_autogen {
	char *up;
	char *down;
	st_strvec differences;
	st_strvec warnings;
	st_strvec unsupported;
};

/* The schema file, or every *.sql file of the schema folder in name order. */
static int schema_files(strata *s, st_strvec *files)
{
	char *path = st_path_join(s->cfg.dir, s->cfg.schema_file);
	int rc = 0;

	if (!path)
		return st_err_oom(&s->err);
	if (st_is_dir(path)) {
		DIR *d = opendir(path);
		struct dirent *de;
		if (!d) {
			rc = st_fail(s, STRATA_ECONFIG, "cannot read the schema folder %s", path);
			free(path);
			return rc;
		}
		while (!rc && (de = readdir(d))) {
			size_t n = strlen(de->d_name);
			char *f;
			if (de->d_name[0] == '.' || n < 5 || strcmp(de->d_name + n - 4, ".sql") != 0)
				continue;
			if (!(f = st_path_join(path, de->d_name)) || st_strvec_push(files, f))
				rc = st_err_oom(&s->err);
			free(f);
		}
		closedir(d);
		st_sort_strings(files->v, files->n);
		if (!rc && !files->n)
			rc = st_fail(s, STRATA_ECONFIG, "the schema folder %s has no .sql files", path);
	} else if (!st_path_exists(path)) {
		rc = st_fail(s, STRATA_ECONFIG, "schema file %s does not exist", path);
		st_err_hint(&s->err, "schema_file in %s names the desired schema: one .sql file, or a "
				     "folder of them",
			    s->cfg.path ? s->cfg.path : "the options");
	} else if (st_strvec_push(files, path)) {
		rc = st_err_oom(&s->err);
	}
	free(path);
	return rc;
}

/* Execute the desired schema into a scratch database and read it back. */
static int desired_schema(strata *s, st_schema *out)
{
	const st_driver *d = s->drv;
	st_strvec files = { 0 };
	st_connect_opts o;
	st_conn *scratch = NULL;
	char *name = NULL;
	size_t i;
	int rc;

	if ((rc = schema_files(s, &files)))
		return rc;
	memset(&o, 0, sizeof(o));
	o.lock_timeout_ms = s->lock_timeout_ms;
	o.shadow_url = s->cfg.shadow_url; /* PostgreSQL: an empty database to use instead */
	if ((rc = d->scratch_open(&s->err, s->conn, &s->url, &o, &scratch, &name))) {
		st_err_prefix(&s->err, "cannot make a scratch database for the desired schema: ");
		st_strvec_free(&files);
		return rc;
	}
	for (i = 0; i < files.n && !rc; i++) {
		char *text = NULL;
		size_t len = 0;
		st_srcpos pos = { files.v[i], 1 };
		if ((rc = st_read_file(&s->err, files.v[i], &text, &len)))
			break;
		rc = d->exec_script(&s->err, scratch, text, len, &pos);
		if (rc)
			st_err_prefix(&s->err, "the schema file does not run: ");
		free(text);
	}
	if (!rc)
		rc = d->introspect(&s->err, scratch, out, NULL);
	d->close(scratch);
	d->scratch_drop(s->conn, name); /* always: the scratch database never outlives the call */
	free(name);
	st_strvec_free(&files);
	return rc;
}

/* The database must be at head: every head applied, nothing else on top (as Alembic). */
static int at_head(strata *s)
{
	size_t i;
	st_buf b = ST_BUF_INIT;

	for (i = 0; i < s->graph.n_heads; i++)
		if (!s->applied[s->graph.heads[i]->idx])
			st_buf_printf(&b, "%s%s", b.len ? ", " : "", s->graph.heads[i]->id);
	if (!b.len)
		return 0;
	st_fail(s, STRATA_ETARGET, "the database is not at head: %s not applied", st_buf_str(&b));
	st_err_hint(&s->err, "run `strata upgrade heads` first, so the new revision starts where the "
			     "others end");
	st_buf_free(&b);
	return STRATA_ETARGET;
}

static int parse_renames(strata *s, const char *const *specs, size_t n, st_rename **out)
{
	size_t i;

	*out = calloc(n + 1, sizeof(st_rename));
	if (!*out)
		return st_err_oom(&s->err);
	for (i = 0; i < n; i++) {
		const char *spec = specs[i], *colon = strchr(spec, ':'), *dot;
		char *left;
		if (!colon || colon == spec || !colon[1] || strchr(colon + 1, ':'))
			return st_fail(s, STRATA_EUSAGE, "invalid rename '%s': write OLD:NEW for a table or "
							 "TABLE.OLD:NEW for a column",
				       spec);
		left = st_arena_strndup(&s->graph.arena, spec, (size_t)(colon - spec));
		if (!left)
			return st_err_oom(&s->err);
		dot = strchr(left, '.');
		if (dot) {
			(*out)[i].table = st_arena_strndup(&s->graph.arena, left, (size_t)(dot - left));
			(*out)[i].from = dot + 1;
		} else {
			(*out)[i].from = left;
		}
		(*out)[i].to = colon + 1;
	}
	return 0;
}

/* Append from's lines to to's, but those it has already (both sides report what they cannot
 * compare). */
static int copy_lines(st_strvec *to, const st_strvec *from)
{
	size_t i, j;

	for (i = 0; i < from->n; i++) {
		for (j = 0; j < to->n && strcmp(to->v[j], from->v[i]) != 0; j++)
			;
		if (j == to->n && st_strvec_push(to, from->v[i]))
			return STRATA_ENOMEM;
	}
	return 0;
}

STRATA_API int strata_autogenerate(strata *s, strata_autogen **out, const char *const *renames,
				   size_t n_renames)
{
	st_schema cur, des;
	st_diff up, down;
	st_rename *rn = NULL, *back = NULL;
	st_buf ub = ST_BUF_INIT, db = ST_BUF_INIT;
	strata_autogen *a = NULL;
	char *hist = NULL;
	const char *skip[3];
	size_t i;
	int rc;

	st_begin_call(s);
	*out = NULL;
	memset(&cur, 0, sizeof(cur));
	memset(&des, 0, sizeof(des));
	memset(&up, 0, sizeof(up));
	memset(&down, 0, sizeof(down));
	if ((rc = st_need_project(s)))
		return rc;
	if (s->offline)
		return st_fail(s, STRATA_EUSAGE, "autogenerate reads the database; it cannot work offline");
	s->state_valid = 0;
	if ((rc = st_read_state(s, 1)) || (rc = at_head(s)))
		return rc;
	if (!s->drv->introspect || !s->drv->dialect)
		return st_fail(s, STRATA_EUSAGE, "autogenerate is not available for %s yet",
			       s->drv->name);
	if ((rc = parse_renames(s, renames, n_renames, &rn)))
		goto out;
	/* The other way round, renames run backwards. */
	back = calloc(n_renames + 1, sizeof(st_rename));
	if (!back) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	for (i = 0; i < n_renames; i++) {
		back[i].table = rn[i].table ? rn[i].table : NULL;
		back[i].from = rn[i].to;
		back[i].to = rn[i].from;
		/* a column rename in a renamed table names the table by its new name; backwards,
		 * by its old one */
		for (size_t j = 0; back[i].table && j < n_renames; j++)
			if (!rn[j].table && strcmp(rn[j].to, back[i].table) == 0)
				back[i].table = rn[j].from;
	}
	if (!(hist = st_history_table_name(s))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	skip[0] = s->cfg.version_table;
	skip[1] = hist;
	skip[2] = NULL;
	if ((rc = s->conn_drv->introspect(&s->err, s->conn, &cur, skip)) ||
	    (rc = desired_schema(s, &des)))
		goto out;
	if ((rc = st_diff_compute(&s->err, &up, &cur, &des, rn, n_renames)) ||
	    (rc = st_diff_compute(&s->err, &down, &des, &cur, back, n_renames)))
		goto out;
	if (!(a = calloc(1, sizeof(*a)))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	if ((rc = s->drv->dialect->render(&s->err, &up, &cur, &des, &ub, &a->warnings)))
		goto out;
	{
		st_strvec dw = { 0 };
		rc = s->drv->dialect->render(&s->err, &down, &des, &cur, &db, &dw);
		st_strvec_free(&dw); /* the downgrade's warnings mirror the upgrade's */
		if (rc)
			goto out;
	}
	if (copy_lines(&a->differences, &up.lines) || copy_lines(&a->unsupported, &cur.unsupported) ||
	    copy_lines(&a->unsupported, &des.unsupported) || !(a->up = st_buf_detach(&ub)) ||
	    !(a->down = st_buf_detach(&db)))
		rc = st_err_oom(&s->err);
out:
	if (rc) {
		strata_autogen_free(a);
		a = NULL;
	}
	*out = a;
	st_buf_free(&ub);
	st_buf_free(&db);
	st_diff_free(&up);
	st_diff_free(&down);
	st_schema_free(&cur);
	st_schema_free(&des);
	free(rn);
	free(back);
	free(hist);
	return rc;
}

STRATA_API const char *strata_autogen_upgrade(const strata_autogen *a)
{
	return a ? a->up : NULL;
}

STRATA_API const char *strata_autogen_downgrade(const strata_autogen *a)
{
	return a ? a->down : NULL;
}

STRATA_API size_t strata_autogen_difference_count(const strata_autogen *a)
{
	return a ? a->differences.n : 0;
}

STRATA_API const char *strata_autogen_difference(const strata_autogen *a, size_t i)
{
	return a && i < a->differences.n ? a->differences.v[i] : NULL;
}

STRATA_API size_t strata_autogen_warning_count(const strata_autogen *a)
{
	return a ? a->warnings.n : 0;
}

STRATA_API const char *strata_autogen_warning(const strata_autogen *a, size_t i)
{
	return a && i < a->warnings.n ? a->warnings.v[i] : NULL;
}

STRATA_API size_t strata_autogen_unsupported_count(const strata_autogen *a)
{
	return a ? a->unsupported.n : 0;
}

STRATA_API const char *strata_autogen_unsupported(const strata_autogen *a, size_t i)
{
	return a && i < a->unsupported.n ? a->unsupported.v[i] : NULL;
}

STRATA_API void strata_autogen_free(strata_autogen *a)
{
	if (!a)
		return;
	free(a->up);
	free(a->down);
	st_strvec_free(&a->differences);
	st_strvec_free(&a->warnings);
	st_strvec_free(&a->unsupported);
	free(a);
}
