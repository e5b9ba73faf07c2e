/* script.h - one revision file: its header (revision, down_revision, branch_labels,
 * depends_on, message, created) and its up and down sections, with their line numbers.
 *
 *   -- revision: 1975ea83b712
 *   -- down_revision: 27c6a30d7c24
 *   -- message: create account table
 *
 *   -- migrate:up [transaction:false]
 *   CREATE TABLE account (...);
 *   -- migrate:down
 *   DROP TABLE account;
 *
 * The same struct carries the revision's place in the graph (graph.c fills those fields). */
#ifndef STRATA_SCRIPT_H
#define STRATA_SCRIPT_H

#include "arena.h"
#include "error.h"

#include <stddef.h>
#include <stdint.h>

typedef struct st_section {
	const char *sql;   /* the section's text (NUL-terminated, in the arena); NULL until the
			    * body is loaded (st_script_parse_header) */
	size_t off;        /* where the text starts in the file */
	size_t len;
	int line;          /* line of the file where the text starts (1-based) */
	int present;       /* the marker was there */
	int transactional; /* 0 for transaction:false */
} st_section;

typedef struct strata_revision st_rev;

struct strata_revision {
	/* From the file. */
	const char *path;  /* the file's path, or the embedded script's name */
	const char *id;
	const char **down_ids;
	size_t n_down_ids;
	const char **labels;
	size_t n_labels;
	const char **depends_ids;
	size_t n_depends_ids;
	const char *message; /* "" when absent */
	const char *created; /* NULL when absent */
	st_section up, down;
	const char *text;    /* the whole file, for checksums; NULL until the body is loaded */
	size_t text_len;     /* its length (when read for the header) */
	int id_line, down_line, labels_line, depends_line; /* header lines, for errors (0: absent) */

	/* From the graph (graph.c). */
	size_t idx;          /* position in topological order */
	st_rev **parents;    /* resolved down_ids */
	st_rev **deps;       /* resolved depends_ids */
	st_rev **children;   /* revisions naming this one in down_revision */
	size_t n_children;
	st_rev **dependents; /* revisions naming this one in depends_on */
	size_t n_dependents;
	const char *branch_names; /* inherited labels, space-separated, "" when none */
};

/* Parse text (len bytes) read from path into *out, copying what it keeps into the arena.
 * Errors name path and the line. */
int st_script_parse(st_err *err, st_arena *a, st_rev *out, const char *path, const char *text,
		    size_t len);

/* The same checks, but nothing of the text is kept: text and the sections' sql stay NULL
 * (their offsets and lengths are set).  For the graph commands, which need only the headers;
 * st_rev_load_body() (scriptdir.c) reads the file again when the body is needed. */
int st_script_parse_header(st_err *err, st_arena *a, st_rev *out, const char *path,
			   const char *text, size_t len);

/* Whether a revision id is well formed: [A-Za-z0-9_-], 1 to 64 bytes. */
int st_valid_rev_id(const char *id);

/* Whether a file name fits the revision id: NAME.sql where NAME is the id, or has the id as an
 * `_`-separated part (e.g. "1975ea83b712_create_account.sql"). */
int st_file_name_matches_id(const char *file_name, const char *id);

#endif
