// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/asclass.c - main(): global options, then the command table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asclass.h"
#include "cli/cmd.h"
#include "common/log.h"

static const struct command commands[] = {
	{ "attach", cmd_attach, "attach the classifier to an upstream link" },
	{ "detach", cmd_detach, "remove the classifier from an interface" },
	{ "status", cmd_status, "show links, attach modes and route tables" },
	{ "routes", cmd_routes, "load route tables from routing data" },
	{ "lookup", cmd_lookup, "print the route an address classifies to" },
	{ "stats", cmd_stats,
	  "print counters per upstream, direction, family, origin and transit AS" },
	{ "run", cmd_run, "run as the border-router daemon (config, reloads, /metrics)" },
	{ "metrics", cmd_metrics, "print the counters in the Prometheus text format" },
	{ "top", cmd_top, "show current rates per upstream, origin and transit AS, like top" },
	{ "rib", cmd_rib,
	  "print the route table resolved from routing data, or its transit history" },
	{ "mrt", cmd_mrt, "print MRT routing data as bgpdump -m does" },
	{ "events", cmd_events,
	  "print routing changes (origin gained or lost a transit) from files or the daemon" },
	{ NULL },
};

static void usage(FILE *f)
{
	fprintf(f,
		"asclass %s - per-upstream, per-origin-AS traffic classifier for border links\n\n"
		"Usage: asclass [-v|-vv] [--pin-dir DIR] COMMAND [ARGS...]\n\n"
		"Global options:\n"
		"    -v, --verbose          more log output (-vv: libbpf/libxdp debug output)\n"
		"    --pin-dir DIR          where the maps are pinned (default: %s,\n"
		"                           or $ASCLASS_PIN_DIR)\n"
		"    -V, --version          print the version and exit\n"
		"    -h, --help             print this help and exit\n\n",
		ASC_VERSION, ASC_PIN_DIR_DEFAULT);
	commands_usage(commands, "asclass", f);
}

int main(int argc, char **argv)
{
	const char *env = getenv("ASCLASS_PIN_DIR");
	int i;

	if (env && *env)
		asc_pin_dir = env;
	/* Global options come before the command; each command parses its own. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))
			log_level = log_level < LOG_LVL_DEBUG ? LOG_LVL_DEBUG : LOG_LVL_TRACE;
		else if (!strcmp(argv[i], "-vv"))
			log_level = LOG_LVL_TRACE;
		else if (!strcmp(argv[i], "--pin-dir") && i + 1 < argc)
			asc_pin_dir = argv[++i];
		else if (!strncmp(argv[i], "--pin-dir=", 10))
			asc_pin_dir = argv[i] + 10;
		else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("asclass %s (%s)\n", ASC_VERSION, ASC_GIT_REV);
			return ASC_EXIT_OK;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return ASC_EXIT_OK;
		} else {
			fprintf(stderr, "asclass: unknown global option '%s'\n", argv[i]);
			usage(stderr);
			return ASC_EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return ASC_EXIT_USAGE;
	}
	log_setup_libbpf();
	return dispatch(commands, "asclass", argc - i, argv + i);
}
