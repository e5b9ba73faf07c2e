/* args.c - command-line parsing.  Global options may stand before or after the command name;
 * options that take a value consume the next argument even if it starts with '-', so
 * `-m "-v fixes"` is a message.  "-1" and other negative numbers are arguments (targets). */
#include "cli.h"

#include <ctype.h>
#include <string.h>

enum { G_CONFIG = 1000, G_URL, G_QUIET, G_VERBOSE, G_COLOR, G_NO_COLOR, G_HELP };

const cli_opt cli_global_opts[] = {
	{ "config", 'c', 1, G_CONFIG, "FILE", "the project's ini file (default: ./strata.ini)" },
	{ "url", 0, 1, G_URL, "URL", "database URL (before $DATABASE_URL and the ini's url)" },
	{ "quiet", 'q', 0, G_QUIET, NULL, "print only errors" },
	{ "verbose", 'v', 0, G_VERBOSE, NULL, "print more (details of revisions, SQL timing)" },
	{ "color", 0, 1, G_COLOR, "WHEN", "auto, always or never" },
	{ "no-color", 0, 0, G_NO_COLOR, NULL, "same as --color=never" },
	{ "help", 'h', 0, G_HELP, NULL, "show help" },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const cli_opt *find_opt(const cli_opt *opts, const char *lname, size_t llen, char sname)
{
	for (; opts && opts->long_name; opts++) {
		if (lname && strlen(opts->long_name) == llen && strncmp(opts->long_name, lname, llen) == 0)
			return opts;
		if (!lname && sname && opts->short_name == sname)
			return opts;
	}
	return NULL;
}

static int is_number_arg(const char *s)
{
	if (s[0] != '-' || !isdigit((unsigned char)s[1]))
		return 0;
	for (s++; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static int apply(cli_args *a, const cli_opt *o, const char *value)
{
	switch (o->id) {
	case G_CONFIG: a->config = value; return 0;
	case G_URL: a->url = value; return 0;
	case G_QUIET: a->quiet = 1; return 0;
	case G_VERBOSE: a->verbose++; return 0;
	case G_NO_COLOR: a->color = 0; return 0;
	case G_HELP: a->help = 1; return 0;
	case G_COLOR:
		if (strcmp(value, "auto") == 0) a->color = -1;
		else if (strcmp(value, "always") == 0) a->color = 1;
		else if (strcmp(value, "never") == 0) a->color = 0;
		else {
			cli_error("--color takes auto, always or never, not '%s'", value);
			return -1;
		}
		return 0;
	}
	if (a->n_opts >= (int)(sizeof(a->opts) / sizeof(a->opts[0]))) {
		cli_error("too many options");
		return -1;
	}
	a->opts[a->n_opts].id = o->id;
	a->opts[a->n_opts].value = value;
	a->n_opts++;
	return 0;
}

int cli_parse(cli_args *a, int argc, char **argv, const cli_command *(*find)(const char *),
	      const cli_command **cmd_out)
{
	const cli_command *cmd = NULL;
	int i, only_pos = 0;

	memset(a, 0, sizeof(*a));
	a->color = -1;
	*cmd_out = NULL;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const cli_opt *o = NULL;
		const char *value = NULL;

		if (only_pos || arg[0] != '-' || arg[1] == '\0' || is_number_arg(arg)) {
			if (!cmd) {
				cmd = find(arg);
				if (!cmd) {
					cli_error("unknown command '%s'", arg);
					fprintf(stderr, "Run `strata --help` for the list of commands.\n");
					return -1;
				}
				continue;
			}
			if (a->n_pos >= (int)(sizeof(a->pos) / sizeof(a->pos[0]))) {
				cli_error("too many arguments");
				return -1;
			}
			a->pos[a->n_pos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (arg[1] == '-') {
			const char *name = arg + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			o = find_opt(cmd ? cmd->opts : NULL, name, len, 0);
			if (!o)
				o = find_opt(cli_global_opts, name, len, 0);
			if (!o) {
				cli_error("unknown option '--%.*s'%s%s", (int)len, name,
					  cmd ? " for " : "", cmd ? cmd->name : "");
				return -1;
			}
			if (eq && !o->has_arg) {
				cli_error("option '--%s' takes no value", o->long_name);
				return -1;
			}
			value = eq ? eq + 1 : NULL;
		} else {
			o = find_opt(cmd ? cmd->opts : NULL, NULL, 0, arg[1]);
			if (!o)
				o = find_opt(cli_global_opts, NULL, 0, arg[1]);
			if (!o) {
				cli_error("unknown option '-%c'%s%s", arg[1], cmd ? " for " : "",
					  cmd ? cmd->name : "");
				return -1;
			}
			if (arg[2]) {
				if (!o->has_arg) {
					/* Bundled flags: -qv */
					int j;
					for (j = 1; arg[j]; j++) {
						const cli_opt *f = find_opt(cmd ? cmd->opts : NULL, NULL, 0, arg[j]);
						if (!f)
							f = find_opt(cli_global_opts, NULL, 0, arg[j]);
						if (!f || f->has_arg) {
							cli_error("unknown option '-%c' in '%s'", arg[j], arg);
							return -1;
						}
						if (apply(a, f, NULL))
							return -1;
					}
					continue;
				}
				value = arg + 2;
			}
		}
		if (o->has_arg && !value) {
			if (i + 1 >= argc) {
				cli_error("option '%s' needs a value (%s)", arg, o->arg_name);
				return -1;
			}
			value = argv[++i];
		}
		if (apply(a, o, value))
			return -1;
	}
	*cmd_out = cmd;
	return 0;
}

int cli_has(const cli_args *a, int id)
{
	int i;

	for (i = 0; i < a->n_opts; i++)
		if (a->opts[i].id == id)
			return 1;
	return 0;
}

const char *cli_value(const cli_args *a, int id)
{
	const char *v = NULL;
	int i;

	for (i = 0; i < a->n_opts; i++)
		if (a->opts[i].id == id)
			v = a->opts[i].value;
	return v;
}

int cli_values(const cli_args *a, int id, const char **out, int max)
{
	int i, n = 0;

	for (i = 0; i < a->n_opts && n < max; i++)
		if (a->opts[i].id == id)
			out[n++] = a->opts[i].value;
	return n;
}
