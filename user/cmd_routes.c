// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cmd_routes.c - asclass routes load: routing data -> route tables. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "maps.h"
#include "routes_text.h"
#include "tables.h"

enum { R_FORMAT };
static const struct opt load_opts[] = {
	[R_FORMAT] = { "format", 'f', "text", "text", "format of the routing data" },
	{ NULL },
};

static const struct cmd_spec load_spec = {
	.name = "asclass routes load",
	.synopsis = "FILE... [--format text]",
	.desc = "Read routing data and replace the route tables as a whole.  The new tables are "
		"built aside and swapped in at once; if any input is bad, the error names "
		"file:line and the active tables stay as they were.  FILE may be - for standard "
		"input.  Text lines are PREFIX ORIGIN_AS [TRANSIT_AS [PEER_AS]], # starts a comment.",
	.opts = load_opts,
	.examples = "    asclass routes load routes.txt\n"
		    "    echo '175.45.176.0/22 131279 4837' | asclass routes load -\n",
};

static int read_file(const char *path, struct rtable *t)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int err;

	if (!f) {
		err = -errno;
		log_err("%s: %s", path, strerror(errno));
		return err;
	}
	err = routes_text_read(f, strcmp(path, "-") ? path : "<stdin>", t);
	if (f != stdin)
		fclose(f);
	return err;
}

static int routes_load(int argc, char **argv)
{
	struct tables_result res = { 0 };
	struct rtable t = { 0 };
	struct asc_maps m;
	const char *arg;
	int i, err;

	while ((i = opt_next(&load_spec, argc, argv, &arg)) != OPT_END) {
		if (i == R_FORMAT && strcmp(arg, "text"))
			return usage_error(&load_spec, "--format: unknown format '%s'", arg);
		if (i < 0)
			return ASC_EXIT_USAGE;
	}
	if (optind >= argc)
		return usage_error(&load_spec, "expected at least one FILE");
	for (i = optind; i < argc; i++) {
		err = read_file(argv[i], &t);
		if (err) {
			log_err("no routes loaded: the active tables are unchanged");
			rtable_free(&t);
			return ASC_EXIT_INPUT;
		}
	}
	rtable_sort_dedup(&t);
	err = maps_create(asc_pin_dir, &m);
	if (err) {
		rtable_free(&t);
		return ASC_EXIT_BPF;
	}
	err = tables_load(&m, &t, &res);
	maps_close(&m);
	rtable_free(&t);
	if (err) {
		log_err("no routes loaded: the active tables are unchanged");
		return ASC_EXIT_BPF;
	}
	log_info("loaded %zu IPv4 + %zu IPv6 prefixes into generation %u in %.3f s",
		 res.routes_v4, res.routes_v6, res.generation, res.build_seconds);
	return ASC_EXIT_OK;
}

static const struct command routes_cmds[] = {
	{ "load", routes_load, "replace the route tables from routing data" },
	{ NULL },
};

int cmd_routes(int argc, char **argv)
{
	return dispatch(routes_cmds, "asclass routes", argc - 1, argv + 1);
}
