/* project.c - files strata writes: a new project (strata init) and new revision files from
 * the project's template (strata revision, strata merge). */
#include "strata_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char default_ini[] =
	"# strata project configuration.  Relative paths are relative to this file.\n"
	"[strata]\n"
	"# The folder holding versions/ (one .sql file per revision) and script.sql.tmpl.\n"
	"script_location = migrations\n"
	"\n"
	"# The database.  --url and $DATABASE_URL take precedence; ${VAR} reads the environment,\n"
	"# e.g. url = postgresql://app:${DB_PASSWORD}@localhost/app\n"
	"url = sqlite:///app.db\n"
	"\n"
	"# The table that records the applied revisions (one row per head).\n"
	"version_table = strata_version\n"
	"\n"
	"# The desired schema, for `strata revision --autogenerate` and `strata check`.\n"
	"schema_file = schema.sql\n"
	"\n"
	"# Names of new revision files: %(rev)s %(slug)s %(year)d %(month).2d %(day).2d\n"
	"# %(hour).2d %(minute).2d %(second).2d %(epoch)d\n"
	"file_template = %(rev)s_%(slug)s\n"
	"\n"
	"# How long to wait for another runner's migration lock (30s, 500ms, 2m, forever).\n"
	"lock_timeout = 60s\n";

static const char default_template[] =
	"-- revision: ${revision}\n"
	"-- down_revision: ${down_revision}\n"
	"-- branch_labels: ${branch_labels}\n"
	"-- depends_on: ${depends_on}\n"
	"-- message: ${message}\n"
	"-- created: ${created}\n"
	"\n"
	"-- migrate:up\n"
	"${upgrade}\n"
	"\n"
	"-- migrate:down\n"
	"${downgrade}\n";

static const char default_schema[] =
	"-- The desired state of the database schema, in plain SQL.\n"
	"-- `strata revision --autogenerate` compares it with the database and writes the\n"
	"-- migration; `strata check` tells whether the database matches it.\n";

STRATA_API int strata_init_project(strata *s, const char *dir)
{
	struct {
		const char *name;
		const char *text;
	} files[] = {
		{ "strata.ini", default_ini },
		{ "migrations/script.sql.tmpl", default_template },
		{ "schema.sql", default_schema },
	};
	char *paths[ST_ARRAY_LEN(files) + 1] = { NULL };
	char *versions = NULL;
	size_t i;
	int rc = 0;

	st_begin_call(s);
	if (!dir || !*dir)
		dir = ".";
	for (i = 0; i < ST_ARRAY_LEN(files); i++)
		if (!(paths[i] = st_path_join(dir, files[i].name))) {
			rc = st_err_oom(&s->err);
			goto out;
		}
	if (!(versions = st_path_join(dir, "migrations/versions"))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	/* Check everything first, so a refusal leaves nothing behind. */
	for (i = 0; i < ST_ARRAY_LEN(files); i++)
		if (st_path_exists(paths[i])) {
			rc = st_fail(s, STRATA_EIO, "%s already exists; strata init does not overwrite files",
				     paths[i]);
			st_err_hint(&s->err, "init a new folder, or remove the file first");
			goto out;
		}
	if (st_path_exists(versions) && !st_is_dir(versions)) {
		rc = st_fail(s, STRATA_EIO, "%s exists and is not a folder", versions);
		goto out;
	}
	if ((rc = st_mkdirs(&s->err, versions)))
		goto out;
	for (i = 0; i < ST_ARRAY_LEN(files); i++)
		if ((rc = st_write_new_file(&s->err, paths[i], files[i].text, strlen(files[i].text))))
			goto out;
out:
	for (i = 0; i < ST_ARRAY_LEN(files); i++)
		free(paths[i]);
	free(versions);
	return rc;
}

/* ---- file names ---------------------------------------------------------------------------- */

/* Render file_template: %(name)s / %(name)d with printf-like width and precision. */
static int render_file_name(strata *s, st_buf *out, const char *tmpl, const char *rev,
			    const char *slug, time_t now)
{
	struct tm tm;
	const char *p = tmpl;

	gmtime_r(&now, &tm);
	while (*p) {
		if (p[0] == '%' && p[1] == '%') {
			st_buf_putc(out, '%');
			p += 2;
			continue;
		}
		if (p[0] == '%' && p[1] == '(') {
			const char *name = p + 2, *close = strchr(name, ')'), *spec, *conv;
			size_t nlen;
			long v = -1;

			if (!close)
				goto bad;
			nlen = (size_t)(close - name);
			spec = close + 1;
			conv = spec;
			while (*conv && (isdigit((unsigned char)*conv) || *conv == '.' || *conv == '-'))
				conv++;
			if ((*conv != 's' && *conv != 'd') || conv - spec > 6)
				goto bad;
#define IS(n) (nlen == strlen(n) && strncmp(name, n, nlen) == 0)
			{
				/* printf-like flags: '-', '0', width, .precision */
				const char *q = spec;
				int left = 0, zero = 0, width = 0, prec = -1;
				char num[32];
				const char *str;
				size_t len, pad;
				while (q < conv && (*q == '-' || *q == '0')) {
					left |= *q == '-';
					zero |= *q == '0';
					q++;
				}
				while (q < conv && isdigit((unsigned char)*q))
					width = width * 10 + (*q++ - '0');
				if (q < conv && *q == '.') {
					prec = 0;
					for (q++; q < conv && isdigit((unsigned char)*q); q++)
						prec = prec * 10 + (*q - '0');
				}
				if (q != conv)
					goto bad;
				if (IS("rev") || IS("slug")) {
					str = IS("rev") ? rev : slug;
					len = strlen(str);
					if (prec >= 0 && (size_t)prec < len)
						len = (size_t)prec;
					zero = 0;
				} else {
					if (IS("year")) v = tm.tm_year + 1900;
					else if (IS("month")) v = tm.tm_mon + 1;
					else if (IS("day")) v = tm.tm_mday;
					else if (IS("hour")) v = tm.tm_hour;
					else if (IS("minute")) v = tm.tm_min;
					else if (IS("second")) v = tm.tm_sec;
					else if (IS("epoch")) v = (long)now;
					else goto bad;
					snprintf(num, sizeof(num), "%ld", v);
					len = strlen(num);
					if (prec > 0 && (size_t)prec > len && prec < 20) {
						memmove(num + (size_t)prec - len, num, len + 1);
						memset(num, '0', (size_t)prec - len);
						len = (size_t)prec;
					}
					str = num;
				}
				pad = (size_t)width > len ? (size_t)width - len : 0;
				if (!left)
					while (pad--)
						st_buf_putc(out, zero ? '0' : ' ');
				st_buf_add(out, str, len);
				if (left)
					while (pad--)
						st_buf_putc(out, ' ');
			}
#undef IS
			p = conv + 1;
			continue;
		}
		if (*p == '/' || *p == '%')
			goto bad;
		st_buf_putc(out, *p++);
	}
	/* An empty slug leaves a trailing separator: drop it. */
	while (out->len && (out->data[out->len - 1] == '_' || out->data[out->len - 1] == '-'))
		st_buf_truncate(out, out->len - 1);
	return 0;
bad:
	st_fail(s, STRATA_ECONFIG, "invalid file_template '%s' near '%.20s'", tmpl, p);
	st_err_hint(&s->err, "use %%(rev)s, %%(slug)s, %%(year)d, %%(month).2d, %%(day).2d, "
			     "%%(hour).2d, %%(minute).2d, %%(second).2d, %%(epoch)d; no '/'");
	return STRATA_ECONFIG;
}

/* ---- the template ------------------------------------------------------------------------- */

typedef struct tvar {
	const char *name;
	const char *value;
} tvar;

static const char *lookup_var(const tvar *vars, size_t n, const char *name, size_t len)
{
	static const struct {
		const char *alias, *name;
	} aliases[] = { { "up_revision", "revision" }, { "create_date", "created" },
			{ "upgrades", "upgrade" }, { "downgrades", "downgrade" } };
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(aliases); i++)
		if (strlen(aliases[i].alias) == len && strncmp(aliases[i].alias, name, len) == 0) {
			name = aliases[i].name;
			len = strlen(name);
		}
	for (i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && strncmp(vars[i].name, name, len) == 0)
			return vars[i].value;
	return NULL;
}

/* Expand ${name} in the template.  A header line ("-- key: ${x}") whose value is empty is
 * left out, so a base revision has no down_revision line rather than an empty one. */
static int render_template(strata *s, st_buf *out, const char *tmpl, const char *tmpl_path,
			   const tvar *vars, size_t nvars)
{
	const char *line = tmpl;
	int line_no = 0;

	while (*line) {
		const char *end = strchr(line, '\n'), *p;
		size_t start = out->len;
		int had_var = 0, all_empty = 1;

		end = end ? end + 1 : line + strlen(line);
		line_no++;
		for (p = line; p < end;) {
			if (p[0] == '$' && p[1] == '{') {
				const char *close = memchr(p + 2, '}', (size_t)(end - p - 2));
				const char *v;
				if (!close) {
					st_fail(s, STRATA_ECONFIG, "unclosed ${ in the revision template");
					st_err_at(&s->err, tmpl_path, line_no, (int)(p - line) + 1);
					return STRATA_ECONFIG;
				}
				v = lookup_var(vars, nvars, p + 2, (size_t)(close - p - 2));
				if (!v) {
					st_fail(s, STRATA_ECONFIG, "unknown placeholder ${%.*s} in the revision template",
						(int)(close - p - 2), p + 2);
					st_err_at(&s->err, tmpl_path, line_no, (int)(p - line) + 1);
					st_err_hint(&s->err, "placeholders: revision, down_revision, "
							     "branch_labels, depends_on, message, created, "
							     "upgrade, downgrade");
					return STRATA_ECONFIG;
				}
				had_var = 1;
				if (*v)
					all_empty = 0;
				st_buf_puts(out, v);
				p = close + 1;
			} else {
				st_buf_putc(out, *p++);
			}
		}
		if (had_var && all_empty) {
			const char *l = line;
			while (*l == ' ' || *l == '\t')
				l++;
			if (l[0] == '-' && l[1] == '-' && memchr(l, ':', (size_t)(end - l)) &&
			    !st_starts_with(l + 2 + strspn(l + 2, " "), "migrate:"))
				st_buf_truncate(out, start);
		}
		line = end;
	}
	return st_buf_oom(out) ? st_err_oom(&s->err) : 0;
}

/* ---- strata revision / merge ---------------------------------------------------------------- */

static int add_unique(const char **v, size_t *n, const char *id)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i], id) == 0)
			return 0;
	v[(*n)++] = id;
	return 1;
}

static void join(st_buf *b, const char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		st_buf_printf(b, "%s%s", i ? ", " : "", v[i]);
}

static int reload(strata *s)
{
	st_graph_free(&s->graph);
	free(s->applied);
	s->applied = NULL;
	s->state_valid = 0;
	return st_load_scripts(s, NULL, 0);
}

STRATA_API int strata_revision_create(strata *s, char **out_path,
				      const strata_revision_spec *spec)
{
	static const char *const head[] = { "head" };
	const char *const *heads = spec->heads ? spec->heads : head;
	size_t n_heads = spec->heads ? spec->n_heads : 1, i, j, n_parents = 0, n_deps = 0;
	const char **parents = NULL, **deps = NULL;
	char id[65], when[32], *tmpl_text = NULL, *tmpl_path = NULL, *path = NULL, *msg = NULL;
	char slug[41];
	st_buf name = ST_BUF_INIT, body = ST_BUF_INIT, downs = ST_BUF_INIT, labels = ST_BUF_INIT,
	       depends = ST_BUF_INIT;
	time_t now = time(NULL);
	int rc = 0, base = 0;

	st_begin_call(s);
	if (out_path)
		*out_path = NULL;
	if ((rc = st_need_project(s)))
		return rc;
	if (!s->versions_dir)
		return st_fail(s, STRATA_EUSAGE, "this project's scripts are embedded: there is no "
						 "folder to write a revision to");
	parents = calloc(s->graph.n + n_heads + 1, sizeof(char *));
	deps = calloc(s->graph.n + spec->n_depends_on + 1, sizeof(char *));
	if (!parents || !deps) {
		rc = st_err_oom(&s->err);
		goto out;
	}

	/* The id. */
	if (spec->rev_id) {
		if (!st_valid_rev_id(spec->rev_id)) {
			rc = st_fail(s, STRATA_EUSAGE, "invalid revision id '%s': use letters, digits, _ "
						       "and -, at most 64",
				     spec->rev_id);
			goto out;
		}
		if (st_graph_get(&s->graph, spec->rev_id)) {
			rc = st_fail(s, STRATA_EUSAGE, "revision %s already exists", spec->rev_id);
			goto out;
		}
		snprintf(id, sizeof(id), "%s", spec->rev_id);
	} else {
		do {
			if ((rc = st_random_rev_id(&s->err, id)))
				goto out;
		} while (st_graph_get(&s->graph, id));
	}

	/* The parents. */
	for (i = 0; i < n_heads; i++) {
		st_target t;
		if (strcmp(heads[i], "base") == 0) {
			base = 1;
			continue;
		}
		if (strcmp(heads[i], "head") == 0 && s->graph.n_heads > 1) {
			st_buf hb = ST_BUF_INIT;
			for (j = 0; j < s->graph.n_heads; j++)
				st_buf_printf(&hb, "%s%s", j ? ", " : "", s->graph.heads[j]->id);
			rc = st_fail(s, STRATA_ETARGET, "the revision graph has %zu heads: %s",
				     s->graph.n_heads, st_buf_str(&hb));
			st_err_hint(&s->err, "say which one to build on with --head REV (or label@head), "
					     "or join them first with `strata merge heads`");
			st_buf_free(&hb);
			goto out;
		}
		if ((rc = st_target_parse(s, &t, heads[i])))
			goto out;
		if (t.kind != ST_T_REVS) {
			rc = st_fail(s, STRATA_ETARGET, "--head needs a revision, not '%s'", heads[i]);
			st_target_free(&t);
			goto out;
		}
		for (j = 0; j < t.n; j++) {
			if (t.revs[j]->n_children && !spec->splice) {
				rc = st_fail(s, STRATA_ETARGET, "revision %s is not a head", t.revs[j]->id);
				st_err_hint(&s->err, "pass --splice to start a new branch from it");
				st_target_free(&t);
				goto out;
			}
			add_unique(parents, &n_parents, t.revs[j]->id);
		}
		st_target_free(&t);
	}
	if (base && n_parents) {
		rc = st_fail(s, STRATA_EUSAGE, "--head base cannot be combined with other heads");
		goto out;
	}
	/* Labels: new, and not an id. */
	for (i = 0; i < spec->n_branch_labels; i++) {
		const char *l = spec->branch_labels[i];
		st_rev *other = st_graph_label(&s->graph, l);
		if (other || st_graph_get(&s->graph, l) || !*l || strchr(l, '@') || strchr(l, ',') ||
		    strchr(l, ' ')) {
			rc = st_fail(s, STRATA_EUSAGE, other ? "branch label '%s' is taken (by %s)"
							      : "invalid branch label '%s'%s",
				     l, other ? other->id : "");
			goto out;
		}
	}
	/* Dependencies: resolved to full ids. */
	for (i = 0; i < spec->n_depends_on; i++) {
		st_target t;
		if ((rc = st_target_parse(s, &t, spec->depends_on[i])))
			goto out;
		if (t.kind != ST_T_REVS) {
			rc = st_fail(s, STRATA_ETARGET, "--depends-on needs a revision, not '%s'",
				     spec->depends_on[i]);
			st_target_free(&t);
			goto out;
		}
		for (j = 0; j < t.n; j++)
			add_unique(deps, &n_deps, t.revs[j]->id);
		st_target_free(&t);
	}

	/* The file. */
	msg = strdup(spec->message ? spec->message : "");
	if (!msg) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	for (i = 0; msg[i]; i++)
		if (msg[i] == '\n' || msg[i] == '\r')
			msg[i] = ' ';
	st_slugify(slug, sizeof(slug), msg);
	if ((rc = render_file_name(s, &name, s->cfg.file_template, id, slug, now)))
		goto out;
	st_buf_puts(&name, ".sql");
	if (st_buf_oom(&name) || !(path = st_path_join(s->versions_dir, st_buf_str(&name)))) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	if (!st_file_name_matches_id(st_path_basename(path), id)) {
		rc = st_fail(s, STRATA_ECONFIG, "file_template '%s' does not put the revision id in "
						"the file name",
			     s->cfg.file_template);
		goto out;
	}
	tmpl_path = st_path_join(s->script_dir, "script.sql.tmpl");
	if (!tmpl_path) {
		rc = st_err_oom(&s->err);
		goto out;
	}
	if (st_path_exists(tmpl_path)) {
		if ((rc = st_read_file(&s->err, tmpl_path, &tmpl_text, NULL)))
			goto out;
	}
	join(&downs, parents, n_parents);
	join(&labels, spec->branch_labels, spec->n_branch_labels);
	join(&depends, deps, n_deps);
	st_now_iso(when);
	{
		tvar vars[] = {
			{ "revision", id },
			{ "down_revision", st_buf_str(&downs) },
			{ "branch_labels", st_buf_str(&labels) },
			{ "depends_on", st_buf_str(&depends) },
			{ "message", msg },
			{ "created", when },
			{ "upgrade", spec->upgrade_sql ? spec->upgrade_sql : "" },
			{ "downgrade", spec->downgrade_sql ? spec->downgrade_sql : "" },
		};
		rc = render_template(s, &body, tmpl_text ? tmpl_text : default_template,
				     tmpl_text ? tmpl_path : "(built-in template)", vars,
				     ST_ARRAY_LEN(vars));
		if (rc)
			goto out;
	}
	if ((rc = st_write_new_file(&s->err, path, body.data, body.len)))
		goto out;
	/* Read it back: the graph includes it, and a template that yields an unreadable file is
	 * caught now, not at the next upgrade. */
	if ((rc = reload(s))) {
		st_err_prefix(&s->err, "the new revision file is not valid (check the template): ");
		goto out;
	}
	if (out_path) {
		*out_path = path;
		path = NULL;
	}
out:
	free(parents);
	free(deps);
	free(tmpl_text);
	free(tmpl_path);
	free(path);
	free(msg);
	st_buf_free(&name);
	st_buf_free(&body);
	st_buf_free(&downs);
	st_buf_free(&labels);
	st_buf_free(&depends);
	return rc;
}
