/* util.c - files, paths, ids, times and string helpers; see util.h. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int st_read_file(st_err *err, const char *path, char **out, size_t *len)
{
	FILE *f;
	char *data = NULL, *p;
	size_t n = 0, cap = 0, r;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return st_err_set(err, STRATA_EIO, "cannot read %s: %s", path, strerror(errno));
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			p = realloc(data, cap + 1);
			if (!p) {
				free(data);
				fclose(f);
				return st_err_oom(err);
			}
			data = p;
		}
		r = fread(data + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(data);
		fclose(f);
		return st_err_set(err, STRATA_EIO, "cannot read %s: %s", path, strerror(e));
	}
	fclose(f);
	data[n] = '\0';
	*out = data;
	if (len)
		*len = n;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int st_write_new_file(st_err *err, const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	if (fd < 0)
		return st_err_set(err, STRATA_EIO, "cannot create %s: %s", path, strerror(errno));
	if (write_all(fd, data, len) || fsync(fd)) {
		int e = errno;
		close(fd);
		unlink(path);
		return st_err_set(err, STRATA_EIO, "cannot write %s: %s", path, strerror(e));
	}
	if (close(fd))
		return st_err_set(err, STRATA_EIO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

int st_write_file_atomic(st_err *err, const char *path, const char *data, size_t len)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	int fd, e;

	if (!tmp)
		return st_err_oom(err);
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		free(tmp);
		return st_err_set(err, STRATA_EIO, "cannot write %s: %s", path, strerror(e));
	}
	if (write_all(fd, data, len) || fchmod(fd, 0644) || fsync(fd)) {
		e = errno;
		close(fd);
	} else if (close(fd) || rename(tmp, path)) {
		e = errno; /* the descriptor is closed either way: never close it twice */
	} else {
		free(tmp);
		return 0;
	}
	unlink(tmp);
	free(tmp);
	return st_err_set(err, STRATA_EIO, "cannot write %s: %s", path, strerror(e));
}

void st_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	static long page;
	uintptr_t start, end;

	if (!page && (page = sysconf(_SC_PAGESIZE)) <= 0)
		page = 4096;
	start = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	end = ((uintptr_t)p + n) & ~((uintptr_t)page - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
	(void)p, (void)n;
#endif
}

int st_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int st_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int st_mkdirs(st_err *err, const char *path)
{
	char *p = strdup(path), *s;

	if (!p)
		return st_err_oom(err);
	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST) {
				int e = errno;
				int rc = st_err_set(err, STRATA_EIO, "cannot create directory %s: %s", p,
						    strerror(e));
				free(p);
				return rc;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	if (!st_is_dir(path))
		return st_err_set(err, STRATA_EIO, "cannot create directory %s: a file is in the way",
				  path);
	return 0;
}

int st_path_is_absolute(const char *path)
{
	return path[0] == '/';
}

char *st_path_join(const char *dir, const char *name)
{
	size_t dl, nl;
	char *p;

	if (!dir || !*dir || st_path_is_absolute(name) || strcmp(dir, ".") == 0)
		return strdup(name);
	dl = strlen(dir);
	nl = strlen(name);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	p = malloc(dl + nl + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

char *st_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

const char *st_path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int st_random_rev_id(st_err *err, char out[13])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[6];
	size_t i;
	FILE *f = fopen("/dev/urandom", "rb");

	if (!f || fread(raw, 1, sizeof(raw), f) != sizeof(raw)) {
		if (f)
			fclose(f);
		return st_err_set(err, STRATA_EIO, "cannot read /dev/urandom for a revision id");
	}
	fclose(f);
	for (i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[12] = '\0';
	return 0;
}

void st_now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S+00:00", &tm);
}

double st_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void st_slugify(char *out, size_t max, const char *message)
{
	size_t n = 0;
	int pending_sep = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)message; *p && n + 1 < max; p++) {
		if (isalnum(*p)) {
			if (pending_sep && n > 0 && n + 2 < max)
				out[n++] = '_';
			pending_sep = 0;
			out[n++] = (char)tolower(*p);
		} else {
			pending_sep = 1;
		}
	}
	out[n] = '\0';
}

char *st_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*e = '\0';
	return s;
}

int st_strieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int st_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int st_strvec_pushn(st_strvec *sv, const char *s, size_t n)
{
	char *copy;

	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 8;
		char **v = realloc(sv->v, cap * sizeof(*v));
		if (!v)
			return STRATA_ENOMEM;
		sv->v = v;
		sv->cap = cap;
	}
	copy = strndup(s, n);
	if (!copy)
		return STRATA_ENOMEM;
	sv->v[sv->n++] = copy;
	return 0;
}

int st_strvec_push(st_strvec *sv, const char *s)
{
	return st_strvec_pushn(sv, s, strlen(s));
}

void st_strvec_free(st_strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

int st_strvec_split_list(st_strvec *sv, const char *list)
{
	const char *p = list, *start;

	while (*p) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		start = p;
		while (*p && *p != ',' && !isspace((unsigned char)*p))
			p++;
		if (p > start && st_strvec_pushn(sv, start, (size_t)(p - start)))
			return STRATA_ENOMEM;
	}
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void st_sort_strings(char **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(char *), cmp_strp);
}
