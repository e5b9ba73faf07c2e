/*
 * app.c - a small C program that owns a SQLite file and migrates it at startup with libstrata.
 *
 * The bookshelf sample's migrations are compiled into the binary (`strata embed` writes
 * bookshelf_migrations.c at build time), so the program needs no files beside it: it opens
 * its database, brings the schema to head, and goes on with its work.
 *
 *   ./bookshelf-app library.db           migrate, then add and list a book
 *   ./bookshelf-app library.db --check   only report whether migrations are pending
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strata.h>

extern const strata_embedded_script bookshelf_migrations[];
extern const size_t bookshelf_migrations_count;

static void log_line(void *ctx, strata_level level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "[migrate] %s%s\n", level == STRATA_LOG_WARN ? "warning: " : "", msg);
}

static void on_event(void *ctx, const strata_event *ev)
{
	(void)ctx;
	if (ev->kind == STRATA_EVENT_STEP_END)
		fprintf(stderr, "[migrate] applied %s (%s) in %.0f ms [%zu/%zu]\n",
			strata_revision_id(ev->revision), strata_revision_message(ev->revision),
			ev->elapsed_ms, ev->index, ev->total);
}

/* Bring the database to head.  Returns 0 on success; prints the error otherwise. */
static int migrate(sqlite3 *db, int check_only)
{
	strata_options opts;
	strata *s = NULL;
	strata_plan *pending = NULL;
	int rc;

	strata_options_init(&opts);
	opts.scripts = bookshelf_migrations;
	opts.n_scripts = bookshelf_migrations_count;
	opts.log_fn = log_line;
	opts.event_fn = on_event;
	opts.lock_timeout_ms = 10000; /* another instance may be migrating the same file */

	rc = strata_open_sqlite(&s, db, &opts);
	if (rc == STRATA_OK)
		rc = strata_plan_upgrade(s, &pending, "head");
	if (rc == STRATA_OK) {
		size_t n = strata_plan_count(pending);
		fprintf(stderr, "[migrate] %zu migration%s pending\n", n, n == 1 ? "" : "s");
		if (!check_only && n)
			rc = strata_upgrade(s, "head");
	}
	if (rc != STRATA_OK) {
		const strata_error *e = strata_last_error(s);
		fprintf(stderr, "[migrate] failed: %s%s%s (line %d)\n", e->message,
			e->file ? " in " : "", e->file ? e->file : "", e->line);
	}
	strata_plan_free(pending);
	strata_free(s); /* does not close db: it is the application's */
	return rc == STRATA_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int check_only = argc > 2 && strcmp(argv[2], "--check") == 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DATABASE [--check]\n", argv[0]);
		return 2;
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "cannot open %s: %s\n", argv[1], sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	if (migrate(db, check_only)) {
		sqlite3_close(db); /* the policy of this app: do not start on a failed migration */
		return 1;
	}
	if (check_only) {
		sqlite3_close(db);
		return 0;
	}
	/* The application's own work, on the migrated schema. */
	sqlite3_exec(db,
		     "INSERT INTO author (name, born) VALUES ('Octavia E. Butler', 1947);"
		     "INSERT INTO book (author_id, title, published) "
		     "VALUES (last_insert_rowid(), 'Kindred', 1979);",
		     NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM book", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		printf("books: %d\n", sqlite3_column_int(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}
