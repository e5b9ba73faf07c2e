/* output.c - what the command line prints: errors in compiler style, colour only on a
 * terminal, JSON strings, and the descriptions of revisions that several commands share. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_color_out, cli_color_err;
int cli_quiet, cli_verbose;
static int progress_open; /* a progress line waits for its end on stderr */

void cli_setup_color(int mode)
{
	const char *term = getenv("TERM");
	int ok = mode == 1 || (mode == -1 && !getenv("NO_COLOR") && term && strcmp(term, "dumb"));

	cli_color_out = ok && (mode == 1 || isatty(STDOUT_FILENO));
	cli_color_err = ok && (mode == 1 || isatty(STDERR_FILENO));
}

const char *cli_c(int on, const char *code)
{
	return on ? code : "";
}

void cli_progress_line_end(void)
{
	if (progress_open) {
		fputc('\n', stderr);
		progress_open = 0;
	}
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	cli_progress_line_end();
	fprintf(stderr, "strata: %serror:%s ", cli_c(cli_color_err, C_BOLD C_RED),
		cli_c(cli_color_err, C_RESET));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_exit_code(int code)
{
	switch (code) {
	case STRATA_OK: return EXIT_OK;
	case STRATA_EUSAGE: return EXIT_USAGE;
	case STRATA_ECONFIG: return EXIT_CONFIG;
	case STRATA_ESCRIPT: return EXIT_SCRIPT;
	case STRATA_ETARGET: return EXIT_TARGET;
	case STRATA_ELOCK: return EXIT_LOCK;
	case STRATA_EINTR: return EXIT_INTR;
	case STRATA_EIO: return EXIT_IO;
	case STRATA_EDIFF:
	case STRATA_ECHANGED: return EXIT_DIFF;
	default: return EXIT_DB;
	}
}

int cli_fail(strata *s)
{
	const strata_error *e = strata_last_error(s);
	const char *bold = cli_c(cli_color_err, C_BOLD), *reset = cli_c(cli_color_err, C_RESET);

	cli_progress_line_end();
	if (e->file) {
		fprintf(stderr, "%s%s", bold, e->file);
		if (e->line)
			fprintf(stderr, ":%d", e->line);
		if (e->line && e->column)
			fprintf(stderr, ":%d", e->column);
		fprintf(stderr, ":%s ", reset);
	} else {
		fprintf(stderr, "strata: ");
	}
	fprintf(stderr, "%serror:%s %s\n", cli_c(cli_color_err, C_BOLD C_RED), reset, e->message);
	if (e->sqlstate)
		fprintf(stderr, "  SQLSTATE %s\n", e->sqlstate);
	if (e->detail) {
		const char *p = e->detail;
		while (*p) {
			size_t n = strcspn(p, "\n");
			fprintf(stderr, "  %.*s\n", (int)n, p);
			p += n;
			if (*p)
				p++;
		}
	}
	if (e->hint)
		fprintf(stderr, "%shint:%s %s\n", cli_c(cli_color_err, C_CYAN), reset, e->hint);
	return cli_exit_code(e->code);
}

void cli_json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void cli_print_usage(FILE *f, const cli_command *cmd)
{
	fprintf(f, "usage: strata %s%s%s\n", cmd->name, cmd->usage && *cmd->usage ? " " : "",
		cmd->usage ? cmd->usage : "");
}

static void print_opts(const cli_opt *o)
{
	for (; o && o->long_name; o++) {
		char left[64];
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->long_name,
				 o->has_arg ? " " : "", o->has_arg ? o->arg_name : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->long_name, o->has_arg ? " " : "",
				 o->has_arg ? o->arg_name : "");
		printf("  %-26s %s\n", left, o->help);
	}
}

int cli_no_args(const cli_command *cmd, const cli_args *a)
{
	if (!a->n_pos)
		return 0;
	cli_error("unexpected argument '%s'", a->pos[0]);
	cli_print_usage(stderr, cmd);
	return EXIT_USAGE;
}

void cli_print_help(const cli_command *cmd)
{
	cli_print_usage(stdout, cmd);
	printf("\n%s\n", cmd->summary);
	if (cmd->help)
		printf("\n%s\n", cmd->help);
	if (cmd->opts && cmd->opts->long_name) {
		printf("\nOptions:\n");
		print_opts(cmd->opts);
	}
	printf("\nGlobal options (before or after the command):\n");
	print_opts(cli_global_opts);
}

/* ---- opening the project ----------------------------------------------------------------- */

static void on_log(void *ctx, strata_level level, const char *msg)
{
	(void)ctx;
	if (cli_quiet && level > STRATA_LOG_ERROR)
		return;
	cli_progress_line_end();
	fprintf(stderr, "%s%s\n", level == STRATA_LOG_WARN ? "warning: " : "", msg);
}

size_t cli_steps_done;

static void on_event(void *ctx, const strata_event *ev)
{
	const strata_revision *r = ev->revision;
	const char *verb = ev->direction == STRATA_DOWN ? "downgrade" : "upgrade";
	size_t i, np = strata_revision_parent_count(r);

	(void)ctx;
	if (ev->kind == STRATA_EVENT_STEP_END)
		cli_steps_done++;
	if (cli_quiet)
		return;
	if (ev->kind == STRATA_EVENT_STEP_BEGIN) {
		cli_progress_line_end();
		if (ev->total > 1)
			fprintf(stderr, "%s[%zu/%zu]%s ", cli_c(cli_color_err, C_DIM), ev->index, ev->total,
				cli_c(cli_color_err, C_RESET));
		fprintf(stderr, "%s ", verb);
		if (ev->direction == STRATA_DOWN)
			fprintf(stderr, "%s -> ", strata_revision_id(r));
		if (!np)
			fprintf(stderr, "%s", ev->direction == STRATA_DOWN ? "<base>" : "<base> ");
		for (i = 0; i < np; i++)
			fprintf(stderr, "%s%s", i ? ", " : "",
				strata_revision_id(strata_revision_parent(r, i)));
		if (ev->direction == STRATA_UP)
			fprintf(stderr, "%s-> %s%s%s", np ? " " : "", cli_c(cli_color_err, C_BOLD),
				strata_revision_id(r), cli_c(cli_color_err, C_RESET));
		if (*strata_revision_message(r))
			fprintf(stderr, ", %s", strata_revision_message(r));
		fputs(" ...", stderr);
		fflush(stderr);
		progress_open = 1;
	} else if (ev->kind == STRATA_EVENT_STEP_END) {
		if (progress_open)
			fprintf(stderr, " %sdone%s (%.0f ms)\n", cli_c(cli_color_err, C_GREEN),
				cli_c(cli_color_err, C_RESET), ev->elapsed_ms);
		progress_open = 0;
	}
}

static void on_sql(void *ctx, const char *sql)
{
	(void)ctx;
	fputs(sql, stdout);
}

/* "30", "30s", "500ms", "2m", "forever" -> milliseconds, -1 forever; -2 invalid. */
static long parse_duration(const char *s)
{
	char *end;
	double v;

	if (strcmp(s, "forever") == 0)
		return -1;
	v = strtod(s, &end);
	if (end == s || v < 0 || v > 1e9)
		return -2;
	if (*end == '\0' || strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "m") == 0)
		v *= 60000;
	else if (strcmp(end, "ms") != 0)
		return -2;
	return v < 1 ? 1 : (long)v;
}

void cli_close(strata *s)
{
	cli_running = NULL;
	strata_free(s);
}

int cli_open(strata **out, cli_args *a, int offline)
{
	strata_options o;
	int rc;

	strata_options_init(&o);
	o.config_file = a->config ? a->config : "strata.ini";
	o.url = a->url;
	o.use_env_url = 1;
	o.log_fn = on_log;
	o.log_level = a->verbose ? STRATA_LOG_DEBUG : STRATA_LOG_INFO;
	o.event_fn = on_event;
	o.offline = offline;
	o.sql_fn = offline ? on_sql : NULL;
	o.allow_changed = a->allow_changed;
	o.single_transaction = a->single_transaction;
	if (a->lock_timeout) {
		o.lock_timeout_ms = parse_duration(a->lock_timeout);
		if (o.lock_timeout_ms == -2) {
			*out = NULL;
			cli_error("invalid --lock-timeout '%s': write 30, 30s, 500ms, 2m or forever",
				  a->lock_timeout);
			return EXIT_USAGE;
		}
	}
	rc = strata_open(out, &o);
	if (!*out) {
		cli_error("out of memory");
		return EXIT_DB;
	}
	if (rc)
		return cli_fail(*out);
	cli_running = *out;
	return 0;
}

/* ---- revisions --------------------------------------------------------------------------- */

static void tags(FILE *f, const strata_revision *r, int color)
{
	const char *b = strata_revision_branch_names(r);

	if (*b) {
		fputs(" (", f);
		fputs(b, f);
		fputc(')', f);
	}
	if (strata_revision_is_head(r)) {
		fputc(' ', f);
		fputs(cli_c(color, C_GREEN), f);
		fputs("(head)", f);
		fputs(cli_c(color, C_RESET), f);
	}
	if (strata_revision_is_branch_point(r))
		fputs(" (branchpoint)", f);
	if (strata_revision_is_merge(r))
		fputs(" (mergepoint)", f);
}

void cli_rev_line(FILE *f, const strata_revision *r, int show_parents, const char *extra)
{
	int color = f == stdout ? cli_color_out : cli_color_err;
	size_t i, np = strata_revision_parent_count(r);

	/* fputs, not fprintf: `history` prints a line per revision, and formatting was a third
	 * of its instructions at 10,000 revisions. */
	if (show_parents) {
		if (np == 0)
			fputs("<base>", f);
		if (np > 1)
			fputc('(', f);
		for (i = 0; i < np; i++) {
			if (i)
				fputs(", ", f);
			fputs(strata_revision_id(strata_revision_parent(r, i)), f);
		}
		if (np > 1)
			fputc(')', f);
		fputs(" -> ", f);
	}
	fputs(cli_c(color, C_YELLOW), f);
	fputs(strata_revision_id(r), f);
	fputs(cli_c(color, C_RESET), f);
	tags(f, r, color);
	if (extra) {
		fputc(' ', f);
		fputs(extra, f);
	}
	if (*strata_revision_message(r)) {
		fputs(", ", f);
		fputs(strata_revision_message(r), f);
	}
	fputc('\n', f);
}

void cli_rev_verbose(FILE *f, const strata_revision *r, const char *extra)
{
	int color = f == stdout ? cli_color_out : cli_color_err;
	size_t i, n;

	fprintf(f, "Rev: %s%s%s", cli_c(color, C_YELLOW), strata_revision_id(r),
		cli_c(color, C_RESET));
	tags(f, r, color);
	if (extra)
		fprintf(f, " %s", extra);
	fputc('\n', f);
	n = strata_revision_parent_count(r);
	fprintf(f, "%s: ", n > 1 ? "Merges" : "Parent");
	if (!n)
		fputs("<base>", f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", strata_revision_id(strata_revision_parent(r, i)));
	fputc('\n', f);
	n = strata_revision_child_count(r);
	if (n > 1) {
		fputs("Branches into: ", f);
		for (i = 0; i < n; i++)
			fprintf(f, "%s%s", i ? ", " : "", strata_revision_id(strata_revision_child(r, i)));
		fputc('\n', f);
	}
	if (*strata_revision_branch_names(r))
		fprintf(f, "Branch names: %s\n", strata_revision_branch_names(r));
	n = strata_revision_depends_count(r);
	if (n) {
		fputs("Depends on: ", f);
		for (i = 0; i < n; i++)
			fprintf(f, "%s%s", i ? ", " : "", strata_revision_id(strata_revision_depends(r, i)));
		fputc('\n', f);
	}
	fprintf(f, "Path: %s\n", strata_revision_path(r));
	if (!strata_revision_transactional(r, STRATA_UP) ||
	    (strata_revision_has_down(r) && !strata_revision_transactional(r, STRATA_DOWN)))
		fprintf(f, "Transaction: up %s, down %s\n",
			strata_revision_transactional(r, STRATA_UP) ? "yes" : "no",
			strata_revision_transactional(r, STRATA_DOWN) ? "yes" : "no");
	if (!strata_revision_has_down(r))
		fprintf(f, "Down: none (cannot be downgraded)\n");
	fprintf(f, "\n    %s\n\n", *strata_revision_message(r) ? strata_revision_message(r)
							      : "(no message)");
	fprintf(f, "    Revision ID: %s\n", strata_revision_id(r));
	n = strata_revision_parent_count(r);
	fprintf(f, "    Revises: ");
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", strata_revision_id(strata_revision_parent(r, i)));
	fputc('\n', f);
	if (strata_revision_created(r))
		fprintf(f, "    Create Date: %s\n", strata_revision_created(r));
	fputc('\n', f);
}

void cli_rev_json(FILE *f, const strata_revision *r, int current)
{
	size_t i, n;

	fputs("{\"revision\": ", f);
	cli_json_str(f, strata_revision_id(r));
	fputs(", \"down_revisions\": [", f);
	n = strata_revision_parent_count(r);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		cli_json_str(f, strata_revision_id(strata_revision_parent(r, i)));
	}
	fputs("], \"depends_on\": [", f);
	n = strata_revision_depends_count(r);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		cli_json_str(f, strata_revision_id(strata_revision_depends(r, i)));
	}
	fputs("], \"branch_labels\": [", f);
	n = strata_revision_label_count(r);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		cli_json_str(f, strata_revision_label(r, i));
	}
	fputs("], \"message\": ", f);
	cli_json_str(f, strata_revision_message(r));
	fputs(", \"created\": ", f);
	cli_json_str(f, strata_revision_created(r));
	fputs(", \"path\": ", f);
	cli_json_str(f, strata_revision_path(r));
	fprintf(f, ", \"is_head\": %s, \"is_base\": %s, \"is_branch_point\": %s, \"is_merge\": %s",
		strata_revision_is_head(r) ? "true" : "false",
		strata_revision_is_base(r) ? "true" : "false",
		strata_revision_is_branch_point(r) ? "true" : "false",
		strata_revision_is_merge(r) ? "true" : "false");
	if (current >= 0)
		fprintf(f, ", \"is_current\": %s", current ? "true" : "false");
	fputc('}', f);
}
