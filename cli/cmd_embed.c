/* cmd_embed.c - strata embed [-o FILE] [--name NAME] */
#include "cli.h"

enum { O_OUTPUT = 107, O_NAME = 108 };

int cmd_embed(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	int rc;

	if (cli_no_args(cmd, a))
		return EXIT_USAGE;
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_embed(s, cli_value(a, O_OUTPUT), cli_value(a, O_NAME)))
		rc = cli_fail(s);
	else if (cli_value(a, O_OUTPUT) && !cli_quiet)
		fprintf(stderr, "Wrote %zu revision%s to %s\n", strata_revision_count(s),
			strata_revision_count(s) == 1 ? "" : "s", cli_value(a, O_OUTPUT));
	cli_close(s);
	return rc;
}
