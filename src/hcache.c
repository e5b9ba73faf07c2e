/* hcache.c - the cache of parsed revision headers; see hcache.h.
 *
 * The file: a header, then one entry per revision file in name order, every field a
 * NUL-terminated string (numbers in decimal):
 *
 *   "strata-hcache" "1" STRATA_VERSION
 *   name identity (dev ino size mtime_s mtime_ns ctime_s ctime_ns: 16 hex digits each)
 *   id message has_created created id_line down_line labels_line depends_line
 *   up.present up.transactional up.line up.off up.len (the same five for down) text_len
 *   n_down down_id... n_labels label... n_depends depends_id...
 *
 * It is read front to back in step with the sorted file names, through a buffer, so the
 * memory it takes does not grow with the number of revisions; when anything differed, it is
 * written again from the revisions just loaded. */
#include "hcache.h"

#include "buf.h"
#include "sha256.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "strata-hcache"
#define FORMAT "2"
#define SETTLE_S 2 /* seconds a file must be unchanged before its entry is written */

/* A file's identity when it was read. */
typedef struct ident {
	uint64_t dev, ino, size, mtime_s, mtime_ns, ctime_s, ctime_ns;
} ident;

struct st_hcache {
	char *path; /* the cache file */
	int fd;     /* reading it; -1 when done or absent */
	char *buf;  /* what was read and not yet consumed: buf[pos, len) */
	size_t pos, len, cap;
	int broken;      /* stop reading: damaged, or ended */
	int dirty;       /* write it again at close */
	size_t n;        /* revision files this run */
	ident *ids;      /* per file: its identity (read or cached); valid[i] says whether known */
	unsigned char *valid;
	double now; /* seconds since the epoch */
	/* Stat'ing the files: [0, mid) by st_hcache_get as it goes, the rest by thread. */
	int dirfd;
	const char *const *names;
	size_t mid;
	pthread_t thread;
	int running;
};

static void ident_of(ident *id, const struct stat *st)
{
	id->dev = (uint64_t)st->st_dev;
	id->ino = (uint64_t)st->st_ino;
	id->size = (uint64_t)st->st_size;
	id->mtime_s = (uint64_t)st->st_mtim.tv_sec;
	id->mtime_ns = (uint64_t)st->st_mtim.tv_nsec;
	id->ctime_s = (uint64_t)st->st_ctim.tv_sec;
	id->ctime_ns = (uint64_t)st->st_ctim.tv_nsec;
}

/* An identity as one field: 7 numbers of 16 hex digits (compared as text, never parsed). */
#define IDENT_HEX (7 * 16)

static void ident_hex(const ident *id, char out[IDENT_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	const uint64_t v[7] = { id->dev,     id->ino,     id->size,    id->mtime_s,
				id->mtime_ns, id->ctime_s, id->ctime_ns };
	int i, k;

	for (i = 0; i < 7; i++)
		for (k = 0; k < 16; k++)
			out[16 * i + k] = hex[(v[i] >> (60 - 4 * k)) & 0xf];
	out[IDENT_HEX] = '\0';
}

/* ---- reading ------------------------------------------------------------------------------ */

/* The next field (valid until the next call), or NULL at the end or on damage. */
static const char *field(st_hcache *h)
{
	for (;;) {
		char *nul = h->pos < h->len ? memchr(h->buf + h->pos, '\0', h->len - h->pos) : NULL;
		ssize_t r;

		if (nul) {
			const char *f = h->buf + h->pos;
			h->pos = (size_t)(nul - h->buf) + 1;
			return f;
		}
		if (h->broken || h->fd < 0)
			return NULL;
		/* Keep the partial field, make room, read more. */
		memmove(h->buf, h->buf + h->pos, h->len - h->pos);
		h->len -= h->pos;
		h->pos = 0;
		if (h->len == h->cap) {
			char *p = realloc(h->buf, h->cap * 2);
			if (!p) {
				h->broken = 1;
				return NULL;
			}
			h->buf = p;
			h->cap *= 2;
		}
		do
			r = read(h->fd, h->buf + h->len, h->cap - h->len);
		while (r < 0 && errno == EINTR);
		if (r <= 0) {
			h->broken = 1; /* the end (a field cut short is damage, too) */
			return NULL;
		}
		h->len += (size_t)r;
	}
}

/* A decimal field (strtoull, with its locale and base handling, was most of the run). */
static int number(st_hcache *h, uint64_t *v)
{
	const char *f, *p = h->buf + h->pos, *end = h->buf + h->len;
	uint64_t n = 0;

	/* Most numbers are whole in the buffer: parse them there, without looking for the NUL
	 * first. */
	for (; p < end && *p >= '0' && *p <= '9' && n <= (UINT64_MAX - 9) / 10; p++)
		n = n * 10 + (uint64_t)(*p - '0');
	if (p < end && !*p && p > h->buf + h->pos) {
		h->pos = (size_t)(p - h->buf) + 1;
		*v = n;
		return 0;
	}
	f = field(h);
	n = 0;
	if (!f || !*f)
		return -1;
	for (; *f; f++) {
		if (*f < '0' || *f > '9' || n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*f - '0');
	}
	*v = n;
	return 0;
}

static int small(st_hcache *h, size_t *v, size_t max)
{
	uint64_t u;

	if (number(h, &u) || u > max)
		return -1;
	*v = (size_t)u;
	return 0;
}

static int line_no(st_hcache *h, int *v)
{
	size_t u;

	if (small(h, &u, INT32_MAX))
		return -1;
	*v = (int)u;
	return 0;
}

/* A string field copied into a (or skipped when a is NULL). */
static int string(st_hcache *h, st_arena *a, const char **out)
{
	const char *f = field(h);

	if (!f)
		return -1;
	if (a && !(*out = st_arena_strdup(a, f)))
		return -1;
	return 0;
}

static int section(st_hcache *h, st_section *sec)
{
	size_t off, len;

	if (line_no(h, &sec->present) || line_no(h, &sec->transactional) ||
	    line_no(h, &sec->line) || small(h, &off, SIZE_MAX / 2) || small(h, &len, SIZE_MAX / 2))
		return -1;
	sec->off = off;
	sec->len = len;
	return 0;
}

static int list(st_hcache *h, st_arena *a, const char ***v, size_t *n)
{
	size_t i;

	if (small(h, n, 1u << 20))
		return -1;
	if (a && *n && !(*v = st_arena_ptrs(a, *n)))
		return -1;
	for (i = 0; i < *n; i++)
		if (string(h, a, a ? &(*v)[i] : NULL))
			return -1;
	return 0;
}

/* The rest of an entry after its identity: into r (a set), or skipped (a NULL). */
static int entry_body(st_hcache *h, st_arena *a, st_rev *r)
{
	st_rev skip;
	const char *created = NULL;
	size_t has_created, text_len;

	if (!a)
		r = &skip;
	if (string(h, a, &r->id) || string(h, a, &r->message) || small(h, &has_created, 1) ||
	    string(h, a, &created) || line_no(h, &r->id_line) || line_no(h, &r->down_line) ||
	    line_no(h, &r->labels_line) || line_no(h, &r->depends_line) || section(h, &r->up) ||
	    section(h, &r->down) || small(h, &text_len, SIZE_MAX / 2) ||
	    list(h, a, &r->down_ids, &r->n_down_ids) || list(h, a, &r->labels, &r->n_labels) ||
	    list(h, a, &r->depends_ids, &r->n_depends_ids))
		return -1;
	r->created = has_created ? created : NULL;
	r->text_len = text_len;
	return 0;
}

st_hcache *st_hcache_open(const char *dir, size_t n)
{
	const char *base = getenv("XDG_CACHE_HOME"), *home = getenv("HOME"), *off, *f;
	char *real = NULL, sum[65];
	st_buf b = ST_BUF_INIT;
	st_hcache *h;

	off = getenv("STRATA_NO_CACHE");
	if ((off && *off && strcmp(off, "0") != 0) || (!(base && *base == '/') && !(home && *home)))
		return NULL;
	if (!(h = calloc(1, sizeof(*h))) || !(real = realpath(dir, NULL)) ||
	    !(h->ids = calloc(n ? n : 1, sizeof(*h->ids))) || !(h->valid = calloc(n ? n : 1, 1)) ||
	    !(h->buf = malloc(h->cap = 65536)))
		goto fail;
	st_sha256_hex(real, strlen(real), sum);
	if (base && *base == '/')
		st_buf_printf(&b, "%s/strata/%.32s", base, sum);
	else
		st_buf_printf(&b, "%s/.cache/strata/%.32s", home, sum);
	if (st_buf_oom(&b))
		goto fail;
	h->path = b.data;
	h->n = n;
	st_prefault(h->ids, (n ? n : 1) * sizeof(*h->ids));
	{
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		h->now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	}
	h->fd = open(h->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (h->fd < 0 || !(f = field(h)) || strcmp(f, MAGIC) != 0 || !(f = field(h)) ||
	    strcmp(f, FORMAT) != 0 || !(f = field(h)) || strcmp(f, STRATA_VERSION) != 0) {
		h->broken = 1;
		h->dirty = 1;
	}
	free(real);
	return h;
fail:
	free(real);
	st_buf_free(&b);
	if (h) {
		free(h->ids);
		free(h->valid);
		free(h->buf);
		free(h);
	}
	return NULL;
}

/* Stat file i of the folder into h->ids[i]. */
static void stat_one(st_hcache *h, size_t i)
{
	struct stat st;

	if (fstatat(h->dirfd, h->names[i], &st, 0) == 0 && S_ISREG(st.st_mode)) {
		ident_of(&h->ids[i], &st);
		h->valid[i] = 1;
	}
}

static void *stat_rest(void *arg)
{
	st_hcache *h = arg;
	size_t i;

	for (i = h->mid; i < h->n; i++)
		stat_one(h, i);
	return NULL;
}

void st_hcache_stat(st_hcache *h, int dirfd, const char *const *names)
{
	if (!h)
		return;
	h->dirfd = dirfd;
	h->names = names;
	h->mid = h->n;
	/* A stat costs a few microseconds of the kernel's time per file, the most of a cached
	 * run.  With many files, a thread stats the last ~60% while this one stats each of the
	 * first before using its entry (which takes it longer per file), then joins it. */
	if (h->n >= 2048) {
		h->mid = h->n * 2 / 5;
		if (pthread_create(&h->thread, NULL, stat_rest, h) == 0)
			h->running = 1;
		else
			h->mid = h->n;
	}
}

/* File i's identity is in h->ids[i] (when valid[i]) once this returns. */
static void stat_ready(st_hcache *h, size_t i)
{
	if (i < h->mid) {
		stat_one(h, i);
	} else if (h->running) {
		pthread_join(h->thread, NULL);
		h->running = 0;
	}
}

int st_hcache_get(st_hcache *h, st_arena *a, size_t i, const char *name, const char *path,
		  st_rev *r)
{
	char want[IDENT_HEX + 1];
	const char *have;

	if (!h || i >= h->n || !h->names)
		return 0;
	stat_ready(h, i);
	if (!h->valid[i])
		return 0;
	ident_hex(&h->ids[i], want);
	/* Entries before name are files gone since: pass them. */
	while (!h->broken) {
		const char *f = field(h);
		int c;

		if (!f) {
			h->broken = 1;
			break;
		}
		c = strcmp(f, name);
		if (c > 0) {
			/* No entry for name (a new file): the field is an entry's name, to be
			 * compared again with the next file's: step back over it. */
			h->pos -= strlen(f) + 1;
			break;
		}
		if (!(have = field(h))) {
			h->broken = 1;
			break;
		}
		if (c < 0 || strcmp(have, want) != 0) {
			if (entry_body(h, NULL, NULL)) {
				h->broken = 1;
				break;
			}
			if (c < 0)
				continue;
			break; /* the file changed: read it */
		}
		memset(r, 0, sizeof(*r));
		if (!(r->path = st_arena_strdup(a, path)) || entry_body(h, a, r)) {
			h->broken = 1;
			break;
		}
		return 1;
	}
	h->dirty = 1;
	return 0;
}

void st_hcache_put(st_hcache *h, size_t i)
{
	if (h && i < h->n && h->valid[i])
		h->dirty = 1;
}

/* ---- writing ------------------------------------------------------------------------------ */

static void put_str(st_buf *b, const char *s)
{
	st_buf_add(b, s ? s : "", strlen(s ? s : "") + 1);
}

static void put_num(st_buf *b, uint64_t v)
{
	char n[24];

	snprintf(n, sizeof(n), "%llu", (unsigned long long)v);
	put_str(b, n);
}

static void put_list(st_buf *b, const char *const *v, size_t n)
{
	size_t i;

	put_num(b, n);
	for (i = 0; i < n; i++)
		put_str(b, v[i]);
}

static void put_section(st_buf *b, const st_section *sec)
{
	put_num(b, (uint64_t)sec->present);
	put_num(b, (uint64_t)sec->transactional);
	put_num(b, (uint64_t)sec->line);
	put_num(b, sec->off);
	put_num(b, sec->len);
}

/* Whether a file changed long enough ago that a later change must show in its times (file
 * times advance in coarse ticks: an edit in the same tick as the read would look unchanged). */
static int settled(const st_hcache *h, const ident *id)
{
	double limit = h->now - SETTLE_S;

	return (double)id->mtime_s + (double)id->mtime_ns / 1e9 < limit &&
	       (double)id->ctime_s + (double)id->ctime_ns / 1e9 < limit;
}

/* Write out what b holds (all of it when last; else only once it is large); 0 or -1. */
static int flush(int fd, st_buf *b, int last)
{
	size_t off = 0;

	if (st_buf_oom(b))
		return -1;
	if (!last && b->len < 65536)
		return 0;
	while (off < b->len) {
		ssize_t r = write(fd, b->data + off, b->len - off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		off += (size_t)r;
	}
	st_buf_truncate(b, 0);
	return 0;
}

/* Make the cache's folders, private to the user: .../strata and, when missing, its parent. */
static void make_dirs(const char *path)
{
	char *dir = strdup(path), *slash;

	if (!dir || !(slash = strrchr(dir, '/'))) {
		free(dir);
		return;
	}
	*slash = '\0';
	if (mkdir(dir, 0700) < 0 && errno == ENOENT && (slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
		mkdir(dir, 0700);
	}
	free(dir);
}

/* Written in pieces to a temporary file renamed over the cache (never half a cache under its
 * name; not synced: a cache lost in a crash costs one slower run). */
static void write_cache(st_hcache *h, st_rev *const *revs, const char *const *names)
{
	st_buf b = ST_BUF_INIT, tmp = ST_BUF_INIT;
	char hex[IDENT_HEX + 1];
	int fd, bad = 0;
	size_t i;

	make_dirs(h->path);
	st_buf_printf(&tmp, "%s.tmpXXXXXX", h->path);
	if (st_buf_oom(&tmp) || (fd = mkstemp(tmp.data)) < 0) {
		st_buf_free(&tmp);
		return;
	}
	put_str(&b, MAGIC);
	put_str(&b, FORMAT);
	put_str(&b, STRATA_VERSION);
	for (i = 0; i < h->n && !bad; i++) {
		const st_rev *r = revs[i];
		const ident *id = &h->ids[i];

		if (!h->valid[i] || !settled(h, id))
			continue;
		put_str(&b, names[i]);
		ident_hex(id, hex);
		put_str(&b, hex);
		put_str(&b, r->id);
		put_str(&b, r->message);
		put_num(&b, r->created != NULL);
		put_str(&b, r->created);
		put_num(&b, (uint64_t)r->id_line);
		put_num(&b, (uint64_t)r->down_line);
		put_num(&b, (uint64_t)r->labels_line);
		put_num(&b, (uint64_t)r->depends_line);
		put_section(&b, &r->up);
		put_section(&b, &r->down);
		put_num(&b, r->text_len);
		put_list(&b, r->down_ids, r->n_down_ids);
		put_list(&b, r->labels, r->n_labels);
		put_list(&b, r->depends_ids, r->n_depends_ids);
		bad = flush(fd, &b, 0);
	}
	if (!bad)
		bad = flush(fd, &b, 1); /* mkstemp made it 0600 */
	if (close(fd) < 0)
		bad = 1;
	if (bad || rename(tmp.data, h->path) < 0)
		unlink(tmp.data);
	st_buf_free(&b);
	st_buf_free(&tmp);
}

void st_hcache_close(st_hcache *h, int write, st_rev *const *revs, const char *const *names)
{
	if (!h)
		return;
	if (h->running)
		pthread_join(h->thread, NULL);
	/* Entries left unread are files gone since. */
	if (!h->dirty && !h->broken && field(h))
		h->dirty = 1;
	if (write && h->dirty)
		write_cache(h, revs, names);
	if (h->fd >= 0)
		close(h->fd);
	free(h->path);
	free(h->buf);
	free(h->ids);
	free(h->valid);
	free(h);
}
