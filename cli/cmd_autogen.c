/* cmd_autogen.c - strata diff, strata check, and the --autogenerate half of strata revision:
 * compare the database (at head) with schema_file and write, print or judge the difference. */
#include "cli.h"

#include <string.h>

enum { O_JSON = 101, O_RENAME = 120 };

static void print_notes(const strata_autogen *g)
{
	size_t i;

	for (i = 0; i < strata_autogen_warning_count(g); i++)
		fprintf(stderr, "%swarning:%s %s\n", cli_c(cli_color_err, C_YELLOW),
			cli_c(cli_color_err, C_RESET), strata_autogen_warning(g, i));
	for (i = 0; i < strata_autogen_unsupported_count(g); i++)
		fprintf(stderr, "%swarning:%s not compared (strata cannot read it): %s\n",
			cli_c(cli_color_err, C_YELLOW), cli_c(cli_color_err, C_RESET),
			strata_autogen_unsupported(g, i));
}

int cli_autogenerate(strata *s, cli_args *a, strata_autogen **out)
{
	const char *renames[32];
	int n = cli_values(a, O_RENAME, renames, 32);

	if (strata_autogenerate(s, out, renames, (size_t)n))
		return cli_fail(s);
	print_notes(*out);
	return 0;
}

/* strata diff: the upgrade the schema file asks for, printed, nothing written. */
int cmd_diff(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_autogen *g = NULL;
	int rc;

	if (cli_no_args(cmd, a))
		return EXIT_USAGE;
	if ((rc = cli_open(&s, a, 0)) || (rc = cli_autogenerate(s, a, &g))) {
		cli_close(s);
		return rc;
	}
	if (!strata_autogen_difference_count(g)) {
		if (!cli_quiet)
			fprintf(stderr, "No differences: the database matches the schema file.\n");
	} else {
		printf("-- migrate:up\n%s\n-- migrate:down\n%s", strata_autogen_upgrade(g),
		       strata_autogen_downgrade(g));
	}
	strata_autogen_free(g);
	cli_close(s);
	return EXIT_OK;
}

/* strata check: exit 0 when the database at head matches the schema file, 3 otherwise. */
int cmd_check(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_autogen *g = NULL;
	size_t i, n;
	int rc;

	if (cli_no_args(cmd, a))
		return EXIT_USAGE;
	if ((rc = cli_open(&s, a, 0)) || (rc = cli_autogenerate(s, a, &g))) {
		cli_close(s);
		return rc;
	}
	n = strata_autogen_difference_count(g);
	if (cli_has(a, O_JSON)) {
		fputs("{\"matches\": ", stdout);
		fputs(n ? "false" : "true", stdout);
		fputs(", \"differences\": [", stdout);
		for (i = 0; i < n; i++) {
			fputs(i ? ", " : "", stdout);
			cli_json_str(stdout, strata_autogen_difference(g, i));
		}
		fputs("], \"not_compared\": [", stdout);
		for (i = 0; i < strata_autogen_unsupported_count(g); i++) {
			fputs(i ? ", " : "", stdout);
			cli_json_str(stdout, strata_autogen_unsupported(g, i));
		}
		fputs("]}\n", stdout);
	} else if (!n) {
		if (!cli_quiet)
			printf("The database matches the schema file.\n");
	} else {
		for (i = 0; i < n; i++)
			printf("%s\n", strata_autogen_difference(g, i));
		fprintf(stderr, "%zu difference%s between the database and the schema file (missing: "
				"in the schema file, not in the database; extra: the other way round). "
				"`strata revision --autogenerate -m MSG` writes the migration.\n",
			n, n == 1 ? "" : "s");
	}
	strata_autogen_free(g);
	cli_close(s);
	return n ? EXIT_DIFF : EXIT_OK;
}

/* strata test: the stairway test on a scratch database. */
int cmd_test(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_stairway *w = NULL;
	const strata_stair_result *r;
	size_t i;
	int rc;

	if (cli_no_args(cmd, a))
		return EXIT_USAGE;
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	rc = strata_stairway_run(s, &w) ? cli_fail(s) : EXIT_OK;
	r = strata_stairway_result(w);
	if (r && r->failed && r->n_lines) {
		fprintf(stderr, "Differences after %s of %s:\n", r->phase,
			strata_revision_id(r->failed));
		for (i = 0; i < r->n_lines; i++)
			fprintf(stderr, "  %s\n", r->lines[i]);
	}
	if (r && !cli_quiet)
		printf("%zu of %zu revisions passed the stairway (up, down, up again)%s%s\n",
		       r->tested, strata_revision_count(s), r->failed ? "; stopped at " : "",
		       r->failed ? strata_revision_id(r->failed) : "");
	strata_stairway_free(w);
	cli_close(s);
	return rc;
}
