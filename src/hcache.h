/* hcache.h - a cache of parsed revision headers, so that the graph commands need not read every
 * revision file on every run.
 *
 * An entry is a file's parsed headers and the file's identity when it was read (device, inode,
 * size, modification and change times, to the nanosecond).  It is used only while a stat of the
 * file still matches all of these; a file changed less than two seconds before its entry would
 * be written is not cached at all, so that an edit within a coarse file-system time tick cannot
 * hide behind an unchanged time.  Whatever the cache says, a file whose body is needed (to run
 * it or checksum it) is read and parsed again, and its headers must match (st_rev_load_body).
 *
 * The cache lives outside the project: $XDG_CACHE_HOME/strata (or ~/.cache/strata), one file
 * per versions folder, named by a hash of the folder's real path.  STRATA_NO_CACHE=1 turns it
 * off.  Anything wrong with it (missing, unreadable, another format, damaged) makes it empty;
 * a cache that cannot be written is skipped without a word: it is only ever a shortcut.
 * See docs/internals/performance.md. */
#ifndef STRATA_HCACHE_H
#define STRATA_HCACHE_H

#include "arena.h"
#include "script.h"

typedef struct st_hcache st_hcache;

/* The cache for the versions folder dir, which holds n revision files, opened for reading in
 * name order; NULL when caching is off or memory ran out (callers then read every file). */
st_hcache *st_hcache_open(const char *dir, size_t n);

/* Stat every file (names: the n, in name order; dirfd: the folder), before any is read: what
 * the cache is checked against, and what is recorded for a file read and parsed after. */
void st_hcache_stat(st_hcache *h, int dirfd, const char *const *names);

/* File i: when the cache's entry for name matches the file's stat, fill r from it (path and
 * strings in a) and return 1; else 0, and the file is to be read. */
int st_hcache_get(st_hcache *h, st_arena *a, size_t i, const char *name, const char *path,
		  st_rev *r);

/* File i was read and parsed (into revs[i], for st_hcache_close). */
void st_hcache_put(st_hcache *h, size_t i);

/* When every file was loaded (write) and anything differed from the cache, write it again from
 * revs (the n revisions, in name order, with their file names); then free it. */
void st_hcache_close(st_hcache *h, int write, st_rev *const *revs, const char *const *names);

#endif
