/* cmd_migrate.c - strata upgrade, downgrade, stamp */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum { O_SQL = 100, O_LOCK_TIMEOUT = 102, O_PURGE = 103, O_ALLOW_CHANGED = 109, O_SINGLE = 121 };

static void print_current(strata *s, const char *prefix)
{
	strata_revlist *cur = NULL;
	size_t i, n;

	if (cli_quiet || strata_current(s, &cur))
		return;
	n = strata_revlist_count(cur);
	fprintf(stderr, "%s", prefix);
	if (!n)
		fprintf(stderr, "base (no revision applied)");
	for (i = 0; i < n; i++) {
		const strata_revision *r = strata_revlist_get(cur, i);
		fprintf(stderr, "%s%s%s", i ? ", " : "", strata_revision_id(r),
			strata_revision_is_head(r) ? " (head)" : "");
	}
	fprintf(stderr, "\n");
	strata_revlist_free(cur);
}

static int run(const cli_command *cmd, cli_args *a, int dir)
{
	strata *s = NULL;
	const char *target = a->n_pos ? a->pos[0] : NULL;
	int offline = cli_has(a, O_SQL), rc;

	if (a->n_pos != 1) {
		cli_error(a->n_pos ? "%s takes one target" : "%s needs a target", cmd->name);
		cli_print_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	a->lock_timeout = cli_value(a, O_LOCK_TIMEOUT);
	a->allow_changed = cli_has(a, O_ALLOW_CHANGED);
	a->single_transaction = cli_has(a, O_SINGLE);
	rc = cli_open(&s, a, offline);
	if (rc) {
		cli_close(s);
		return rc;
	}
	if (!cli_quiet && cli_verbose && !offline)
		fprintf(stderr, "Database: %s\n", strata_url_redacted(s));
	if (dir == STRATA_UP)
		rc = strata_upgrade(s, target);
	else if (dir == STRATA_DOWN)
		rc = strata_downgrade(s, target);
	else
		rc = strata_stamp(s, target, cli_has(a, O_PURGE));
	if (rc) {
		rc = cli_fail(s);
		if (!offline && rc != EXIT_USAGE && rc != EXIT_TARGET && rc != EXIT_SCRIPT)
			print_current(s, "The database is at ");
		cli_close(s);
		return rc;
	}
	if (!offline)
		print_current(s, dir == STRATA_STAMP ? "Stamped: the database is at "
				 : cli_steps_done ? "Done: the database is at "
						  : "Nothing to do: the database is at ");
	cli_close(s);
	return EXIT_OK;
}

int cmd_upgrade(const cli_command *cmd, cli_args *a)
{
	return run(cmd, a, STRATA_UP);
}

int cmd_downgrade(const cli_command *cmd, cli_args *a)
{
	return run(cmd, a, STRATA_DOWN);
}

int cmd_stamp(const cli_command *cmd, cli_args *a)
{
	return run(cmd, a, STRATA_STAMP);
}
