/* helpers.h - small helpers shared by the cmocka unit tests: string assertions, temporary
 * folders and files, and compact renderings of revision lists and plans ("a b c") so a test
 * can compare a whole order with one assert_string_equal.
 *
 * Include after <cmocka.h>.  Everything is static inline so a test file that does not use a
 * helper gets no unused-function warning. */
#ifndef STRATA_TEST_HELPERS_H
#define STRATA_TEST_HELPERS_H

#include "strata.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* hay contains needle (hay may be NULL: that fails too). */
#define assert_contains(hay, needle)                                                          \
	do {                                                                                  \
		const char *h_ = (hay), *n_ = (needle);                                       \
		if (!h_ || !strstr(h_, n_))                                                   \
			fail_msg("expected \"%s\" to contain \"%s\"", h_ ? h_ : "(null)", n_); \
	} while (0)

#define assert_not_contains(hay, needle)                                                      \
	do {                                                                                  \
		const char *h_ = (hay), *n_ = (needle);                                       \
		if (h_ && strstr(h_, n_))                                                     \
			fail_msg("expected \"%s\" not to contain \"%s\"", h_, n_);            \
	} while (0)

#define assert_starts_with(hay, prefix)                                                       \
	do {                                                                                  \
		const char *h_ = (hay), *p_ = (prefix);                                       \
		if (!h_ || strncmp(h_, p_, strlen(p_)) != 0)                                  \
			fail_msg("expected \"%s\" to start with \"%s\"", h_ ? h_ : "(null)", p_); \
	} while (0)

/* ---- temporary files ------------------------------------------------------------------ */

static inline int th_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf dir */
static inline void th_rmtree(const char *dir)
{
	if (dir && *dir)
		nftw(dir, th_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new empty folder under $TMPDIR (or /tmp); buf receives its path. */
static inline void th_mkdtemp(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(buf, size, "%s/strata-unit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(buf))
		fail_msg("mkdtemp %s failed", buf);
}

static inline void th_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		fail_msg("cannot create %s", path);
	if (fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0)
		fail_msg("cannot write %s", path);
}

/* ---- rendering lists -------------------------------------------------------------------- */

/* "id1 id2 ..." of a revision list, in list order ("" when empty or NULL).  The buffer is
 * static: use one result per assertion. */
static inline const char *th_ids(const strata_revlist *l)
{
	static char buf[8192];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < strata_revlist_count(l); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
				      strata_revision_id(strata_revlist_get(l, i)));
	return buf;
}

/* "id1 id2 ..." of a plan's steps; every step must go in direction dir. */
static inline const char *th_plan_ids(const strata_plan *p, strata_direction dir)
{
	static char buf[8192];
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < strata_plan_count(p); i++) {
		if (strata_plan_direction(p, i) != dir)
			fail_msg("plan step %zu (%s) goes the wrong way", i,
				 strata_revision_id(strata_plan_revision(p, i)));
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
				      strata_revision_id(strata_plan_revision(p, i)));
	}
	return buf;
}

#endif
