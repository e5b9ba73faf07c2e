/* pg_dl.c - loading libpq and libpg_query at run time; see pg_dl.h. */
#define ST_PG_DL_NO_MACROS
#include "pg_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* The SONAMEs, found at build time (meson.build); overridable for tests. */
#ifndef ST_PQ_SONAME
#define ST_PQ_SONAME "libpq.so.5"
#endif
#ifndef ST_PGQ_SONAME
#define ST_PGQ_SONAME "libpg_query.so"
#endif

#define ST_PG_DL_DEFINE(f) __typeof__(f) *st_dl_##f;
ST_PQ_FUNCS(ST_PG_DL_DEFINE)
ST_PGQ_FUNCS(ST_PG_DL_DEFINE)
#undef ST_PG_DL_DEFINE

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_failed;
static char load_error[512];
static const char *load_hint;

static void *open_lib(const char *soname, const char *package)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h && !load_failed) {
		const char *e = dlerror();
		load_failed = 1;
		snprintf(load_error, sizeof(load_error), "cannot load %s, which PostgreSQL needs: %s",
			 soname, e ? e : "not found");
		load_hint = package;
	}
	return h;
}

static void *sym(void *h, const char *soname, const char *name)
{
	void *p = dlsym(h, name);

	if (!p && !load_failed) {
		load_failed = 1;
		snprintf(load_error, sizeof(load_error), "%s has no function %s", soname, name);
		load_hint = "the installed library is not the version strata was built with; rebuild "
			    "strata";
	}
	return p;
}

static void load(void)
{
	/* Never closed: the pointers stay valid for the life of the process. */
	void *pq = open_lib(ST_PQ_SONAME, "install the libpq5 package (apt-get install libpq5)");
	void *pgq = open_lib(ST_PGQ_SONAME, "install the package that provides " ST_PGQ_SONAME
					    " (Debian: libpg-query, e.g. apt-get install "
					    "libpg-query-dev)");

	if (load_failed)
		return;
	/* dlsym's object pointer into the function pointer, as POSIX allows, by copying it. */
#define ST_PG_DL_LOAD(f)                                  \
	{                                                 \
		void *p_ = sym(pq, ST_PQ_SONAME, #f);     \
		memcpy(&st_dl_##f, &p_, sizeof(p_));      \
	}
	ST_PQ_FUNCS(ST_PG_DL_LOAD)
#undef ST_PG_DL_LOAD
#define ST_PG_DL_LOAD(f)                                  \
	{                                                 \
		void *p_ = sym(pgq, ST_PGQ_SONAME, #f);   \
		memcpy(&st_dl_##f, &p_, sizeof(p_));      \
	}
	ST_PGQ_FUNCS(ST_PG_DL_LOAD)
#undef ST_PG_DL_LOAD
}

int st_pg_load(st_err *err)
{
	pthread_once(&load_once, load);
	if (!load_failed)
		return 0;
	if (err) {
		st_err_set(err, STRATA_ECONFIG, "%s", load_error);
		if (load_hint)
			st_err_hint(err, "%s", load_hint);
	}
	return STRATA_ECONFIG;
}
