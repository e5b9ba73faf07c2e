/*
 * strata.h - the public API of libstrata: schema migrations for SQLite and PostgreSQL.
 *
 * Conventions:
 *   - Functions that can fail return an int: STRATA_OK (0) or a negative strata_code.
 *     The details (message, file, line, database message) are kept on the handle and read
 *     with strata_last_error(); they stay valid until the next call on that handle.
 *   - `out` parameters come first after the handle.  What a function returns through
 *     `**out` is owned by the caller and freed with the matching strata_*_free().
 *     Pointers returned by getters are borrowed: they live as long as the handle.
 *   - Every *_free() accepts NULL.
 *   - A handle is not thread-safe; use one handle per thread.
 */
#ifndef STRATA_H
#define STRATA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define STRATA_API __attribute__((visibility("default")))
#else
#define STRATA_API
#endif

#define STRATA_VERSION_STRING "0.1.0"

/* Result codes.  Append-only: existing values never change meaning. */
typedef enum strata_code {
	STRATA_OK = 0,
	STRATA_ERROR = -1,    /* unclassified failure */
	STRATA_ENOMEM = -2,   /* out of memory */
	STRATA_EUSAGE = -3,   /* invalid argument or command line */
	STRATA_ECONFIG = -4,  /* configuration: ini file, URL, environment */
	STRATA_ESCRIPT = -5,  /* a revision file or the revision graph is invalid */
	STRATA_ETARGET = -6,  /* a target cannot be resolved or reached from the current state */
	STRATA_EDB = -7,      /* the database or a migration failed */
	STRATA_ELOCK = -8,    /* the migration lock was not obtained in time */
	STRATA_EINTR = -9,    /* interrupted (strata_interrupt, SIGINT, SIGTERM) */
	STRATA_EIO = -10,     /* reading or writing a file failed */
	STRATA_EDIFF = -11,   /* a check found differences */
	STRATA_ECHANGED = -12 /* an applied script was edited or deleted */
} strata_code;

/* What went wrong, in detail.  Strings are NULL when unknown; line/column are 0 when unknown. */
typedef struct strata_error {
	int code;             /* a strata_code */
	const char *message;  /* one line, names what failed */
	const char *detail;   /* more lines (the database's DETAIL), or NULL */
	const char *hint;     /* what the user can do about it, or NULL */
	const char *sqlstate; /* PostgreSQL SQLSTATE, or NULL */
	int db_code;          /* SQLite extended result code, or 0 */
	const char *file;     /* the file at fault (revision script, ini), or NULL */
	int line;             /* 1-based line in file, or 0 */
	int column;           /* 1-based column in line, or 0 */
} strata_error;

typedef struct strata strata;
typedef struct strata_revision strata_revision;
typedef struct strata_revlist strata_revlist;
typedef struct strata_plan strata_plan;

/* Log levels for the log callback. */
typedef enum strata_level {
	STRATA_LOG_ERROR = 0,
	STRATA_LOG_WARN = 1,
	STRATA_LOG_INFO = 2,
	STRATA_LOG_DEBUG = 3
} strata_level;

typedef void (*strata_log_fn)(void *ctx, strata_level level, const char *msg);

/* Progress events, delivered while migrations run. */
typedef enum strata_event_kind {
	STRATA_EVENT_STEP_BEGIN = 1, /* a migration is about to run */
	STRATA_EVENT_STEP_END = 2,   /* it committed (elapsed_ms is set) */
	STRATA_EVENT_STEP_SKIP = 3   /* another runner applied it meanwhile */
} strata_event_kind;

typedef enum strata_direction {
	STRATA_UP = 1,
	STRATA_DOWN = 2,
	STRATA_STAMP = 3
} strata_direction;

typedef struct strata_event {
	strata_event_kind kind;
	strata_direction direction;
	const strata_revision *revision;
	size_t index;  /* 1-based position of this step in the run */
	size_t total;  /* number of steps planned */
	double elapsed_ms;
} strata_event;

typedef void (*strata_event_fn)(void *ctx, const strata_event *ev);

/* A migration script compiled into the program (see `strata embed`). */
typedef struct strata_embedded_script {
	const char *name; /* file name, e.g. "1975ea83b712_create_account.sql" */
	const char *text; /* the whole file */
} strata_embedded_script;

/* Options for strata_open().  Initialise with strata_options_init(); every field may stay unset. */
#define STRATA_OPTIONS_VERSION 1
typedef struct strata_options {
	unsigned int version; /* STRATA_OPTIONS_VERSION */

	/* Project.  With config_file set, the ini file is read (its [strata] section); the other
	 * fields below override what it says.  Without it, script_location or scripts is needed. */
	const char *config_file;
	const char *url;             /* database URL: sqlite:///path.db, postgresql://... */
	int use_env_url;             /* nonzero: $DATABASE_URL comes before the ini's url */
	const char *script_location; /* the migrations folder (holding versions/) */
	const char *version_table;   /* default "strata_version" */
	const char *version_table_schema; /* PostgreSQL only */
	const strata_embedded_script *scripts; /* compiled-in revisions instead of a folder */
	size_t n_scripts;

	/* Behaviour. */
	long lock_timeout_ms; /* how long to wait for the migration lock; <0: forever; 0: default */
	long statement_timeout_ms; /* stop a statement running longer; <0: never; 0: the ini's */
	int offline;          /* nonzero: emit SQL to sql_fn instead of connecting */
	void (*sql_fn)(void *ctx, const char *sql); /* offline output, one chunk at a time */
	void *sql_ctx;

	/* Reporting. */
	strata_log_fn log_fn;
	void *log_ctx;
	strata_level log_level; /* messages above this level are not delivered */
	strata_event_fn event_fn;
	void *event_ctx;

	/* Integrity: run even when applied scripts were edited or deleted (see strata_verify). */
	int allow_changed;
	/* Run the whole upgrade or downgrade in one transaction (Alembic's default): faster (one
	 * commit), and a failure rolls back every migration of the run, not just the failing one.
	 * Refused when a section is transaction:false.  0: the ini's single_transaction. */
	int single_transaction;
} strata_options;

STRATA_API void strata_options_init(strata_options *opts);

/* Library version, e.g. "0.1.0". */
STRATA_API const char *strata_version(void);

/*
 * Open a project.  A handle is returned in *out even when opening fails (unless memory ran
 * out), so the error can be read from it; free it with strata_free() in every case.
 * opts may be NULL: the handle then holds no project, which is enough for strata_init_project().
 * Nothing connects to the database until an operation needs it.
 */
STRATA_API int strata_open(strata **out, const strata_options *opts);

/* As strata_open(), but use the application's own SQLite connection (never closed by strata). */
struct sqlite3;
STRATA_API int strata_open_sqlite(strata **out, struct sqlite3 *db, const strata_options *opts);

STRATA_API void strata_free(strata *s);

/* The last error on s (never NULL; code STRATA_OK when there was none). */
STRATA_API const strata_error *strata_last_error(const strata *s);

/* Stop the running operation as soon as possible: the current migration is rolled back and
 * the call returns STRATA_EINTR.  Async-signal-safe: may be called from a signal handler. */
STRATA_API void strata_interrupt(strata *s);

/* The URL in use with any password replaced by "***" (never NULL once a project is open). */
STRATA_API const char *strata_url_redacted(const strata *s);
/* The driver's name: "sqlite" or "postgresql". */
STRATA_API const char *strata_dialect(const strata *s);
/* Folder holding versions/ (NULL for embedded scripts), and the ini file (or NULL). */
STRATA_API const char *strata_script_location(const strata *s);
STRATA_API const char *strata_config_path(const strata *s);

/* Create a new project in dir: strata.ini, migrations/versions/, migrations/script.sql.tmpl
 * and schema.sql.  Refuses (STRATA_EIO) when any of them exists; creates nothing then. */
STRATA_API int strata_init_project(strata *s, const char *dir);

/* ---- Revisions ---------------------------------------------------------------------- */

STRATA_API size_t strata_revision_count(const strata *s);
/* Revisions in topological order, bases first (index < strata_revision_count). */
STRATA_API const strata_revision *strata_revision_at(const strata *s, size_t index);

STRATA_API const char *strata_revision_id(const strata_revision *r);
STRATA_API const char *strata_revision_message(const strata_revision *r); /* "" when none */
STRATA_API const char *strata_revision_created(const strata_revision *r); /* or NULL */
STRATA_API const char *strata_revision_path(const strata_revision *r);    /* file or embedded name */
STRATA_API size_t strata_revision_parent_count(const strata_revision *r);
STRATA_API const strata_revision *strata_revision_parent(const strata_revision *r, size_t i);
STRATA_API size_t strata_revision_child_count(const strata_revision *r);
STRATA_API const strata_revision *strata_revision_child(const strata_revision *r, size_t i);
STRATA_API size_t strata_revision_depends_count(const strata_revision *r);
STRATA_API const strata_revision *strata_revision_depends(const strata_revision *r, size_t i);
STRATA_API size_t strata_revision_label_count(const strata_revision *r);
STRATA_API const char *strata_revision_label(const strata_revision *r, size_t i);
/* Labels inherited along the branch (own labels included), space-separated, or "". */
STRATA_API const char *strata_revision_branch_names(const strata_revision *r);
STRATA_API int strata_revision_is_head(const strata_revision *r);
STRATA_API int strata_revision_is_base(const strata_revision *r);
STRATA_API int strata_revision_is_branch_point(const strata_revision *r);
STRATA_API int strata_revision_is_merge(const strata_revision *r);
/* Whether a section may run inside a transaction (1) or was marked transaction:false (0). */
STRATA_API int strata_revision_transactional(const strata_revision *r, strata_direction d);
STRATA_API int strata_revision_has_down(const strata_revision *r);

/* A list of revisions: borrowed elements, owned list. */
STRATA_API size_t strata_revlist_count(const strata_revlist *l);
STRATA_API const strata_revision *strata_revlist_get(const strata_revlist *l, size_t i);
STRATA_API void strata_revlist_free(strata_revlist *l);

/* Heads of the graph (revisions without children), in topological order. */
STRATA_API int strata_heads(strata *s, strata_revlist **out);
/* Resolve a target expression ("head", "ae10", "billing@head", "base", "-1" ...) to the
 * revisions it names.  "base" yields an empty list.  Relative forms need the database. */
STRATA_API int strata_resolve(strata *s, strata_revlist **out, const char *target);
/* History newest first.  range: NULL for all, or "A:B" (either side may be empty; A and B are
 * targets, "current" allowed), as in `alembic history -r`. */
STRATA_API int strata_history(strata *s, strata_revlist **out, const char *range);

/* ---- The database ------------------------------------------------------------------ */

/* The revisions in the version table (one per applied head).  Does not create the database
 * or the version table; an absent one yields an empty list. */
STRATA_API int strata_current(strata *s, strata_revlist **out);
/* Whether r is applied (1), not applied (0); negative on error.  Reads the database once and
 * caches the answer until the next migration on s. */
STRATA_API int strata_is_applied(strata *s, const strata_revision *r);

/* Plans: the steps an upgrade or downgrade would run, without running them. */
STRATA_API int strata_plan_upgrade(strata *s, strata_plan **out, const char *target);
STRATA_API int strata_plan_downgrade(strata *s, strata_plan **out, const char *target);
STRATA_API size_t strata_plan_count(const strata_plan *p);
STRATA_API const strata_revision *strata_plan_revision(const strata_plan *p, size_t i);
STRATA_API strata_direction strata_plan_direction(const strata_plan *p, size_t i);
STRATA_API void strata_plan_free(strata_plan *p);

/* Run migrations.  Each migration and its version-table update commit together.
 * In offline mode the target may be "FROM:TO" and the SQL goes to opts.sql_fn. */
STRATA_API int strata_upgrade(strata *s, const char *target);
STRATA_API int strata_downgrade(strata *s, const char *target);
/* Set the version table to target without running migrations.  purge: delete every row first. */
STRATA_API int strata_stamp(strata *s, const char *target, int purge);

/* ---- Integrity ----------------------------------------------------------------------- */

/* An applied script that no longer matches what was applied. */
typedef enum strata_drift_kind {
	STRATA_DRIFT_CHANGED = 1, /* the file was edited after it was applied */
	STRATA_DRIFT_DELETED = 2  /* the history table records it, no script has it any more */
} strata_drift_kind;

typedef struct strata_drift {
	strata_drift_kind kind;
	const char *revision;
	const char *path;              /* the script, or NULL when deleted */
	const char *recorded_checksum; /* SHA-256 recorded when applied (or accepted) */
	const char *current_checksum;  /* SHA-256 of the file now, or NULL when deleted */
	const char *recorded_at;       /* when it was recorded */
} strata_drift;

typedef struct strata_driftlist strata_driftlist;

/* Compare every applied script with the checksum recorded in the history table.  An empty
 * list means all match.  Revisions applied before strata kept a history are not judged. */
STRATA_API int strata_verify(strata *s, strata_driftlist **out);
STRATA_API size_t strata_driftlist_count(const strata_driftlist *l);
STRATA_API const strata_drift *strata_driftlist_get(const strata_driftlist *l, size_t i);
STRATA_API void strata_driftlist_free(strata_driftlist *l);

/* Accept an intentional edit: record the script's current checksum (history direction
 * "accept").  target: a revision, or NULL for every changed script. */
STRATA_API int strata_accept(strata *s, const char *target);

/* The history table, newest first. */
typedef struct strata_log_entry {
	long id;
	const char *revision;
	const char *direction;   /* up, down, stamp, unstamp, accept, failed */
	const char *checksum;
	const char *applied_at;
	long duration_ms;
	const char *applied_by;  /* user@host */
	const char *strata_version;
	const char *note;        /* why a step failed (a transaction:false section), or "" */
} strata_log_entry;

typedef struct strata_loglist strata_loglist;

/* At most limit entries (0: all), only for revision when it is not NULL. */
STRATA_API int strata_log(strata *s, strata_loglist **out, size_t limit, const char *revision);
STRATA_API size_t strata_loglist_count(const strata_loglist *l);
STRATA_API const strata_log_entry *strata_loglist_get(const strata_loglist *l, size_t i);
STRATA_API void strata_loglist_free(strata_loglist *l);

/* ---- Autogenerate and check --------------------------------------------------------------- */

/* What it takes to turn the database (which must be at head) into the schema the project's
 * schema_file describes: the upgrade and downgrade SQL, the differences one line each, warnings
 * (destructive changes, renames not declared), and objects strata cannot compare (by name).
 * renames: "OLD:NEW" for a table, "TABLE.OLD:NEW" for a column, so strata writes RENAME instead
 * of a drop and an add. */
typedef struct strata_autogen strata_autogen;

STRATA_API int strata_autogenerate(strata *s, strata_autogen **out, const char *const *renames,
				   size_t n_renames);
STRATA_API const char *strata_autogen_upgrade(const strata_autogen *a);   /* "" when none */
STRATA_API const char *strata_autogen_downgrade(const strata_autogen *a);
STRATA_API size_t strata_autogen_difference_count(const strata_autogen *a);
STRATA_API const char *strata_autogen_difference(const strata_autogen *a, size_t i);
STRATA_API size_t strata_autogen_warning_count(const strata_autogen *a);
STRATA_API const char *strata_autogen_warning(const strata_autogen *a, size_t i);
STRATA_API size_t strata_autogen_unsupported_count(const strata_autogen *a);
STRATA_API const char *strata_autogen_unsupported(const strata_autogen *a, size_t i);
STRATA_API void strata_autogen_free(strata_autogen *a);

/* The stairway test (`strata test`): on a scratch database of the same engine, every revision
 * in order is upgraded, downgraded and upgraded again, comparing the schema after each step.
 * Returns STRATA_EDIFF at the first revision whose down does not restore the schema before its
 * up, or whose second up gives another schema (lines say how); a failing statement gives its
 * error as usual.  *out is set in every case once the test started. */
typedef struct strata_stair_result {
	size_t tested;                 /* revisions that passed */
	const strata_revision *failed; /* the first that did not, or NULL */
	const char *phase;             /* where it failed: "up", "down", "up again" */
	const char *const *lines;      /* schema differences found */
	size_t n_lines;
} strata_stair_result;

typedef struct strata_stairway strata_stairway;

STRATA_API int strata_stairway_run(strata *s, strata_stairway **out);
STRATA_API const strata_stair_result *strata_stairway_result(const strata_stairway *w);
STRATA_API void strata_stairway_free(strata_stairway *w);

/* ---- Writing revisions -------------------------------------------------------------- */

typedef struct strata_revision_spec {
	const char *message;          /* -m */
	const char *rev_id;           /* NULL: a random 12-hex-digit id */
	const char *const *heads;     /* parents: targets ("head", "base", ids); NULL = {"head"} */
	size_t n_heads;
	int splice;                   /* allow a parent that is not a head */
	const char *const *branch_labels;
	size_t n_branch_labels;
	const char *const *depends_on;
	size_t n_depends_on;
	const char *upgrade_sql;      /* body of the up section, or NULL */
	const char *downgrade_sql;    /* body of the down section, or NULL */
} strata_revision_spec;

/* Write a new revision file from the project's template.  *out_path (caller frees with
 * strata_string_free) receives the file's path.  The handle's graph includes it afterwards. */
STRATA_API int strata_revision_create(strata *s, char **out_path, const strata_revision_spec *spec);

/* Write a C source file holding every revision script (for strata_options.scripts):
 * `const strata_embedded_script NAME[]` and `const size_t NAME_count`. */
STRATA_API int strata_embed(strata *s, const char *out_path, const char *name);

STRATA_API void strata_string_free(char *str);

/* ---- Adopting another tool's history (import.c) --------------------------------------- */

/* What strata_import() converted: one entry per migration of the source, in its order. */
typedef struct strata_import_migration {
	const char *revision;    /* the revision id (the source's version where it is a valid id) */
	const char *version;     /* the version the other tool records for it in its table */
	const char *name;        /* its name there: the revision's message */
	const char *source_up;   /* the file(s) it came from, relative to the folder */
	const char *source_down; /* or NULL when the source has no down */
	const char *path;        /* the revision file written (NULL in a dry run, or when present) */
	int up_transactional;    /* 0: the up section is marked transaction:false */
	int down_transactional;
	int has_down;            /* 0: no down section, so strata refuses to downgrade past it */
	int existed;             /* the project already had this revision: nothing was written */
} strata_import_migration;

typedef enum strata_import_issue_kind {
	STRATA_IMPORT_NOTE = 1,    /* converted; the text was changed in a way that keeps its meaning */
	STRATA_IMPORT_WARNING = 2, /* converted, but strata runs it differently from the tool, or
				    * will refuse it */
	STRATA_IMPORT_SKIPPED = 3  /* not converted (a Go migration, a repeatable Flyway script...) */
} strata_import_issue_kind;

typedef struct strata_import_issue {
	strata_import_issue_kind kind;
	const char *source;   /* the file, relative to the folder */
	int line;             /* 1-based line in it, or 0 */
	const char *revision; /* the revision it concerns, or NULL */
	const char *message;
} strata_import_issue;

typedef struct strata_import_report strata_import_report;

/* Flags for strata_import(). */
#define STRATA_IMPORT_DRY_RUN 1 /* convert and report, write nothing */

/*
 * Turn another tool's migrations folder into revision files in the project's versions folder,
 * in the tool's order, one revision per migration, parent chain following that order.
 * format: "golang-migrate", "dbmate", "goose", "diesel", "flyway", or NULL to detect it.
 * Nothing is written when any migration cannot be read or parsed as the tool would.  Revisions
 * already in the project (same id) are kept as they are, so importing again adds only new
 * migrations.  *out (free with strata_import_report_free) says what was converted and what
 * was not.  docs/import.md describes each tool's mapping.
 */
STRATA_API int strata_import(strata *s, strata_import_report **out, const char *dir,
			     const char *format, int flags);
STRATA_API const char *strata_import_report_format(const strata_import_report *r);
STRATA_API size_t strata_import_report_count(const strata_import_report *r);
STRATA_API const strata_import_migration *strata_import_report_get(const strata_import_report *r,
								    size_t i);
STRATA_API size_t strata_import_report_issue_count(const strata_import_report *r);
STRATA_API const strata_import_issue *strata_import_report_issue(const strata_import_report *r,
								size_t i);
STRATA_API void strata_import_report_free(strata_import_report *r);

/*
 * Stamp a database that another tool migrated at the revision its table names, running
 * nothing (strata_stamp() semantics, under the migration lock).  tool: as for strata_import(),
 * or NULL to detect it from the tables present; table: the tool's table when not its default
 * ("schema.table" allowed), or NULL.  Refuses (STRATA_ETARGET) when the tool's table says the
 * database is dirty or half-applied, or names versions newer than every imported revision.
 */
STRATA_API int strata_adopt(strata *s, const char *tool, const char *table);

#ifdef __cplusplus
}
#endif
#endif /* STRATA_H */
