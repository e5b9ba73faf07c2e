/* schema.h - the engine-neutral schema model that autogenerate and `check` compare: objects
 * (tables with their columns and constraints, indexes, views, triggers, and on PostgreSQL
 * schemas, extensions, types, domains, sequences, functions), each with a key that identifies
 * it, the engine's own normalised definition for comparing it, and the SQL to create and drop
 * it.  Introspection (per engine) fills it; diff.c compares two; render_*.c writes the SQL. */
#ifndef STRATA_SCHEMA_H
#define STRATA_SCHEMA_H

#include "arena.h"
#include "buf.h"
#include "error.h"
#include "util.h"

typedef enum st_obj_kind {
	ST_OBJ_SCHEMA = 1,
	ST_OBJ_EXTENSION,
	ST_OBJ_TYPE,     /* enum, composite or range type */
	ST_OBJ_DOMAIN,
	ST_OBJ_SEQUENCE, /* standalone: not owned by a serial or identity column */
	ST_OBJ_FUNCTION, /* functions, procedures and aggregates */
	ST_OBJ_TABLE,
	ST_OBJ_VIEW,
	ST_OBJ_MATVIEW,
	ST_OBJ_INDEX,
	ST_OBJ_TRIGGER,
	ST_OBJ_RULE,     /* PostgreSQL: CREATE RULE (not a view's) */
	ST_OBJ_POLICY,   /* PostgreSQL: row-level security policies */
	ST_OBJ_KIND_COUNT
} st_obj_kind;

typedef struct st_column {
	const char *name;
	const char *type;       /* normalised: the same type always reads the same */
	int not_null;
	const char *default_expr; /* normalised, or NULL */
	const char *collation;  /* NULL: the default */
	const char *generated;  /* generation expression, or NULL */
	int generated_stored;
	char identity;          /* PostgreSQL: 'a' ALWAYS, 'd' BY DEFAULT, 0 none */
	const char *definition; /* the column as written for CREATE/ADD COLUMN (dialect SQL) */
	const char *comment;
} st_column;

typedef enum st_con_kind {
	ST_CON_PRIMARY = 'p',
	ST_CON_UNIQUE = 'u',
	ST_CON_CHECK = 'c',
	ST_CON_FOREIGN = 'f',
	ST_CON_EXCLUDE = 'x'
} st_con_kind;

typedef struct st_constraint {
	const char *name;       /* NULL when unnamed (SQLite) */
	st_con_kind kind;
	const char *definition; /* normalised clause: "FOREIGN KEY (a) REFERENCES t(id) ON DELETE CASCADE" */
	const char *ref_table;  /* foreign keys: key of the referenced table, for ordering */
	const char *columns;    /* the constrained columns, comma-separated, for dependency checks */
} st_constraint;

typedef struct st_object {
	st_obj_kind kind;
	const char *schema;     /* NULL on SQLite */
	const char *name;
	const char *key;        /* identity across both sides: "table public.account" */
	const char *table;      /* indexes and triggers: the key of their table */
	const char *definition; /* normalised, for comparing (not for tables: see cols/cons) */
	const char *create_sql; /* statement(s) creating it, without the final ';' */
	const char *drop_sql;   /* statement dropping it, without the final ';' */
	const char *comment;    /* COMMENT ON, or NULL */
	st_column *cols;        /* tables */
	size_t n_cols;
	st_constraint *cons;    /* tables */
	size_t n_cons;
	const char *options;    /* tables: "WITHOUT ROWID", "STRICT", "WITHOUT ROWID, STRICT" */
	const char **deps;      /* keys of objects this one needs to exist first */
	size_t n_deps;
	int order;              /* position in the engine's own creation order, for stable output */
} st_object;

typedef struct st_schema {
	st_arena arena;
	st_object **objs;
	size_t n, cap;
	st_strvec unsupported; /* objects introspection saw but cannot compare: "kind name" */
} st_schema;

/* Build a schema: objects and their strings live in s->arena. */
st_object *st_schema_add(st_schema *s, st_obj_kind kind, const char *schema, const char *name);
const char *st_schema_str(st_schema *s, const char *str);      /* copy into the arena */
const char *st_schema_strn(st_schema *s, const char *str, size_t n);
int st_object_add_dep(st_schema *s, st_object *o, const char *key);
st_column *st_object_add_column(st_schema *s, st_object *o);
st_constraint *st_object_add_constraint(st_schema *s, st_object *o);
/* The key of an object of this kind and name: "table public.account", "index main.ix". */
const char *st_schema_key(st_schema *s, st_obj_kind kind, const char *schema, const char *name);
/* Sort objects by key and index them, after introspection. */
int st_schema_finish(st_schema *s);
st_object *st_schema_find(const st_schema *s, const char *key);
void st_schema_free(st_schema *s);
const char *st_obj_kind_name(st_obj_kind k);

/* ---- differences -------------------------------------------------------------------------- */

typedef enum st_change_kind {
	ST_CH_CREATE = 1, /* only in the desired schema */
	ST_CH_DROP,       /* only in the current one */
	ST_CH_ALTER       /* in both, different */
} st_change_kind;

typedef struct st_change {
	st_change_kind kind;
	const st_object *from; /* the current object (NULL when created) */
	const st_object *to;   /* the desired object (NULL when dropped) */
	const char *what;      /* one line for people: "column account.email: type text -> varchar(320)" */
	int destructive;       /* loses data: drop table/column, narrowing */
} st_change;

/* A rename the user declared (strata revision --autogenerate --rename). */
typedef struct st_rename {
	const char *table;  /* for a column: its table's name; NULL for a table */
	const char *from;
	const char *to;
} st_rename;

typedef struct st_diff {
	st_change *v;
	size_t n, cap;
	st_strvec lines;     /* every difference, one line each, for `check` */
	const st_rename *renames;
	size_t n_renames;
} st_diff;

/* Compare current with desired: which objects differ, and how (lines for people). */
int st_diff_compute(st_err *err, st_diff *d, const st_schema *current, const st_schema *desired,
		    const st_rename *renames, size_t n_renames);
void st_diff_free(st_diff *d);

/* ---- SQL ---------------------------------------------------------------------------------- */

/* A dialect writes the SQL that turns `current` into `desired`, in dependency order, one
 * statement per change with a comment over each group.  Warnings (renames not declared,
 * destructive changes, what cannot be done) go to warnings and, as comments, into the SQL. */
typedef struct st_dialect {
	const char *name;
	int (*render)(st_err *err, const st_diff *d, const st_schema *current,
		      const st_schema *desired, st_buf *out, st_strvec *warnings);
} st_dialect;

extern const st_dialect st_dialect_sqlite;
extern const st_dialect st_dialect_pg;

/* Helpers for dialects: objects in dependency order (a topological sort over deps, ties by
 * order then key).  *out (free()) holds pointers into s. */
int st_schema_sorted(st_err *err, const st_schema *s, st_object ***out, size_t *n);

#endif
