/* scriptdir.c - the script directory: every *.sql file in <script_location>/versions (or the
 * scripts compiled into the program), parsed and linked into the revision graph. */
#include "strata_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int list_versions(strata *s, st_strvec *names)
{
	DIR *d = opendir(s->versions_dir);
	struct dirent *de;

	if (!d) {
		int e = errno;
		st_fail(s, STRATA_ECONFIG, "cannot open the versions folder %s: %s", s->versions_dir,
			strerror(e));
		if (e == ENOENT)
			st_err_hint(&s->err, "script_location is %s (from %s); run `strata init` or fix "
					     "script_location",
				    s->script_dir, s->cfg.path ? s->cfg.path : "the options");
		return STRATA_ECONFIG;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 5 || strcmp(de->d_name + n - 4, ".sql") != 0)
			continue;
		if (st_strvec_push(names, de->d_name)) {
			closedir(d);
			return st_err_oom(&s->err);
		}
	}
	closedir(d);
	st_sort_strings(names->v, names->n);
	return 0;
}

static int parse_one(strata *s, st_rev **slot, const char *path, const char *name,
		     const char *text, size_t len)
{
	st_rev *r = st_arena_alloc(&s->graph.arena, sizeof(*r));
	int rc;

	if (!r)
		return st_err_oom(&s->err);
	rc = st_script_parse(&s->err, &s->graph.arena, r, path, text, len);
	if (rc)
		return rc;
	if (!st_file_name_matches_id(name, r->id)) {
		st_fail(s, STRATA_ESCRIPT, "revision id %s does not match its file name %s", r->id,
			name);
		st_err_at(&s->err, path, r->id_line, 0);
		st_err_hint(&s->err, "name the file %s_<slug>.sql, or fix the `-- revision:` header",
			    r->id);
		return STRATA_ESCRIPT;
	}
	*slot = r;
	return 0;
}

int st_load_scripts(strata *s, const strata_embedded_script *emb, size_t n_emb)
{
	st_strvec names = { 0 };
	st_rev **revs = NULL;
	size_t i, n;
	int rc = 0;

	if (emb) {
		n = n_emb;
	} else {
		if ((rc = list_versions(s, &names)))
			return rc;
		n = names.n;
	}
	revs = calloc(n ? n : 1, sizeof(*revs));
	if (!revs) {
		st_strvec_free(&names);
		return st_err_oom(&s->err);
	}
	for (i = 0; i < n && !rc; i++) {
		if (emb) {
			if (!emb[i].name || !emb[i].text) {
				rc = st_fail(s, STRATA_EUSAGE, "embedded script %zu has no name or text", i);
				break;
			}
			rc = parse_one(s, &revs[i], emb[i].name, st_path_basename(emb[i].name),
				       emb[i].text, strlen(emb[i].text));
		} else {
			char *path = st_path_join(s->versions_dir, names.v[i]), *text = NULL;
			size_t len = 0;
			if (!path) {
				rc = st_err_oom(&s->err);
				break;
			}
			rc = st_read_file(&s->err, path, &text, &len);
			if (!rc)
				rc = parse_one(s, &revs[i], path, names.v[i], text, len);
			free(text);
			free(path);
		}
	}
	if (!rc)
		rc = st_graph_build(&s->err, &s->graph, revs, n);
	free(revs);
	st_strvec_free(&names);
	return rc;
}
