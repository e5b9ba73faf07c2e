/* cmd_verify.c - strata verify [--accept REV | --accept-all] [--json], strata log */
#include "cli.h"

#include <stdlib.h>

enum { O_JSON = 101, O_ACCEPT = 110, O_ACCEPT_ALL = 111, O_LIMIT = 112, O_REV = 113 };

int cmd_verify(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_driftlist *l = NULL;
	const char *accept = cli_value(a, O_ACCEPT);
	size_t i, n;
	int rc;

	if (cli_no_args(cmd, a))
		return EXIT_USAGE;
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (accept || cli_has(a, O_ACCEPT_ALL)) {
		rc = strata_accept(s, accept) ? cli_fail(s) : EXIT_OK;
		cli_close(s);
		return rc;
	}
	if (strata_verify(s, &l)) {
		rc = cli_fail(s);
		cli_close(s);
		return rc;
	}
	n = strata_driftlist_count(l);
	if (cli_has(a, O_JSON)) {
		fputs("{\"changed\": [", stdout);
		for (i = 0; i < n; i++) {
			const strata_drift *d = strata_driftlist_get(l, i);
			fputs(i ? ",\n  {\"revision\": " : "\n  {\"revision\": ", stdout);
			cli_json_str(stdout, d->revision);
			printf(", \"kind\": \"%s\", \"path\": ",
			       d->kind == STRATA_DRIFT_CHANGED ? "edited" : "deleted");
			cli_json_str(stdout, d->path);
			fputs(", \"recorded_checksum\": ", stdout);
			cli_json_str(stdout, d->recorded_checksum);
			fputs(", \"current_checksum\": ", stdout);
			cli_json_str(stdout, d->current_checksum);
			fputs(", \"recorded_at\": ", stdout);
			cli_json_str(stdout, d->recorded_at);
			fputc('}', stdout);
		}
		fputs(n ? "\n]}\n" : "]}\n", stdout);
	} else if (!n) {
		if (!cli_quiet)
			printf("All applied scripts match what was applied.\n");
	} else {
		for (i = 0; i < n; i++) {
			const strata_drift *d = strata_driftlist_get(l, i);
			if (d->kind == STRATA_DRIFT_CHANGED)
				printf("%s  edited after it was applied (%s): %s\n    applied  sha256 %s\n"
				       "    now      sha256 %s\n",
				       d->revision, d->recorded_at, d->path, d->recorded_checksum,
				       d->current_checksum);
			else
				printf("%s  deleted: applied (%s), no script has it now\n", d->revision,
				       d->recorded_at);
		}
		fprintf(stderr, "%zu applied script%s changed. If intended, `strata verify --accept "
				"REV` records the new version.\n",
			n, n == 1 ? "" : "s");
	}
	strata_driftlist_free(l);
	cli_close(s);
	return n ? EXIT_DIFF : EXIT_OK;
}

int cmd_log(const cli_command *cmd, cli_args *a)
{
	strata *s = NULL;
	strata_loglist *l = NULL;
	const char *limit_s = cli_value(a, O_LIMIT);
	long limit = 0;
	size_t i, n;
	int rc;

	if (cli_no_args(cmd, a))
		return EXIT_USAGE;
	if (limit_s) {
		char *end;
		limit = strtol(limit_s, &end, 10);
		if (*end || limit < 1) {
			cli_error("-n takes a positive number, not '%s'", limit_s);
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_open(&s, a, 0))) {
		cli_close(s);
		return rc;
	}
	if (strata_log(s, &l, (size_t)limit, cli_value(a, O_REV))) {
		rc = cli_fail(s);
		strata_loglist_free(l);
		cli_close(s);
		return rc;
	}
	n = strata_loglist_count(l);
	if (cli_has(a, O_JSON)) {
		fputs("{\"log\": [", stdout);
		for (i = 0; i < n; i++) {
			const strata_log_entry *e = strata_loglist_get(l, i);
			printf("%s{\"id\": %ld, \"revision\": ", i ? ",\n  " : "\n  ", e->id);
			cli_json_str(stdout, e->revision);
			fputs(", \"direction\": ", stdout);
			cli_json_str(stdout, e->direction);
			fputs(", \"checksum\": ", stdout);
			cli_json_str(stdout, e->checksum);
			fputs(", \"applied_at\": ", stdout);
			cli_json_str(stdout, e->applied_at);
			printf(", \"duration_ms\": %ld, \"applied_by\": ", e->duration_ms);
			cli_json_str(stdout, e->applied_by);
			fputs(", \"strata_version\": ", stdout);
			cli_json_str(stdout, e->strata_version);
			fputs(", \"note\": ", stdout);
			cli_json_str(stdout, *e->note ? e->note : NULL);
			fputc('}', stdout);
		}
		fputs(n ? "\n]}\n" : "]}\n", stdout);
	} else {
		for (i = 0; i < n; i++) {
			const strata_log_entry *e = strata_loglist_get(l, i);
			printf("%5ld  %s  %-7s  %s%s%s  %6ld ms  %s  sha256:%.12s  strata %s\n", e->id,
			       e->applied_at, e->direction, cli_c(cli_color_out, C_YELLOW), e->revision,
			       cli_c(cli_color_out, C_RESET), e->duration_ms, e->applied_by, e->checksum,
			       e->strata_version);
			if (*e->note)
				printf("       %s\n", e->note);
		}
		if (!n && !cli_quiet)
			fprintf(stderr, "The history is empty.\n");
	}
	strata_loglist_free(l);
	cli_close(s);
	return EXIT_OK;
}
