/* strata_int.h - the handle and what the library's parts share behind the public API. */
#ifndef STRATA_INT_H
#define STRATA_INT_H

#include "strata.h"

#include "config.h"
#include "driver.h"
#include "error.h"
#include "graph.h"
#include "url.h"
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <stdint.h>

struct strata {
	st_err err;
	strata_error pub;     /* the view strata_last_error() returns */

	int loaded;           /* a project is open */
	st_config cfg;
	char *script_dir;     /* the migrations folder (resolved), or NULL when embedded */
	char *versions_dir;
	st_url url;
	const char *url_source;
	st_err url_err;       /* why the URL is unusable, reported when a command needs it */
	const st_driver *drv; /* the engine (also in offline mode: for its dialect) */
	st_graph graph;

	/* Connection, opened on first use. */
	st_conn *conn;
	int conn_readonly;
	const st_driver *conn_drv; /* the driver conn belongs to (offline or drv) */
	struct sqlite3 *app_db;

	/* Options. */
	long lock_timeout_ms;
	long statement_timeout_ms;
	long pg_lock_timeout_ms;
	int offline;
	void (*sql_fn)(void *ctx, const char *sql);
	void *sql_ctx;
	strata_log_fn log_fn;
	void *log_ctx;
	strata_level log_level;
	strata_event_fn event_fn;
	void *event_ctx;

	/* Current state, read from the version table and cached. */
	int state_valid;
	uint8_t *applied;     /* st_graph.n bytes */
	st_strvec rows;       /* version table rows as read */

	int allow_changed;
	int single_txn;       /* the whole run in one transaction */
	int outer_txn;        /* that transaction is open: steps neither begin nor commit */
	/* The version table cannot change under this run but by its own steps: it holds the
	 * engine's session lock (PostgreSQL), or a step already checked the table inside the
	 * run's one transaction (whose write lock it keeps).  Steps need not read it again. */
	int run_locked, outer_checked;

	volatile sig_atomic_t interrupted;
};

struct strata_revlist {
	const st_rev **v;
	size_t n;
};

typedef struct st_step {
	st_rev *rev;
	strata_direction dir;
} st_step;

struct strata_plan {
	st_step *steps;
	size_t n;
};

/* Errors. */
int st_fail(strata *s, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void st_log(strata *s, strata_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Reset the error before a public call. */
void st_begin_call(strata *s);
int st_need_project(strata *s);

/* Revision lists. */
strata_revlist *st_revlist_new(size_t cap);
int st_revlist_push(strata_revlist *l, const st_rev *r);

/* Script directory (scriptdir.c): load revisions from the folder or the embedded array. */
int st_load_scripts(strata *s, const strata_embedded_script *emb, size_t n_emb);
/* Read r's body (its text and sections) when not read yet: the loader keeps only headers.
 * Fails when the file is gone or its headers changed since the graph was built. */
int st_rev_load_body(strata *s, const st_rev *r);

/* Database access (run.c). */
int st_connect(strata *s, int readonly);
int st_read_state(strata *s, int readonly);
/* Append the quoted, schema-qualified name of the version table (or the history table). */
void st_put_table(strata *s, st_buf *b, int history);
/* The history table's bare name (free()); NULL on OOM. */
char *st_history_table_name(strata *s);
int st_exec_buf(strata *s, st_buf *b); /* runs and frees b */
int st_ensure_tables(strata *s);
/* strata's own writes (version rows, history rows), gathered and then sent in one batch
 * (st_driver.exec_batch: one round trip on PostgreSQL, prepared statements on both). */
typedef struct st_own {
	st_stmt *v;
	size_t n, cap;
	st_strvec keep; /* the texts and values the statements point into */
	int oom;
} st_own;
/* Send the gathered statements, then COMMIT when commit is set; empties o either way. */
int st_own_send(strata *s, st_own *o, int commit);
void st_own_free(st_own *o);
/* Add a history row for r (or, when r is NULL, for the id alone, without checksum) to o. */
int st_write_history(strata *s, st_own *o, const st_rev *r, const char *id,
		     const char *direction, double ms, const char *note);
int st_db_absent(strata *s);
int st_lock_run(strata *s, int take);
#define ST_REPLAN 1 /* st_run_step: the version table changed under us; plan again */
/* Run one step in its own transaction (unless transaction:false), with the version table and
 * history updates.  Returns 0, ST_REPLAN, or an error. */
int st_run_step(strata *s, const st_step *st, size_t index, size_t total);
/* Refuse a plan before anything runs: a down section missing, a section that cannot work. */
int st_check_steps(strata *s, const strata_plan *p);

/* Integrity (verify.c): refuse to run when applied scripts were edited or deleted. */
int st_check_unchanged(strata *s);

/* Targets (target.c). */
typedef enum st_target_kind {
	ST_T_REVS,     /* a set of revisions: revs */
	ST_T_BASE,     /* nothing applied (label: only that branch) */
	ST_T_RELATIVE  /* delta steps from the current state (label/anchor restricts the branch) */
} st_target_kind;

typedef struct st_target {
	st_target_kind kind;
	st_rev **revs;
	size_t n;
	long delta;
	const char *label;  /* label@..., or NULL */
	st_rev *anchor;     /* rev@... anchor, or NULL */
	char *text;         /* the expression, for messages */
} st_target;

/* Resolve a target expression.  Needs no database: relative forms stay relative. */
int st_target_parse(strata *s, st_target *t, const char *expr);
void st_target_free(st_target *t);

/* Plans (plan.c), from the cached state s->applied. */
/* The applied revisions nothing else applied needs (what the version table holds). */
size_t st_top_revs(const strata *s, const uint8_t *applied, st_rev **out);
int st_plan_up(strata *s, strata_plan **out, const st_target *t);
int st_plan_down(strata *s, strata_plan **out, const st_target *t);

#endif
