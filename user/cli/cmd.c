// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd.c - command dispatch, option tables and --help text. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "asclass.h"
#include "cli/cmd.h"
#include "common/log.h"

const char *asc_pin_dir = ASC_PIN_DIR_DEFAULT;

void commands_usage(const struct command *cmds, const char *prog, FILE *f)
{
	fprintf(f, "Usage: %s COMMAND [ARGS...]\n\nCommands:\n", prog);
	for (const struct command *c = cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'%s COMMAND --help' describes a command.\n", prog);
}

int dispatch(const struct command *cmds, const char *prog, int argc, char **argv)
{
	if (argc < 1) {
		commands_usage(cmds, prog, stderr);
		return ASC_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		commands_usage(cmds, prog, stdout);
		return ASC_EXIT_OK;
	}
	for (const struct command *c = cmds; c->name; c++)
		if (!strcmp(argv[0], c->name))
			return c->fn(argc, argv);
	fprintf(stderr, "%s: unknown command '%s' (known:", prog, argv[0]);
	for (const struct command *c = cmds; c->name; c++)
		fprintf(stderr, " %s", c->name);
	fprintf(stderr, ")\n");
	return ASC_EXIT_USAGE;
}

const char *opt_name(const struct opt *o)
{
	return o->bind.set ? o->bind.set->name : o->name;
}

/* What --help and getopt need of o, from its setting if it has one. */
static struct opt opt_view(const struct opt *o)
{
	const struct setting *s = o->bind.set;

	if (!s)
		return *o;
	if (s->type == SETTING_BOOL) /* a flag */
		return (struct opt){ s->name, s->short_name, NULL, s->def, s->help };
	return (struct opt){ s->name, s->short_name, s->metavar ? s->metavar : "VALUE", s->def,
			     s->help };
}

static void opt_help(const struct opt *opt, FILE *f)
{
	struct opt o = opt_view(opt);
	char lhs[64];
	int n = 0;

	if (o.short_name)
		n = snprintf(lhs, sizeof(lhs), "-%c, ", o.short_name);
	snprintf(lhs + n, sizeof(lhs) - n, "--%s%s%s", o.name, o.metavar ? " " : "",
		 o.metavar ? o.metavar : "");
	fprintf(f, "    %-28s %s", lhs, o.help);
	if (o.def)
		fprintf(f, " (default: %s)", o.def);
	fputc('\n', f);
}

void cmd_help(const struct cmd_spec *spec, FILE *f)
{
	fprintf(f, "SYNOPSIS\n    %s %s\n\n", spec->name, spec->synopsis);
	if (spec->desc)
		fprintf(f, "DESCRIPTION\n    %s\n\n", spec->desc);
	fprintf(f, "OPTIONS\n");
	for (const struct opt *o = spec->opts; o && opt_name(o); o++)
		opt_help(o, f);
	fprintf(f, "    %-28s %s\n", "-h, --help", "print this help and exit");
	if (spec->examples)
		fprintf(f, "\nEXAMPLES\n%s", spec->examples);
}

int usage_error(const struct cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", spec->name);
	return ASC_EXIT_USAGE;
}

#define OPT_MAX 48
#define OPT_HELP_VAL 0x1000

int opt_next(const struct cmd_spec *spec, int argc, char **argv, const char **arg)
{
	static const char *const *started;
	static struct option longopts[OPT_MAX + 2];
	static char shortopts[OPT_MAX * 2 + 3];
	int c;

	if (started != (const char *const *)argv) {
		int n = 0, s = 0;

		started = (const char *const *)argv;
		/* glibc permutes, so "attach eth1 --upstream cu" works too */
		for (const struct opt *p = spec->opts; p && opt_name(p) && n < OPT_MAX; p++, n++) {
			struct opt o = opt_view(p);

			longopts[n] =
				(struct option){ o.name,
						 o.metavar ? required_argument : no_argument, NULL,
						 o.short_name ? o.short_name : 0x100 + n };
			if (o.short_name) {
				shortopts[s++] = (char)o.short_name;
				if (o.metavar)
					shortopts[s++] = ':';
			}
		}
		longopts[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP_VAL };
		longopts[n] = (struct option){ 0 };
		shortopts[s++] = 'h';
		shortopts[s] = 0;
		optind = 0; /* full reset, glibc */
		opterr = 0;
	}
	*arg = NULL;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == -1)
		return OPT_END;
	if (c == OPT_HELP_VAL || c == 'h') {
		cmd_help(spec, stdout);
		exit(ASC_EXIT_OK);
	}
	if (c == '?' || c == ':') {
		const char *bad = argv[optind - 1];

		usage_error(spec, "%s '%s'",
			    optopt && strchr(shortopts, optopt) ? "missing argument for"
								: "unknown option",
			    bad ? bad : "?");
		return OPT_ERR;
	}
	*arg = optarg;
	if (c >= 0x100)
		return c - 0x100;
	for (int i = 0; opt_name(&spec->opts[i]); i++)
		if (opt_view(&spec->opts[i]).short_name == c)
			return i;
	return OPT_ERR;
}

int opt_parse(const struct cmd_spec *spec, int argc, char **argv, void *dst)
{
	const struct opt *o;
	const char *arg;
	char why[256];
	int i;

	while ((i = opt_next(spec, argc, argv, &arg)) != OPT_END) {
		if (i < 0)
			return ASC_EXIT_USAGE;
		o = &spec->opts[i];
		if (!o->bind.set)
			return usage_error(spec, "--%s: not a setting", o->name);
		if (setting_parse(&o->bind, dst, arg ? arg : "yes", why, sizeof(why)))
			return usage_error(spec, "--%s: %s", o->bind.set->name, why);
	}
	return 0;
}

/* A step's errors and their exit status; a row with err 0 is the step's
 * default.  Keep asclass(8), EXIT STATUS, in step. */
static const struct {
	enum exit_step step;
	int err;
	enum asc_exit code;
} exit_codes[] = {
	{ EXIT_READ, -EINVAL, ASC_EXIT_INPUT },	 /* malformed; a limit the input reached */
	{ EXIT_READ, -EBADMSG, ASC_EXIT_INPUT }, /* malformed */
	{ EXIT_READ, -ENODATA, ASC_EXIT_INPUT }, /* no routes (without --allow-empty) */
	{ EXIT_READ, 0, ASC_EXIT_FAIL },	 /* missing, a directory, unreadable, memory */
	{ EXIT_BPF, 0, ASC_EXIT_BPF },		 /* libbpf's LIBBPF_ERRNO__* too */
	{ EXIT_LINK, -ENODEV, ASC_EXIT_FAIL },	 /* no such interface */
	{ EXIT_LINK, -ENOENT, ASC_EXIT_FAIL },	 /* nothing of asclass's attached there */
	{ EXIT_LINK, -EINVAL, ASC_EXIT_FAIL },	 /* an upstream name too long for the maps */
	{ EXIT_LINK, 0, ASC_EXIT_BPF },
	{ EXIT_RUN, 0, ASC_EXIT_FAIL }, /* writing the output, memory */
};

int exit_code(enum exit_step step, int err)
{
	if (!err)
		return ASC_EXIT_OK;
	for (size_t i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]); i++)
		if (exit_codes[i].step == step && (!exit_codes[i].err || exit_codes[i].err == err))
			return exit_codes[i].code;
	return ASC_EXIT_FAIL;
}

int opt_json_only(const struct cmd_spec *spec, int argc, char **argv, int *json)
{
	const char *arg;
	int i;

	*json = 0;
	while ((i = opt_next(spec, argc, argv, &arg)) != OPT_END) {
		if (i < 0)
			return ASC_EXIT_USAGE;
		*json = 1;
	}
	return 0;
}
