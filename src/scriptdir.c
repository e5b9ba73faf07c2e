/* scriptdir.c - the script directory: every *.sql file in <script_location>/versions (or the
 * scripts compiled into the program), parsed and linked into the revision graph.
 *
 * Files are read for their headers only (st_script_parse_header): the graph commands need no
 * more, and the texts of 100,000 revisions would not fit the memory budget.  A file's body
 * (its text, for the checksum, and its sections) is read again when a command needs it
 * (st_rev_load_body), and its headers must then still say what the graph was built from.
 * See docs/internals/performance.md. */
#include "strata_int.h"

#include "hcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A buffer reused for every file read. */
typedef struct scratch {
	char *data;
	size_t cap;
} scratch;

/* Read a whole regular file (dirfd and name as for openat) into sc: open, fstat, one read of
 * the size plus a byte (a short read that ends at the size is the end of the file), close.
 * O_NONBLOCK: a FIFO named *.sql is refused instead of waited on. */
static int read_whole(st_err *err, int dirfd, const char *name, const char *path, scratch *sc,
		      size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), e;
	struct stat st;
	size_t n = 0;

	if (fd < 0)
		return st_err_set(err, STRATA_EIO, "cannot read %s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return st_err_set(err, STRATA_EIO, "cannot read %s: %s", path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return st_err_set(err, STRATA_EIO, "cannot read %s: %s", path,
				  S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file");
	}
	for (;;) {
		ssize_t r;
		size_t want = (size_t)st.st_size + 1;
		if (want < n + 4096)
			want = n + 4096; /* the file grew since fstat */
		if (sc->cap < want + 1) {
			size_t cap = sc->cap ? sc->cap : 65536;
			char *p;
			while (cap < want + 1)
				cap *= 2;
			if (!(p = realloc(sc->data, cap))) {
				close(fd);
				return st_err_oom(err);
			}
			sc->data = p;
			sc->cap = cap;
		}
		r = read(fd, sc->data + n, sc->cap - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			close(fd);
			return st_err_set(err, STRATA_EIO, "cannot read %s: %s", path, strerror(e));
		}
		n += (size_t)r;
		if (r == 0 || (n == (size_t)st.st_size && n < sc->cap - 1))
			break;
	}
	close(fd);
	sc->data[n] = '\0';
	*len = n;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The *.sql names of the versions folder, sorted, in one block (*block, free()). */
static int list_versions(strata *s, DIR *d, char **block, const char ***names, size_t *n)
{
	st_buf b = ST_BUF_INIT;
	struct dirent *de;
	size_t count = 0, i, off;
	const char **v;

	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		st_buf_add(&b, de->d_name, len + 1);
		count++;
	}
	if (st_buf_oom(&b) || !(v = malloc(sizeof(*v) * (count ? count : 1)))) {
		st_buf_free(&b);
		return st_err_oom(&s->err);
	}
	for (i = 0, off = 0; i < count; i++) {
		v[i] = b.data + off;
		off += strlen(v[i]) + 1;
	}
	qsort(v, count, sizeof(*v), cmp_name);
	*block = b.data;
	*names = v;
	*n = count;
	return 0;
}

static int check_name(strata *s, st_rev *r, const char *path, const char *name)
{
	if (st_file_name_matches_id(name, r->id))
		return 0;
	st_fail(s, STRATA_ESCRIPT, "revision id %s does not match its file name %s", r->id, name);
	st_err_at(&s->err, path, r->id_line, 0);
	st_err_hint(&s->err, "name the file %s_<slug>.sql, or fix the `-- revision:` header", r->id);
	return STRATA_ESCRIPT;
}

static int load_embedded(strata *s, const strata_embedded_script *emb, size_t n, st_rev **revs)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		st_rev *r;
		if (!emb[i].name || !emb[i].text)
			return st_fail(s, STRATA_EUSAGE, "embedded script %zu has no name or text", i);
		if (!(r = st_arena_alloc(&s->graph.arena, sizeof(*r))))
			return st_err_oom(&s->err);
		/* The caller's texts need not outlive the handle: parsed whole, copied. */
		if ((rc = st_script_parse(&s->err, &s->graph.arena, r, emb[i].name, emb[i].text,
					  strlen(emb[i].text))) ||
		    (rc = check_name(s, r, emb[i].name, st_path_basename(emb[i].name))))
			return rc;
		revs[i] = r;
	}
	return 0;
}

/* The path of a file of the versions folder is prefix + name. */
static char *path_prefix(const char *dir)
{
	char *p = st_path_join(dir, "x");

	if (p)
		p[strlen(p) - 1] = '\0';
	return p;
}

int st_load_scripts(strata *s, const strata_embedded_script *emb, size_t n_emb)
{
	st_rev **revs = NULL;
	const char **names = NULL;
	char *block = NULL, *prefix = NULL, *path = NULL;
	scratch sc = { NULL, 0 };
	size_t i, n = 0, plen = 0, hits = 0;
	st_hcache *hc = NULL;
	DIR *d = NULL;
	int rc = 0;

	if (emb) {
		n = n_emb;
	} else {
		int fd = open(s->versions_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd2 = -1;
		if (fd < 0 || (fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0 || !(d = fdopendir(fd2))) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			if (fd2 >= 0)
				close(fd2);
			st_fail(s, STRATA_ECONFIG, "cannot open the versions folder %s: %s",
				s->versions_dir, strerror(e));
			if (e == ENOENT)
				st_err_hint(&s->err, "script_location is %s (from %s); run `strata init` "
						     "or fix script_location",
					    s->script_dir, s->cfg.path ? s->cfg.path : "the options");
			return STRATA_ECONFIG;
		}
		if (s->graph.has_dir_fd)
			close(s->graph.dir_fd);
		s->graph.dir_fd = fd;
		s->graph.has_dir_fd = 1;
		if ((rc = list_versions(s, d, &block, &names, &n)))
			goto done;
		if (!(prefix = path_prefix(s->versions_dir)) ||
		    !(path = malloc((plen = strlen(prefix)) + 256 + 1))) {
			rc = st_err_oom(&s->err);
			goto done;
		}
		memcpy(path, prefix, plen);
	}
	if (!(revs = malloc(sizeof(*revs) * (n ? n : 1)))) {
		rc = st_err_oom(&s->err);
		goto done;
	}
	if (emb) {
		rc = load_embedded(s, emb, n, revs);
	} else {
		hc = st_hcache_open(s->versions_dir, n);
		st_hcache_stat(hc, dirfd(d), names);
		for (i = 0; i < n && !rc; i++) {
			size_t len, nl = strlen(names[i]);
			st_rev *r;
			if (nl > 255) { /* NAME_MAX */
				char *p = realloc(path, plen + nl + 1);
				if (!p) {
					rc = st_err_oom(&s->err);
					break;
				}
				path = p;
			}
			memcpy(path + plen, names[i], nl + 1);
			if (!(r = st_arena_alloc(&s->graph.arena, sizeof(*r)))) {
				rc = st_err_oom(&s->err);
				break;
			}
			revs[i] = r;
			/* The header cache: one stat instead of open, read and parse. */
			if (st_hcache_get(hc, &s->graph.arena, i, names[i], path, r)) {
				rc = check_name(s, r, path, names[i]);
				hits++;
				continue;
			}
			if ((rc = read_whole(&s->err, dirfd(d), names[i], path, &sc, &len)))
				break;
			if (!(rc = st_script_parse_header(&s->err, &s->graph.arena, r, path, sc.data,
							  len)))
				rc = check_name(s, r, path, names[i]);
			if (!rc)
				st_hcache_put(hc, i);
		}
		st_hcache_close(hc, !rc, revs, names);
		if (!rc)
			st_log(s, STRATA_LOG_DEBUG, "%zu revision file%s: %zu read, %zu from the header "
						    "cache%s",
			       n, n == 1 ? "" : "s", n - hits, hits, hc ? "" : " (off)");
	}
	/* The names are in the arena now (the paths): freed before the graph is built. */
	free(names);
	free(block);
	names = NULL;
	block = NULL;
	if (!rc)
		rc = st_graph_build(&s->err, &s->graph, revs, n);
done:
	if (d)
		closedir(d);
	free(sc.data);
	free(revs);
	free(names);
	free(block);
	free(prefix);
	free(path);
	return rc;
}

static int same_list(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return 0;
	return 1;
}

int st_rev_load_body(strata *s, const st_rev *cr)
{
	st_rev *r = (st_rev *)cr, full;
	st_arena tmp = { NULL };
	scratch sc = { NULL, 0 };
	size_t len;
	char *text;
	int rc;

	if (r->text)
		return 0;
	if ((rc = read_whole(&s->err, s->graph.has_dir_fd ? s->graph.dir_fd : AT_FDCWD,
			     s->graph.has_dir_fd ? st_path_basename(r->path) : r->path, r->path, &sc,
			     &len)))
		goto done;
	/* Parsed whole in a scratch arena: the headers must be what the graph was built from. */
	if ((rc = st_script_parse_header(&s->err, &tmp, &full, r->path, sc.data, len)))
		goto done;
	if (strcmp(full.id, r->id) != 0 ||
	    !same_list(full.down_ids, full.n_down_ids, r->down_ids, r->n_down_ids) ||
	    !same_list(full.depends_ids, full.n_depends_ids, r->depends_ids, r->n_depends_ids) ||
	    !same_list(full.labels, full.n_labels, r->labels, r->n_labels)) {
		rc = st_fail(s, STRATA_ESCRIPT, "%s changed while strata was running: its headers "
						"differ from those read at the start",
			     r->path);
		st_err_hint(&s->err, "run the command again");
		goto done;
	}
	/* The text that is checksummed is the text that runs: both come from this read. */
	if (!(text = st_arena_strndup(&s->graph.arena, sc.data, len)) ||
	    (full.up.present &&
	     !(full.up.sql = st_arena_strndup(&s->graph.arena, text + full.up.off, full.up.len))) ||
	    (full.down.present && !(full.down.sql = st_arena_strndup(&s->graph.arena,
								     text + full.down.off,
								     full.down.len)))) {
		rc = st_err_oom(&s->err);
		goto done;
	}
	r->up = full.up;
	r->down = full.down;
	r->text_len = len;
	r->text = text;
done:
	st_arena_free(&tmp);
	free(sc.data);
	return rc;
}
