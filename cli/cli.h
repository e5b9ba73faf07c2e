/* cli.h - the strata command line: a thin layer over libstrata's public API (strata.h only).
 * One file per group of commands; the command table lives in main.c, as in git. */
#ifndef STRATA_CLI_H
#define STRATA_CLI_H

#include <stdio.h>
#include <strata.h>

/* Exit codes (documented in the README and strata(1)). */
enum {
	EXIT_OK = 0,
	EXIT_DB = 1,       /* a migration or the database failed */
	EXIT_USAGE = 2,    /* bad command line */
	EXIT_DIFF = 3,     /* check/verify found differences */
	EXIT_LOCK = 4,     /* the migration lock was not obtained in time */
	EXIT_CONFIG = 5,   /* config file, URL or environment */
	EXIT_SCRIPT = 6,   /* a revision file or the revision graph is invalid */
	EXIT_TARGET = 7,   /* a target cannot be resolved or reached */
	EXIT_IO = 8,       /* a file could not be read or written */
	EXIT_INTR = 130    /* interrupted (Ctrl-C, SIGTERM) */
};

/* Option description. */
typedef struct cli_opt {
	const char *long_name; /* without "--" */
	char short_name;       /* or 0 */
	int has_arg;
	int id;                /* command-specific */
	const char *arg_name;  /* for help */
	const char *help;
} cli_opt;

/* Parsed command line. */
typedef struct cli_args {
	/* global */
	const char *config;
	const char *url;
	int quiet;
	int verbose;
	int color;       /* -1 auto, 0 never, 1 always */
	int help;
	const char *lock_timeout; /* set by commands that take --lock-timeout */
	int allow_changed;        /* set by commands that take --allow-changed */
	int single_transaction;   /* set by commands that take --single-transaction */
	/* command */
	struct {
		int id;
		const char *value;
	} opts[64];
	int n_opts;
	const char *pos[64];
	int n_pos;
} cli_args;

typedef struct cli_command cli_command;
typedef int (*cli_fn)(const cli_command *cmd, cli_args *a);

struct cli_command {
	const char *name;
	cli_fn fn;
	const cli_opt *opts; /* terminated by a zeroed entry */
	const char *usage;   /* arguments after the name */
	const char *summary;
	const char *help;    /* longer description */
};

/* args.c */
int cli_parse(cli_args *a, int argc, char **argv, const cli_command *(*find)(const char *),
	      const cli_command **cmd_out);
int cli_has(const cli_args *a, int id);
const char *cli_value(const cli_args *a, int id);  /* last given, or NULL */
int cli_values(const cli_args *a, int id, const char **out, int max);
extern const cli_opt cli_global_opts[];

/* output.c */
extern int cli_color_out, cli_color_err;
void cli_setup_color(int mode);
const char *cli_c(int on, const char *code); /* code when colour is on, "" otherwise */
#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_DIM "\033[2m"
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the handle's error and return the exit code for it. */
int cli_fail(strata *s);
int cli_exit_code(int strata_code);
void cli_json_str(FILE *f, const char *s);
void cli_print_usage(FILE *f, const cli_command *cmd);
void cli_print_help(const cli_command *cmd);
/* For commands without positional arguments: complain and return EXIT_USAGE, or 0. */
int cli_no_args(const cli_command *cmd, const cli_args *a);
/* Open the project the global options describe. */
int cli_open(strata **out, cli_args *a, int offline);
/* Forget the handle for the signal handler, then free it. */
void cli_close(strata *s);
extern int cli_quiet, cli_verbose;
extern size_t cli_steps_done; /* migrations that committed in this run */
void cli_progress_line_end(void);

/* Revision descriptions shared by commands. */
void cli_rev_line(FILE *f, const strata_revision *r, int show_parents, const char *extra);
void cli_rev_verbose(FILE *f, const strata_revision *r, const char *extra);
void cli_rev_json(FILE *f, const strata_revision *r, int current);

/* Commands. */
int cmd_init(const cli_command *, cli_args *);
int cmd_revision(const cli_command *, cli_args *);
int cmd_merge(const cli_command *, cli_args *);
int cmd_upgrade(const cli_command *, cli_args *);
int cmd_downgrade(const cli_command *, cli_args *);
int cmd_stamp(const cli_command *, cli_args *);
int cmd_current(const cli_command *, cli_args *);
int cmd_heads(const cli_command *, cli_args *);
int cmd_branches(const cli_command *, cli_args *);
int cmd_show(const cli_command *, cli_args *);
int cmd_status(const cli_command *, cli_args *);
int cmd_history(const cli_command *, cli_args *);
int cmd_embed(const cli_command *, cli_args *);
int cmd_verify(const cli_command *, cli_args *);
int cmd_log(const cli_command *, cli_args *);
int cmd_import(const cli_command *, cli_args *);
int cmd_adopt(const cli_command *, cli_args *);
int cmd_diff(const cli_command *, cli_args *);
int cmd_check(const cli_command *, cli_args *);
int cmd_test(const cli_command *, cli_args *);
/* Run autogenerate with the command's --rename options; prints warnings. */
int cli_autogenerate(strata *s, cli_args *a, strata_autogen **out);

extern volatile strata *cli_running; /* for the signal handler */

#endif
