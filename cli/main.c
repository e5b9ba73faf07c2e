/* main.c - strata's entry point: the command table, global options, signals, exit codes. */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

volatile strata *cli_running;

/* Options per command.  Ids are local to each command (see the cmd_*.c files). */
#define OPT_SQL { "sql", 0, 0, 100, NULL, "print the SQL instead of running it (no database needed)" }
#define OPT_JSON { "json", 0, 0, 101, NULL, "machine-readable output" }

static const cli_opt revision_opts[] = {
	{ "message", 'm', 1, 1, "MSG", "what the revision does" },
	{ "head", 0, 1, 2, "REV", "build on REV instead of the single head (base: a new base)" },
	{ "splice", 0, 0, 3, NULL, "allow --head to name a revision that is not a head" },
	{ "branch-label", 0, 1, 4, "LABEL", "label the new branch (repeatable)" },
	{ "depends-on", 0, 1, 5, "REV", "a revision this one needs, on another branch (repeatable)" },
	{ "rev-id", 0, 1, 6, "ID", "use this id instead of a random one" },
	{ "autogenerate", 0, 0, 7, NULL, "write the SQL that turns the database into schema_file" },
	{ "rename", 0, 1, 120, "OLD:NEW", "with --autogenerate: a table (or TABLE.OLD:NEW column) "
					   "was renamed (repeatable)" },
	{ "sql", 0, 0, 100, NULL, "with --autogenerate: print the revision instead of writing it" },
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt merge_opts[] = {
	{ "message", 'm', 1, 1, "MSG", "what the merge is for" },
	{ "rev-id", 0, 1, 6, "ID", "use this id instead of a random one" },
	{ "branch-label", 0, 1, 4, "LABEL", "label the merged branch" },
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt migrate_opts[] = {
	OPT_SQL,
	{ "allow-changed", 0, 0, 109, NULL, "run even if applied scripts were edited since" },
	{ "single-transaction", 0, 0, 121, NULL, "the whole run in one transaction: a failure "
						 "rolls back every migration of the run" },
	{ "lock-timeout", 0, 1, 102, "TIME", "how long to wait for another runner (30s, 500ms, forever)" },
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt stamp_opts[] = {
	OPT_SQL,
	{ "purge", 0, 0, 103, NULL, "delete every row of the version table first" },
	{ "lock-timeout", 0, 1, 102, "TIME", "how long to wait for another runner" },
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt json_opts[] = { OPT_JSON, { NULL, 0, 0, 0, NULL, NULL } };
static const cli_opt history_opts[] = {
	{ "rev-range", 'r', 1, 104, "A:B", "only revisions from A to B (either may be left out)" },
	{ "indicate-current", 'i', 0, 105, NULL, "mark the revisions in the database" },
	{ "graph", 0, 0, 106, NULL, "draw branches and merges" },
	OPT_JSON,
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt embed_opts[] = {
	{ "output", 'o', 1, 107, "FILE", "where to write the C file (default: standard output)" },
	{ "name", 0, 1, 108, "NAME", "the array's name (default: strata_migrations)" },
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt verify_opts[] = {
	{ "accept", 0, 1, 110, "REV", "record REV's edited script as the applied version" },
	{ "accept-all", 0, 0, 111, NULL, "record every edited script as the applied version" },
	OPT_JSON,
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt log_opts[] = {
	{ "limit", 'n', 1, 112, "N", "only the N newest entries" },
	{ "revision", 'r', 1, 113, "REV", "only entries of this revision (full id)" },
	OPT_JSON,
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt diff_opts[] = {
	{ "rename", 0, 1, 120, "OLD:NEW", "a table (or TABLE.OLD:NEW column) was renamed (repeatable)" },
	OPT_JSON,
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt import_opts[] = {
	{ "from", 0, 1, 120, "FORMAT", "golang-migrate, dbmate, goose, diesel or flyway (default: detect)" },
	{ "dry-run", 0, 0, 121, NULL, "report what would be imported, write nothing" },
	OPT_JSON,
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt adopt_opts[] = {
	{ "from", 0, 1, 120, "TOOL", "the tool that migrated the database (default: detect)" },
	{ "table", 0, 1, 122, "NAME", "its table, when not the tool's default ([schema.]name)" },
	{ "lock-timeout", 0, 1, 102, "TIME", "how long to wait for another runner" },
	{ NULL, 0, 0, 0, NULL, NULL },
};
static const cli_opt none_opts[] = { { NULL, 0, 0, 0, NULL, NULL } };

static int cmd_help(const cli_command *cmd, cli_args *a);

static const cli_command commands[] = {
	{ "init", cmd_init, none_opts, "[DIR]", "Create a new project in DIR (default: here).",
	  "Writes strata.ini, migrations/versions/, migrations/script.sql.tmpl and schema.sql.\n"
	  "Refuses to overwrite any existing file." },
	{ "revision", cmd_revision, revision_opts, "-m MSG [options]",
	  "Write a new revision file.",
	  "The new revision builds on the single head, or on --head. With several heads, say\n"
	  "which one (--head REV, --head label@head), or merge them first." },
	{ "merge", cmd_merge, merge_opts, "-m MSG heads|REV REV...",
	  "Write a revision that joins several heads into one.", NULL },
	{ "upgrade", cmd_upgrade, migrate_opts, "TARGET",
	  "Apply migrations up to TARGET (head, heads, +N, REV, label@head).",
	  "Each migration and its version-table update commit in one transaction. With --sql,\n"
	  "print the SQL instead; TARGET may then be FROM:TO (FROM defaults to base)." },
	{ "downgrade", cmd_downgrade, migrate_opts, "TARGET",
	  "Revert migrations down to TARGET (-1, -N, base, REV, label@base).",
	  "With --sql, TARGET must be FROM:TO, since the database is not read." },
	{ "stamp", cmd_stamp, stamp_opts, "TARGET",
	  "Set the version table to TARGET without running migrations.", NULL },
	{ "current", cmd_current, json_opts, "", "Show the revision(s) the database is at.", NULL },
	{ "status", cmd_status, json_opts, "",
	  "Show what is applied and what is pending.", NULL },
	{ "history", cmd_history, history_opts, "[-r A:B] [--graph]",
	  "List revisions, newest first.", NULL },
	{ "heads", cmd_heads, json_opts, "", "Show the heads of the revision graph.", NULL },
	{ "branches", cmd_branches, none_opts, "", "Show the branch points.", NULL },
	{ "show", cmd_show, json_opts, "REV", "Show one revision in full.", NULL },
	{ "verify", cmd_verify, verify_opts, "[--accept REV | --accept-all] [--json]",
	  "Check that applied scripts were not edited or deleted since they were applied.",
	  "Every applied script's SHA-256 is in the history table. verify exits 0 when all match\n"
	  "and 3 when some were edited or deleted; upgrade and downgrade refuse to run then,\n"
	  "unless given --allow-changed. An intentional edit is accepted with --accept REV." },
	{ "log", cmd_log, log_opts, "[-n N] [-r REV] [--json]",
	  "Show the history table: every step applied, newest first.", NULL },
	{ "diff", cmd_diff, diff_opts, "[--rename OLD:NEW]",
	  "Print the migration that turns the database (at head) into schema_file.",
	  "The desired schema is executed into a scratch database of the same engine (SQLite: in\n"
	  "memory) and both are read back the same way. Nothing is written." },
	{ "check", cmd_check, diff_opts, "[--json]",
	  "Exit 0 when the database at head matches schema_file, 3 with the differences if not.",
	  "A drift gate for CI: run it after `strata upgrade head`." },
	{ "import", cmd_import, import_opts, "[--from FORMAT] [--dry-run] [--json] DIR",
	  "Turn another tool's migrations folder into revisions.",
	  "Reads golang-migrate, dbmate, goose, Diesel or Flyway migrations from DIR and writes one\n"
	  "revision per migration into the versions folder, in the tool's order, with its up and\n"
	  "down, and transaction:false where the tool ran a migration outside a transaction.\n"
	  "Whatever cannot be converted exactly is reported (-v also lists the notes). Revisions\n"
	  "already in the project are kept, so importing again adds only new migrations." },
	{ "adopt", cmd_adopt, adopt_opts, "[--from TOOL] [--table NAME]",
	  "Stamp a database another tool migrated, from that tool's table.",
	  "Reads schema_migrations (golang-migrate, dbmate), goose_db_version,\n"
	  "__diesel_schema_migrations or flyway_schema_history and stamps the revision it names,\n"
	  "running nothing. Refuses when the tool's table says the database is dirty or\n"
	  "half-applied. Run `strata import` first." },
	{ "test", cmd_test, none_opts, "",
	  "The stairway test: every revision up, down and up again on a scratch database.",
	  "Reports the first revision whose down does not restore the schema before its up, or\n"
	  "whose up does not apply cleanly a second time (exit 3), or that fails (exit 1).\n"
	  "The project's own database is not touched." },
	{ "embed", cmd_embed, embed_opts, "[-o FILE] [--name NAME]",
	  "Write the revision scripts into a C source file for strata_options.scripts.", NULL },
	{ "help", cmd_help, none_opts, "[COMMAND]", "Show help for strata or a command.", NULL },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

static const cli_command *find_command(const char *name)
{
	const cli_command *c;

	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void main_help(void)
{
	const cli_command *c;
	const cli_opt *o;

	printf("usage: strata [options] COMMAND [arguments]\n\n"
	       "Schema migrations for SQLite and PostgreSQL.\n\nCommands:\n");
	for (c = commands; c->name; c++)
		printf("  %-10s %s\n", c->name, c->summary);
	printf("\nGlobal options (before or after the command):\n");
	for (o = cli_global_opts; o->long_name; o++) {
		char left[40];
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s", o->short_name ? "-" : "  ",
			 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->long_name,
			 o->has_arg ? " " : "", o->has_arg ? o->arg_name : "");
		printf("  %-22s %s\n", left, o->help);
	}
	printf("      --version          print the version\n"
	       "\nThe database URL comes from --url, then $DATABASE_URL, then strata.ini.\n"
	       "Exit codes: 0 ok, 1 database or migration failed, 2 usage, 3 differences found,\n"
	       "4 lock timeout, 5 configuration, 6 revision script, 7 target, 8 file I/O,\n"
	       "130 interrupted.  See strata(1) and `strata help COMMAND`.\n");
}

static int cmd_help(const cli_command *cmd, cli_args *a)
{
	const cli_command *c;

	(void)cmd;
	if (a->n_pos == 0) {
		main_help();
		return EXIT_OK;
	}
	c = find_command(a->pos[0]);
	if (!c) {
		cli_error("unknown command '%s'", a->pos[0]);
		return EXIT_USAGE;
	}
	cli_print_help(c);
	return EXIT_OK;
}

/* The first Ctrl-C or SIGTERM asks the running operation to stop (the current migration
 * rolls back); a second one, or one before any operation runs, ends the process at once. */
static void on_signal(int sig)
{
	strata *s = (strata *)cli_running;

	signal(sig, SIG_DFL);
	if (s)
		strata_interrupt(s);
	else
		raise(sig);
}

int main(int argc, char **argv)
{
	cli_args a;
	const cli_command *cmd;
	struct sigaction sa;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("strata %s\n", strata_version());
		return EXIT_OK;
	}
	if (cli_parse(&a, argc, argv, find_command, &cmd)) {
		cli_setup_color(-1);
		return EXIT_USAGE;
	}
	cli_setup_color(a.color);
	cli_quiet = a.quiet;
	cli_verbose = a.verbose;
	if (!cmd) {
		if (a.help || argc == 1) {
			main_help();
			return a.help ? EXIT_OK : EXIT_USAGE;
		}
		cli_error("no command given");
		fprintf(stderr, "Run `strata --help` for the list of commands.\n");
		return EXIT_USAGE;
	}
	if (a.help) {
		cli_print_help(cmd);
		return EXIT_OK;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Past a file-size limit (ulimit -f), write() should fail with EFBIG, which SQLite reports
	 * and the runner rolls back, instead of the kernel killing strata mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	rc = cmd->fn(cmd, &a);
	cli_progress_line_end();
	if (fflush(stdout) && rc == EXIT_OK) {
		cli_error("cannot write to standard output");
		rc = EXIT_IO;
	}
	return rc;
}
