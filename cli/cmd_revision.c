/* cmd_revision.c - strata revision, strata merge */
#include "cli.h"

#include <string.h>

enum { O_MSG = 1, O_HEAD, O_SPLICE, O_LABEL, O_DEPENDS, O_REV_ID, O_AUTOGEN };

static int write_revision(cli_args *a, strata_revision_spec *spec)
{
	strata *s = NULL;
	char *path = NULL;
	int rc = cli_open(&s, a, 0);

	if (rc) {
		cli_close(s);
		return rc;
	}
	if (strata_revision_create(s, &path, spec)) {
		rc = cli_fail(s);
	} else if (!cli_quiet) {
		printf("Generating %s ... done\n", path);
	}
	strata_string_free(path);
	cli_close(s);
	return rc;
}

int cmd_revision(const cli_command *cmd, cli_args *a)
{
	strata_revision_spec spec;
	const char *heads[16], *labels[16], *deps[16];

	if (cli_no_args(cmd, a))
		return EXIT_USAGE;
	if (cli_has(a, O_AUTOGEN)) {
		cli_error("--autogenerate is not available in this version of strata");
		return EXIT_USAGE;
	}
	memset(&spec, 0, sizeof(spec));
	spec.message = cli_value(a, O_MSG);
	spec.rev_id = cli_value(a, O_REV_ID);
	spec.splice = cli_has(a, O_SPLICE);
	spec.n_heads = (size_t)cli_values(a, O_HEAD, heads, 16);
	spec.heads = spec.n_heads ? heads : NULL;
	spec.n_branch_labels = (size_t)cli_values(a, O_LABEL, labels, 16);
	spec.branch_labels = labels;
	spec.n_depends_on = (size_t)cli_values(a, O_DEPENDS, deps, 16);
	spec.depends_on = deps;
	if (!spec.message) {
		cli_error("a revision needs a message: -m \"what it does\"");
		return EXIT_USAGE;
	}
	return write_revision(a, &spec);
}

int cmd_merge(const cli_command *cmd, cli_args *a)
{
	strata_revision_spec spec;
	const char *labels[16];

	memset(&spec, 0, sizeof(spec));
	if (a->n_pos == 0) {
		cli_error("merge needs the revisions to join: `heads`, or two or more revisions");
		cli_print_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if (a->n_pos == 1 && strcmp(a->pos[0], "heads") != 0) {
		cli_error("merge needs two or more revisions (or `heads`)");
		return EXIT_USAGE;
	}
	spec.message = cli_value(a, O_MSG);
	if (!spec.message) {
		cli_error("a merge needs a message: -m \"what it joins\"");
		return EXIT_USAGE;
	}
	spec.rev_id = cli_value(a, O_REV_ID);
	spec.heads = a->pos;
	spec.n_heads = (size_t)a->n_pos;
	spec.n_branch_labels = (size_t)cli_values(a, O_LABEL, labels, 16);
	spec.branch_labels = labels;
	if (a->n_pos == 1) {
		/* "heads": refuse a merge of fewer than two. */
		strata *s = NULL;
		strata_revlist *h = NULL;
		int rc = cli_open(&s, a, 0);
		size_t n;
		if (rc) {
			cli_close(s);
			return rc;
		}
		if (strata_heads(s, &h)) {
			rc = cli_fail(s);
			cli_close(s);
			return rc;
		}
		n = strata_revlist_count(h);
		strata_revlist_free(h);
		cli_close(s);
		if (n < 2) {
			cli_error("there %s %zu head%s: nothing to merge", n == 1 ? "is" : "are", n,
				  n == 1 ? "" : "s");
			return EXIT_TARGET;
		}
	}
	return write_revision(a, &spec);
}
