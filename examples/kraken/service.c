/*
 * service.c - the kraken service's startup: migrate the PostgreSQL schema with libstrata
 * before serving, as a replica of a deployed service would.
 *
 * Its migrations are compiled in (`strata embed`), so a container needs only this binary.
 * Several replicas may start at once: strata's advisory lock lets one migrate while the others
 * wait, then they find nothing left to do.
 *
 *   DATABASE_URL=postgresql://... kraken-service [--once]
 *
 * DATABASE_URL unset: warn and serve without migrating (a developer's laptop).
 * KRAKEN_ON_MIGRATION_FAILURE=fail (default): exit 1 when migrations fail;
 *                            =continue: log the error and serve on the old schema.
 * --once: exit after startup instead of serving until SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strata.h>
#include <unistd.h>

extern const strata_embedded_script kraken_migrations[];
extern const size_t kraken_migrations_count;

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_log(void *ctx, strata_level level, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "kraken[%d]: %s%s\n", (int)getpid(), level == STRATA_LOG_WARN ? "warning: " : "",
		msg);
}

static void on_event(void *ctx, const strata_event *ev)
{
	(void)ctx;
	if (ev->kind == STRATA_EVENT_STEP_END)
		fprintf(stderr, "kraken[%d]: migrated %s (%s) in %.0f ms\n", (int)getpid(),
			strata_revision_id(ev->revision), strata_revision_message(ev->revision),
			ev->elapsed_ms);
}

/* Returns 0 when the schema is at head. */
static int migrate(const char *url, char *at, size_t at_size)
{
	strata_options opts;
	strata *s = NULL;
	strata_revlist *cur = NULL;
	int rc;

	strata_options_init(&opts);
	opts.url = url;
	opts.scripts = kraken_migrations;
	opts.n_scripts = kraken_migrations_count;
	opts.lock_timeout_ms = 120000; /* another replica may be migrating */
	opts.log_fn = on_log;
	opts.event_fn = on_event;
	rc = strata_open(&s, &opts);
	if (rc == STRATA_OK)
		rc = strata_upgrade(s, "head");
	if (rc == STRATA_OK)
		rc = strata_current(s, &cur);
	if (rc == STRATA_OK) {
		snprintf(at, at_size, "%s",
			 strata_revlist_count(cur) ? strata_revision_id(strata_revlist_get(cur, 0))
						   : "base");
	} else {
		const strata_error *e = strata_last_error(s);
		/* strata never puts a password in its messages; the URL is shown redacted. */
		fprintf(stderr, "kraken[%d]: migration failed on %s: %s\n", (int)getpid(),
			strata_url_redacted(s) ? strata_url_redacted(s) : "(no database)", e->message);
		if (e->file)
			fprintf(stderr, "kraken[%d]:   at %s:%d\n", (int)getpid(), e->file, e->line);
		if (e->hint)
			fprintf(stderr, "kraken[%d]:   hint: %s\n", (int)getpid(), e->hint);
	}
	strata_revlist_free(cur);
	strata_free(s);
	return rc;
}

int main(int argc, char **argv)
{
	const char *url = getenv("DATABASE_URL");
	const char *policy = getenv("KRAKEN_ON_MIGRATION_FAILURE");
	int once = argc > 1 && strcmp(argv[1], "--once") == 0;
	char at[80] = "unknown";

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	if (!url || !*url) {
		fprintf(stderr, "kraken[%d]: warning: DATABASE_URL is not set; serving without a "
				"database, migrations skipped\n",
			(int)getpid());
	} else if (migrate(url, at, sizeof(at)) != STRATA_OK) {
		if (!policy || strcmp(policy, "continue") != 0) {
			fprintf(stderr, "kraken[%d]: not starting (KRAKEN_ON_MIGRATION_FAILURE=fail)\n",
				(int)getpid());
			return 1;
		}
		fprintf(stderr, "kraken[%d]: starting anyway (KRAKEN_ON_MIGRATION_FAILURE=continue)\n",
			(int)getpid());
	}
	printf("kraken[%d]: ready (schema at %s)\n", (int)getpid(), at);
	fflush(stdout);
	while (!once && !stop)
		pause();
	return 0;
}
