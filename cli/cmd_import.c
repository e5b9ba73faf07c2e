/* cmd_import.c - strata import (another tool's migrations folder into revision files, with a
 * report of what could not be converted exactly) and strata adopt (stamp a database that tool
 * migrated, from its own table).  The work is in the library (src/import.c). */
#include "cli.h"

#include <string.h>

enum { O_JSON = 101, O_LOCK_TIMEOUT = 102, O_FROM = 120, O_DRY_RUN, O_TABLE };

static const char *kind_name(strata_import_issue_kind k)
{
	return k == STRATA_IMPORT_NOTE ? "note" : k == STRATA_IMPORT_WARNING ? "warning" : "skipped";
}

static void print_json(const strata_import_report *r, const char *dir, int dry_run)
{
	size_t i, n = strata_import_report_count(r), ni = strata_import_report_issue_count(r);

	fputs("{\"format\": ", stdout);
	cli_json_str(stdout, strata_import_report_format(r));
	fputs(", \"source\": ", stdout);
	cli_json_str(stdout, dir);
	printf(", \"dry_run\": %s, \"migrations\": [", dry_run ? "true" : "false");
	for (i = 0; i < n; i++) {
		const strata_import_migration *m = strata_import_report_get(r, i);
		fputs(i ? ",\n  {\"revision\": " : "\n  {\"revision\": ", stdout);
		cli_json_str(stdout, m->revision);
		fputs(", \"version\": ", stdout);
		cli_json_str(stdout, m->version);
		fputs(", \"name\": ", stdout);
		cli_json_str(stdout, m->name);
		fputs(", \"source_up\": ", stdout);
		cli_json_str(stdout, m->source_up);
		fputs(", \"source_down\": ", stdout);
		cli_json_str(stdout, m->source_down);
		fputs(", \"path\": ", stdout);
		cli_json_str(stdout, m->path);
		printf(", \"up_transactional\": %s, \"down_transactional\": %s, \"has_down\": %s, "
		       "\"existed\": %s}",
		       m->up_transactional ? "true" : "false", m->down_transactional ? "true" : "false",
		       m->has_down ? "true" : "false", m->existed ? "true" : "false");
	}
	fputs(n ? "\n], \"issues\": [" : "], \"issues\": [", stdout);
	for (i = 0; i < ni; i++) {
		const strata_import_issue *it = strata_import_report_issue(r, i);
		fputs(i ? ",\n  {\"kind\": " : "\n  {\"kind\": ", stdout);
		cli_json_str(stdout, kind_name(it->kind));
		fputs(", \"source\": ", stdout);
		cli_json_str(stdout, it->source);
		printf(", \"line\": %d, \"revision\": ", it->line);
		cli_json_str(stdout, it->revision);
		fputs(", \"message\": ", stdout);
		cli_json_str(stdout, it->message);
		fputc('}', stdout);
	}
	fputs(ni ? "\n]}\n" : "]}\n", stdout);
}

static void print_text(const strata_import_report *r, const char *dir, int dry_run)
{
	size_t i, n = strata_import_report_count(r), ni = strata_import_report_issue_count(r);
	size_t counts[4] = { 0 }, notx = 0, nodown = 0, existed = 0;
	const char *dim = cli_c(cli_color_out, C_DIM), *reset = cli_c(cli_color_out, C_RESET);

	for (i = 0; i < n; i++) {
		const strata_import_migration *m = strata_import_report_get(r, i);
		if (!m->up_transactional || (m->has_down && !m->down_transactional))
			notx++;
		if (!m->has_down)
			nodown++;
		if (m->existed)
			existed++;
		if (cli_verbose)
			printf("%s -> %s%s%s%s\n", m->source_up, m->revision,
			       m->path ? " (" : "", m->path ? m->path : "", m->path ? ")" : "");
	}
	for (i = 0; i < ni; i++) {
		const strata_import_issue *it = strata_import_report_issue(r, i);
		const char *color = it->kind == STRATA_IMPORT_NOTE ? C_CYAN
				    : it->kind == STRATA_IMPORT_WARNING ? C_YELLOW : C_RED;
		counts[it->kind & 3]++;
		if (it->kind == STRATA_IMPORT_NOTE && !cli_verbose)
			continue;
		if (it->source)
			printf("%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/");
		printf("%s", it->source ? it->source : "strata");
		if (it->line)
			printf(":%d", it->line);
		printf(": %s%s:%s %s", cli_c(cli_color_out, color), kind_name(it->kind), reset,
		       it->message);
		if (it->revision)
			printf(" %s[%s]%s", dim, it->revision, reset);
		putchar('\n');
	}
	printf("%s %zu %s migration%s from %s", dry_run ? "Would import" : "Imported", n - existed,
	       strata_import_report_format(r), n - existed == 1 ? "" : "s", dir);
	if (existed)
		printf(" (%zu already there)", existed);
	printf(": %zu outside a transaction, %zu without a down section; %zu note%s%s, %zu warning%s, "
	       "%zu skipped\n",
	       notx, nodown, counts[STRATA_IMPORT_NOTE], counts[STRATA_IMPORT_NOTE] == 1 ? "" : "s",
	       counts[STRATA_IMPORT_NOTE] && !cli_verbose ? " (-v shows them)" : "",
	       counts[STRATA_IMPORT_WARNING], counts[STRATA_IMPORT_WARNING] == 1 ? "" : "s",
	       counts[STRATA_IMPORT_SKIPPED]);
}

int cmd_import(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_import_report *r = NULL;
	int dry = cli_has(a, O_DRY_RUN), rc;

	if (a->n_pos != 1) {
		cli_error(a->n_pos ? "import takes one folder" : "import needs the folder to import from");
		cli_print_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_import(s, &r, a->pos[0], cli_value(a, O_FROM), dry ? STRATA_IMPORT_DRY_RUN : 0)) {
		rc = cli_fail(s);
		cli_close(s);
		return rc;
	}
	if (cli_has(a, O_JSON))
		print_json(r, a->pos[0], dry);
	else if (!cli_quiet)
		print_text(r, a->pos[0], dry);
	strata_import_report_free(r);
	cli_close(s);
	return EXIT_OK;
}

int cmd_adopt(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_revlist *cur = NULL;
	const char *tool = cli_value(a, O_FROM);
	int rc;

	if (a->n_pos > 1 || (a->n_pos == 1 && tool)) {
		cli_error("adopt takes at most one tool name");
		cli_print_usage(stderr, cmd);
		return EXIT_USAGE;
	}
	if (a->n_pos == 1)
		tool = a->pos[0];
	a->lock_timeout = cli_value(a, O_LOCK_TIMEOUT);
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_adopt(s, tool, cli_value(a, O_TABLE))) {
		rc = cli_fail(s);
		cli_close(s);
		return rc;
	}
	if (!cli_quiet && strata_current(s, &cur) == 0) {
		size_t i, n = strata_revlist_count(cur);
		fprintf(stderr, "The database is at ");
		if (!n)
			fprintf(stderr, "base (no revision applied)");
		for (i = 0; i < n; i++) {
			const strata_revision *r = strata_revlist_get(cur, i);
			fprintf(stderr, "%s%s%s", i ? ", " : "", strata_revision_id(r),
				strata_revision_is_head(r) ? " (head)" : "");
		}
		fputc('\n', stderr);
		strata_revlist_free(cur);
	}
	cli_close(s);
	return EXIT_OK;
}
