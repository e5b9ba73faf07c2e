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

/* Each library once, on its first use: `current` and `status` need libpq only. */
typedef struct lib_state {
	pthread_once_t once;
	int failed;
	char error[512];
	const char *hint;
} lib_state;

static lib_state pq_state = { PTHREAD_ONCE_INIT, 0, "", NULL };
static lib_state pgq_state = { PTHREAD_ONCE_INIT, 0, "", NULL };

static void *open_lib(lib_state *ls, const char *soname, const char *package)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		const char *e = dlerror();
		ls->failed = 1;
		snprintf(ls->error, sizeof(ls->error), "cannot load %s, which PostgreSQL needs: %s",
			 soname, e ? e : "not found");
		ls->hint = package;
	}
	return h;
}

static void *sym(lib_state *ls, void *h, const char *soname, const char *name)
{
	void *p = dlsym(h, name);

	if (!p && !ls->failed) {
		ls->failed = 1;
		snprintf(ls->error, sizeof(ls->error), "%s has no function %s", soname, name);
		ls->hint = "the installed library is not the version strata was built with; rebuild "
			   "strata";
	}
	return p;
}

/* dlsym's object pointer into the function pointer, as POSIX allows, by copying it.  Never
 * closed: the pointers stay valid for the life of the process. */
#define ST_PG_DL_LOAD(ls, h, soname, f)                         \
	{                                                       \
		void *p_ = sym(ls, h, soname, #f);              \
		memcpy(&st_dl_##f, &p_, sizeof(p_));            \
	}

static void load_pq(void)
{
	void *h = open_lib(&pq_state, ST_PQ_SONAME,
			   "install the libpq5 package (apt-get install libpq5)");

	if (!h)
		return;
#define ST_PQ_LOAD(f) ST_PG_DL_LOAD(&pq_state, h, ST_PQ_SONAME, f)
	ST_PQ_FUNCS(ST_PQ_LOAD)
#undef ST_PQ_LOAD
}

static void load_pgq(void)
{
	void *h = open_lib(&pgq_state, ST_PGQ_SONAME,
			   "install the package that provides " ST_PGQ_SONAME
			   " (Debian: libpg-query, e.g. apt-get install libpg-query-dev)");

	if (!h)
		return;
#define ST_PGQ_LOAD(f) ST_PG_DL_LOAD(&pgq_state, h, ST_PGQ_SONAME, f)
	ST_PGQ_FUNCS(ST_PGQ_LOAD)
#undef ST_PGQ_LOAD
}

static int loaded(lib_state *ls, void (*fn)(void), st_err *err)
{
	pthread_once(&ls->once, fn);
	if (!ls->failed)
		return 0;
	if (err) {
		st_err_set(err, STRATA_ECONFIG, "%s", ls->error);
		if (ls->hint)
			st_err_hint(err, "%s", ls->hint);
	}
	return STRATA_ECONFIG;
}

int st_pg_load(st_err *err)
{
	return loaded(&pq_state, load_pq, err);
}

int st_pgq_load(st_err *err)
{
	return loaded(&pgq_state, load_pgq, err);
}
