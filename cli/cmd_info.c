/* cmd_info.c - strata current, heads, branches, show, status */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum { O_JSON = 101 };

static int finish(strata *s, int rc)
{
	if (rc)
		rc = cli_fail(s);
	cli_close(s);
	return rc;
}

static void json_list(strata *s, strata_revlist *l, int mark_current)
{
	size_t i, n = strata_revlist_count(l);

	fputc('[', stdout);
	for (i = 0; i < n; i++) {
		const strata_revision *r = strata_revlist_get(l, i);
		fputs(i ? ",\n  " : "\n  ", stdout);
		cli_rev_json(stdout, r, mark_current ? strata_is_applied(s, r) : -1);
	}
	fputs(n ? "\n]" : "]", stdout);
}

int cmd_current(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_revlist *cur = NULL;
	size_t i, n;
	int rc;

	if ((rc = cli_no_args(cmd, a)) || (rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_current(s, &cur))
		return finish(s, 1);
	n = strata_revlist_count(cur);
	if (cli_has(a, O_JSON)) {
		fputs("{\"database\": ", stdout);
		cli_json_str(stdout, strata_url_redacted(s));
		fputs(", \"current\": ", stdout);
		json_list(s, cur, 0);
		fputs("}\n", stdout);
	} else {
		if (cli_verbose)
			printf("Current revision(s) for %s:\n", strata_url_redacted(s));
		for (i = 0; i < n; i++) {
			const strata_revision *r = strata_revlist_get(cur, i);
			if (cli_verbose)
				cli_rev_verbose(stdout, r, NULL);
			else
				cli_rev_line(stdout, r, 0, NULL);
		}
		if (!n && cli_verbose)
			printf("(none: the database is at base)\n");
	}
	strata_revlist_free(cur);
	return finish(s, 0);
}

int cmd_heads(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_revlist *h = NULL;
	size_t i, n;
	int rc;

	if ((rc = cli_no_args(cmd, a)) || (rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_heads(s, &h))
		return finish(s, 1);
	n = strata_revlist_count(h);
	if (cli_has(a, O_JSON)) {
		fputs("{\"heads\": ", stdout);
		json_list(s, h, 0);
		fputs("}\n", stdout);
	} else {
		for (i = 0; i < n; i++) {
			if (cli_verbose)
				cli_rev_verbose(stdout, strata_revlist_get(h, i), NULL);
			else
				cli_rev_line(stdout, strata_revlist_get(h, i), 0, NULL);
		}
	}
	strata_revlist_free(h);
	return finish(s, 0);
}

int cmd_branches(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	size_t i, j, n;
	int rc;

	if ((rc = cli_no_args(cmd, a)) || (rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	n = strata_revision_count(s);
	for (i = n; i-- > 0;) {
		const strata_revision *r = strata_revision_at(s, i);
		size_t nc = strata_revision_child_count(r), w = strlen(strata_revision_id(r));
		if (nc < 2)
			continue;
		if (cli_verbose)
			cli_rev_verbose(stdout, r, NULL);
		else
			cli_rev_line(stdout, r, 0, NULL);
		for (j = 0; j < nc; j++) {
			printf("%*s-> ", (int)w, "");
			cli_rev_line(stdout, strata_revision_child(r, j), 0, NULL);
		}
	}
	return finish(s, 0);
}

int cmd_show(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_revlist *l = NULL;
	size_t i, n;
	int rc;

	if (a->n_pos != 1) {
		cli_error("show needs one revision");
		cli_print_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_resolve(s, &l, a->pos[0]))
		return finish(s, 1);
	n = strata_revlist_count(l);
	if (cli_has(a, O_JSON)) {
		json_list(s, l, 0);
		fputc('\n', stdout);
	} else {
		if (!n)
			printf("base: no revision\n");
		for (i = 0; i < n; i++)
			cli_rev_verbose(stdout, strata_revlist_get(l, i), NULL);
	}
	strata_revlist_free(l);
	return finish(s, 0);
}

int cmd_status(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_revlist *cur = NULL;
	strata_plan *pending = NULL;
	size_t i, n_cur, n_pend, applied = 0, total;
	int rc, json = cli_has(a, O_JSON);

	if ((rc = cli_no_args(cmd, a)) || (rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_current(s, &cur) || strata_plan_upgrade(s, &pending, "heads")) {
		strata_revlist_free(cur);
		return finish(s, 1);
	}
	total = strata_revision_count(s);
	for (i = 0; i < total; i++)
		if (strata_is_applied(s, strata_revision_at(s, i)) == 1)
			applied++;
	n_cur = strata_revlist_count(cur);
	n_pend = strata_plan_count(pending);
	if (json) {
		fputs("{\"database\": ", stdout);
		cli_json_str(stdout, strata_url_redacted(s));
		fputs(", \"current\": ", stdout);
		json_list(s, cur, 0);
		printf(", \"applied\": %zu, \"total\": %zu, \"pending\": [", applied, total);
		for (i = 0; i < n_pend; i++) {
			fputs(i ? ",\n  " : "\n  ", stdout);
			cli_rev_json(stdout, strata_plan_revision(pending, i), 0);
		}
		fputs(n_pend ? "\n]}\n" : "]}\n", stdout);
	} else {
		printf("Database:  %s\n", strata_url_redacted(s));
		printf("Current:   ");
		if (!n_cur)
			printf("base (no revision applied)");
		for (i = 0; i < n_cur; i++) {
			const strata_revision *r = strata_revlist_get(cur, i);
			printf("%s%s%s", i ? ", " : "", strata_revision_id(r),
			       strata_revision_is_head(r) ? " (head)" : "");
		}
		printf("\nApplied:   %zu of %zu revision%s\n", applied, total, total == 1 ? "" : "s");
		if (!n_pend) {
			printf("Pending:   none, the database is up to date\n");
		} else {
			printf("Pending:   %zu (apply with `strata upgrade heads`)\n", n_pend);
			for (i = 0; i < n_pend; i++) {
				const strata_revision *r = strata_plan_revision(pending, i);
				printf("  %s%s%s  %s\n", cli_c(cli_color_out, C_YELLOW), strata_revision_id(r),
				       cli_c(cli_color_out, C_RESET), strata_revision_message(r));
			}
		}
	}
	strata_revlist_free(cur);
	strata_plan_free(pending);
	return finish(s, 0);
}
