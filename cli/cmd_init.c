/* cmd_init.c - strata init [DIR] */
#include "cli.h"

int cmd_init(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	const char *dir = a->n_pos ? a->pos[0] : ".";
	int rc;

	if (a->n_pos > 1) {
		cli_print_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if (strata_open(&s, NULL) || !s) {
		cli_error("out of memory");
		strata_free(s);
		return EXIT_DB;
	}
	rc = strata_init_project(s, dir);
	if (rc) {
		rc = cli_fail(s);
		strata_free(s);
		return rc;
	}
	strata_free(s);
	if (!cli_quiet)
		printf("Created a strata project in %s:\n"
		       "  strata.ini                   settings (database url, folders)\n"
		       "  migrations/versions/         one .sql file per revision\n"
		       "  migrations/script.sql.tmpl   the template for new revisions\n"
		       "  schema.sql                   the desired schema (for autogenerate)\n"
		       "Next: set url in strata.ini, then `strata revision -m \"create tables\"`.\n",
		       dir);
	return EXIT_OK;
}
