/* util.h - small helpers shared by the library: files and paths, ids and times, string lists. */
#ifndef STRATA_UTIL_H
#define STRATA_UTIL_H

#include "error.h"

#include <stddef.h>

#define ST_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Read a whole file; *out (free()) is NUL-terminated.  Errors name the path. */
int st_read_file(st_err *err, const char *path, char **out, size_t *len);
/* Create path with exactly this content, failing if it exists (O_EXCL), mode 0644 minus umask. */
int st_write_new_file(st_err *err, const char *path, const char *data, size_t len);
/* Replace path atomically (write a temporary file beside it, then rename). */
int st_write_file_atomic(st_err *err, const char *path, const char *data, size_t len);
/* Fault in the whole pages of a fresh allocation with one call instead of a page fault per
 * page on first touch (a fault is dear under a hypervisor).  Best effort; nothing else. */
void st_prefault(void *p, size_t n);
int st_path_exists(const char *path);
int st_is_dir(const char *path);
/* mkdir -p with mode 0755. */
int st_mkdirs(st_err *err, const char *path);

/* Join dir and name ("." and absolute names handled); free() the result.  NULL on OOM. */
char *st_path_join(const char *dir, const char *name);
/* The directory part of path ("." when there is none); free() the result. */
char *st_path_dirname(const char *path);
const char *st_path_basename(const char *path);
int st_path_is_absolute(const char *path);

/* 12 lowercase hex digits from the system's random source. */
int st_random_rev_id(st_err *err, char out[13]);
/* "2026-11-28 10:15:02+00:00" (UTC) into out. */
void st_now_iso(char out[32]);
/* Monotonic milliseconds. */
double st_now_ms(void);

/* "Create account table!" -> "create_account_table", at most max bytes. */
void st_slugify(char *out, size_t max, const char *message);

/* Trim ASCII whitespace at both ends, in place; returns s. */
char *st_trim(char *s);
/* Case-insensitive ASCII comparison. */
int st_strieq(const char *a, const char *b);
int st_starts_with(const char *s, const char *prefix);

/* A growable array of owned strings. */
typedef struct st_strvec {
	char **v;
	size_t n, cap;
} st_strvec;

int st_strvec_push(st_strvec *sv, const char *s);
int st_strvec_pushn(st_strvec *sv, const char *s, size_t n);
void st_strvec_free(st_strvec *sv);
/* Sort strings (strcmp order); n may be 0 with v NULL. */
void st_sort_strings(char **v, size_t n);
/* Split "a, b c" on commas and whitespace into sv (empty parts dropped). */
int st_strvec_split_list(st_strvec *sv, const char *list);

#endif
