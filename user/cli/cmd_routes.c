// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_routes.c - asclass routes load: routing data -> route tables. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
#include "routes/routes_in.h"

/* What `routes load` takes: the readers' options and the tables' kind. */
struct load_args {
	struct routes_opts ro;
	enum asc_lookup_kind lookup;
};

static const struct opt load_opts[] = {
	OPT_SETTING(set_format, struct load_args, ro.format),
	OPT_SETTING(set_keep_going, struct load_args, ro.keep_going),
	OPT_SETTING(set_allow_empty, struct load_args, ro.allow_empty),
	OPT_SETTING(set_lookup, struct load_args, lookup),
	{ NULL },
};

static const struct cmd_spec load_spec = {
	.name = "asclass routes load",
	.synopsis = "FILE... [--format FORMAT] [--keep-going] [--allow-empty] [--lookup fast|lpm]",
	.desc = "Read routing data (MRT RIB and update dumps, bgpdump -m text, pfx2as, or text "
		"lines PREFIX ORIGIN_AS [TRANSIT_AS [PEER_AS]]; gzip and bzip2 detected by their "
		"magic bytes; - for standard input), resolve it as 'asclass rib' does, and replace "
		"the route tables as a whole.  The new tables are built aside and swapped in at "
		"once; if any input is bad, the error names the file and line or record, and the "
		"active tables and every counter stay as they were.  Input without routes is bad "
		"input too (a file caught while it is being rewritten must not empty the tables), "
		"unless --allow-empty.",
	.opts = load_opts,
	.examples =
		"    asclass routes load rib.20171001.0800.mrt.bz2 updates.20171001.0905.mrt.gz\n"
		"    asclass routes load --format pfx2as routeviews-rv2-20171001-1200.pfx2as.gz\n"
		"    echo '175.45.176.0/22 131279 4837' | asclass routes load -\n",
};

/* The attached upstreams' columns (per-link attribution: whose paths each
 * link counts under), from the pinned maps if there are any; none when
 * nothing was ever attached.  Input that turns out bad then leaves no maps
 * behind. */
static int attached_upstreams(struct rt_upstreams *ups)
{
	char path[PATH_MAX];
	struct asc_maps m;
	int err;

	memset(ups, 0, sizeof(*ups));
	/* asc_retired is new in 0.2: without it there is nothing attached
	 * with columns (none yet, or a 0.1 set that maps_create() upgrades) */
	snprintf(path, sizeof(path), "%s/asc_retired", asc_pin_dir);
	if (access(path, F_OK))
		return 0;
	if (maps_open(asc_pin_dir, &m))
		return 0; /* maps_create() below says what is wrong with them */
	err = tables_upstreams(&m, ups);
	maps_close(&m);
	return err;
}

static int routes_load(int argc, char **argv)
{
	struct load_args a = { .ro.format = ROUTES_AUTO, .lookup = ASC_LOOKUP_FAST };
	struct tables_opts to = { 0 };
	struct tables_result res = { 0 };
	struct routes_stats rs;
	struct rt_upstreams ups;
	struct rtable t = { 0 };
	struct asc_maps m;
	int err;

	err = opt_parse(&load_spec, argc, argv, &a);
	if (err)
		return err;
	to.which = a.lookup == ASC_LOOKUP_LPM ? TABLES_LPM : TABLES_FAST;
	if (optind >= argc)
		return usage_error(&load_spec, "expected at least one FILE");
	err = attached_upstreams(&ups);
	if (err)
		return exit_code(EXIT_BPF, err);
	a.ro.upstreams = &ups;
	err = routes_read((const char *const *)argv + optind, argc - optind, &a.ro, &t, NULL, &rs);
	if (err) {
		log_err("no routes loaded: the active tables are unchanged");
		rtable_free(&t);
		return exit_code(EXIT_READ, err);
	}
	err = maps_create(asc_pin_dir, 0, &m);
	if (err) {
		rtable_free(&t);
		return exit_code(EXIT_BPF, err);
	}
	err = tables_load_take(&m, &t, &to, &res); /* t is not held beside the build */
	maps_close(&m);
	rtable_free(&t);
	if (err) {
		log_err("no routes loaded: the active tables are unchanged");
		return exit_code(EXIT_BPF, err);
	}
	log_info("loaded %zu IPv4 + %zu IPv6 prefixes into generation %u (%s tables) in %.3f s%s",
		 res.routes_v4, res.routes_v6, res.generation,
		 res.lookup == ASC_LOOKUP_FAST ? "fast" : "lpm", res.build_seconds,
		 rs.bad ? " (malformed records skipped: see above)" : "");
	if (res.lookup == ASC_LOOKUP_FAST)
		log_info("fast tables: %zu nodes, %zu leaves, %zu distinct routes: %.1f MiB",
			 res.fast.nodes, res.fast.leaves, res.fast.routes,
			 res.fast.bytes / 1048576.0);
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
