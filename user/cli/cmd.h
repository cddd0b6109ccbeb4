/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* user/cli/cmd.h - command tables, option tables, exit codes.
 *
 * Every command is `int cmd_<verb>(int argc, char **argv)` (argv[0] is the
 * command name) returning an enum asc_exit.  Options are data: one table per
 * command drives both getopt_long and the --help text, and a test keeps
 * docs/asclass.8 in step with the tables.
 */
#ifndef ASC_CMD_H
#define ASC_CMD_H
#include <getopt.h> /* optind: positional arguments after opt_next() */
#include <stdio.h>
#include "cli/settings.h"

/* Exit codes, documented under EXIT STATUS in asclass(8). */
enum asc_exit {
	ASC_EXIT_OK = 0,
	ASC_EXIT_FAIL = 1,  /* a runtime failure: a syscall, a missing interface */
	ASC_EXIT_USAGE = 2, /* bad command line */
	ASC_EXIT_INPUT = 3, /* bad input data: a routing file, a config file */
	ASC_EXIT_BPF = 4,   /* loading, attaching or reaching the BPF programs and maps */
};

/* What a command was doing when it failed.  One errno means different things
 * in different steps: -ENOENT for a routing file is a runtime failure (1), for
 * the pinned maps a BPF one (4). */
enum exit_step {
	EXIT_READ, /* reading input: routing files, the config file */
	EXIT_BPF,  /* creating, opening, reading or filling the maps */
	EXIT_LINK, /* attaching to or detaching from an interface */
	EXIT_RUN,  /* anything else: memory, writing the output */
};

/* The exit status for err (0 or a negative errno) returned by a step, the
 * same in every command; the table is in cmd.c and under EXIT STATUS in
 * asclass(8).  Reading: -EINVAL, -EBADMSG (malformed, or a limit the input
 * reached) and -ENODATA (no routes) are bad input (3), any other error (a
 * file missing, a directory, unreadable; no memory) is 1.  Maps: 4.
 * Interfaces: no such interface (-ENODEV), nothing attached (-ENOENT), an
 * upstream name the maps cannot hold (-EINVAL) are 1, the rest 4.  Anything
 * else: 1.  Does not log. */
int exit_code(enum exit_step step, int err);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* Runs the command named by argv[0] from `cmds` (NULL-terminated).
 * `prog` is the prefix for messages and help ("asclass", "asclass routes"). */
int dispatch(const struct command *cmds, const char *prog, int argc, char **argv);
void commands_usage(const struct command *cmds, const char *prog, FILE *f);

/* An option: either spelled out here (name ... help), or a setting of the
 * settings table bound to a field (OPT_SETTING), which then gives the name,
 * short name, metavar, default and help, and opt_parse() parses it. */
struct opt {
	const char *name;    /* long name, without "--" */
	int short_name;	     /* 0 for none */
	const char *metavar; /* NULL: a flag that takes no argument */
	const char *def;     /* default shown in --help, or NULL */
	const char *help;
	struct setting_bind bind; /* .set: a setting, and the others are unused */
};

/* An option table entry for a setting stored in `field` of `type`. */
#define OPT_SETTING(setting, type, field) { .bind = SETTING_BIND(setting, type, field) }

struct cmd_spec {
	const char *name;	/* "asclass attach" */
	const char *synopsis;	/* "IFACE --upstream NAME [OPTIONS]" */
	const char *desc;	/* a paragraph */
	const struct opt *opts; /* terminated by { NULL } */
	const char *examples;	/* lines, each already indented */
};

enum { OPT_END = -1, OPT_ERR = -2 };

/* getopt_long over spec->opts.  Returns the index into spec->opts of the next
 * option seen (with *arg set for options taking one), OPT_END when options are
 * over (positional arguments start at optind), OPT_ERR after printing a usage
 * error.  -h/--help prints the help and exits 0.  Resets getopt state on the
 * first call for a given argv. */
int opt_next(const struct cmd_spec *spec, int argc, char **argv, const char **arg);
/* Every option of spec, all of them OPT_SETTING, parsed into dst (the struct
 * they are bound to); a flag (a BOOL setting) sets its field.  Returns 0
 * with positional arguments from optind, or ASC_EXIT_USAGE after printing
 * "asclass CMD: --NAME: why". */
int opt_parse(const struct cmd_spec *spec, int argc, char **argv, void *dst);
/* The long name of o (its setting's, if it has one). */
const char *opt_name(const struct opt *o);
/* The --json option, spelled the same in every command that has one. */
#define OPT_JSON { "json", 'j', NULL, NULL, "print JSON (see JSON OUTPUT in asclass(8))" }
/* opt_next() for a command whose only option is OPT_JSON: sets *json (0 or
 * 1).  Returns 0, or ASC_EXIT_USAGE after printing a usage error. */
int opt_json_only(const struct cmd_spec *spec, int argc, char **argv, int *json);
void cmd_help(const struct cmd_spec *spec, FILE *f);

/* Usage error: prints "asclass CMD: <msg>" and a --help hint; returns ASC_EXIT_USAGE. */
int usage_error(const struct cmd_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Global options (asclass [-v] [--pin-dir DIR] COMMAND ...). */
extern const char *asc_pin_dir;

/* The commands (one file each: user/cli/cmd_<verb>.c; `run` is user/daemon/cmd_run.c). */
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_mrt(int argc, char **argv);
int cmd_rib(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_events(int argc, char **argv);

#endif
