/* config.h - the project's settings: strata.ini's [strata] section (read with inih), ${VAR}
 * expansion from the environment, and the precedence of the database URL. */
#ifndef STRATA_CONFIG_H
#define STRATA_CONFIG_H

#include "error.h"

typedef struct st_config {
	char *path;            /* the ini file, or NULL */
	char *dir;             /* base for relative paths: the ini file's folder, or "." */
	char *script_location; /* as written (relative to dir) */
	char *url;             /* as written, ${VAR} not yet expanded; may hold a password */
	int url_line;          /* line of url= in the ini, 0 when not from the ini */
	char *version_table;
	char *version_table_schema;
	char *schema_file;
	char *shadow_url;      /* PostgreSQL autogenerate: an empty database to read schema_file
				* into (in a transaction rolled back), instead of a new one; as
				* written, ${VAR} expanded when used */
	char *file_template;
	long lock_timeout_ms; /* -1 forever; 0 unset */
	long statement_timeout_ms; /* per statement, both engines; -1 none; 0 unset */
	long pg_lock_timeout_ms;   /* PostgreSQL's lock_timeout; -1 none; 0 unset */
	int single_transaction;    /* one transaction for a whole upgrade/downgrade */
} st_config;

/* Read an ini file.  Unknown keys in [strata] are errors naming the line; other sections are
 * left to other tools.  Missing keys keep their defaults (see st_config_defaults). */
int st_config_load(st_err *err, st_config *cfg, const char *path);
/* Fill unset fields with the defaults. */
int st_config_defaults(st_err *err, st_config *cfg);
void st_config_free(st_config *cfg);

/* Expand ${VAR} and ${VAR:-default} from the environment; $${ is a literal ${.
 * An unset variable without a default is an error naming it.  *out is free()d by the caller. */
int st_expand_env(st_err *err, char **out, const char *value);

/* "30", "30s", "500ms", "2m", "forever" -> milliseconds (-1 for forever); -2 when invalid. */
long st_parse_duration_ms(const char *s);

/* A safe SQL identifier for tables and schemas strata names itself: [A-Za-z_][A-Za-z0-9_$]*,
 * at most 63 bytes. */
int st_valid_identifier(const char *s);

#endif
