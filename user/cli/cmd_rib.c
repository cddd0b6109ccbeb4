// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_rib.c - asclass rib: the resolved table (or the per-origin
 * transit history) from routing data, without touching any BPF map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "output/json_out.h"
#include "routes/routes_in.h"

enum { B_JSON, B_FORMAT, B_KEEP_GOING, B_TRANSITS, B_ORIGIN, B_MERGE };
static const struct opt rib_opts[] = {
	[B_JSON] = OPT_JSON,
	[B_FORMAT] = { "format", 'f', "FORMAT", "auto",
		       "input format: auto, mrt, bgpdump, pfx2as or text" },
	[B_KEEP_GOING] = { "keep-going", 'k', NULL, NULL,
			   "skip and count malformed records instead of failing" },
	[B_TRANSITS] = { "transits", 't', NULL, NULL,
			 "print, per origin AS, each transit AS seen in front of it, when it first "
			 "appeared and when it went away" },
	[B_ORIGIN] = { "origin", 'o', "ASN", NULL, "with --transits: only this origin AS" },
	[B_MERGE] = { "merge-snapshots", 'm', NULL, NULL,
		      "add every TABLE_DUMP_V2 snapshot up, instead of only each collector's "
		      "newest and the updates after it" },
	{ NULL },
};

static const struct cmd_spec rib_spec = {
	.name = "asclass rib",
	.synopsis = "FILE... [--json] [--format FORMAT] [--keep-going] [--merge-snapshots] "
		    "[--transits [--origin ASN]]",
	.desc = "Resolve routing data into the table the data plane would get and print it, one "
		"line per prefix, sorted: prefix, origin AS, transit AS, peer AS, number of paths, "
		"flags.  Files apply in order, so a RIB dump followed by update dumps gives the "
		"table as of the last update.  Of several TABLE_DUMP_V2 snapshots of one "
		"collector (PEER_INDEX_TABLE collector BGP ID and view name) only the newest "
		"counts, by the records' own MRT time, and of the updates only those not older "
		"than the snapshot of their peer; --merge-snapshots adds all up.  Origin is the "
		"last AS of a path with prepending "
		"removed (0 when the path ends in an AS_SET), transit the AS in front of it, peer "
		"the first AS; over several paths the most common wins, ties to the lower AS.",
	.opts = rib_opts,
	.examples = "    asclass rib rib.20171001.0800.mrt updates.20171001.0905.mrt\n"
		    "    asclass rib --transits --origin 131279 rib.mrt updates.mrt\n",
};

static const char *utc(uint32_t t, char *buf, size_t len)
{
	time_t tt = t;
	struct tm tm;

	if (!t)
		return "-";
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Returns 0 or a negative errno (logged). */
static int print_transits(const struct rib *rib, const struct rtable *t, int json, int have_origin,
			  unsigned int origin)
{
	struct rib_transit *v;
	struct json_out w;
	char a[32], b[32];
	size_t n;
	int err = 0;

	if (transits_of(rib, t, &v, &n)) {
		log_err("out of memory");
		return -ENOMEM;
	}
	json_out_init(&w, stdout);
	if (json)
		json_out_array(&w);
	else
		printf("origin_as\ttransit_as\tprefixes\tfirst_seen\tgone_since\n");
	for (size_t i = 0; i < n; i++) {
		if (have_origin && v[i].origin != origin)
			continue;
		if (json)
			json_out_add(&w, json_out_transit(&v[i]));
		else
			printf("%u\t%u\t%u\t%s\t%s\n", v[i].origin, v[i].transit, v[i].prefixes,
			       utc(v[i].first_seen, a, sizeof(a)),
			       utc(v[i].gone_since, b, sizeof(b)));
	}
	if (json)
		err = json_out_finish(&w);
	free(v);
	return err;
}

/* A route with its path count, as JSON: the route object and "paths". */
static json_t *route_json(const struct rt_entry *e, uint32_t paths)
{
	json_t *o = json_out_route(e, &e->route);

	if (o && json_object_set_new(o, "paths", json_integer(paths))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* t and rows are in the same order; rows give the path counts (text and
 * pfx2as routes have none).  JSON streams one route at a time: a full table
 * is a million of them.  Returns 0 or a negative errno (logged). */
static int print_routes(const struct rtable *t, const struct rib_row *rows, size_t n, int json)
{
	struct json_out w;
	int err = 0;

	json_out_init(&w, stdout);
	if (json)
		json_out_array(&w);
	for (size_t i = 0, r = 0; i < t->n; i++) {
		const struct rt_route *rt = &t->v[i].route;
		char pfx[64], flags[64];
		uint32_t paths = 0;

		while (r < n && prefix_cmp(&rows[r].e, &t->v[i]) < 0)
			r++;
		if (r < n && !prefix_cmp(&rows[r].e, &t->v[i]) &&
		    !memcmp(&rows[r].e.route, rt, sizeof(*rt)))
			paths = rows[r].paths;
		if (json) {
			json_out_add(&w, route_json(&t->v[i], paths));
			continue;
		}
		prefix_fmt(&t->v[i], pfx, sizeof(pfx));
		route_flags_str(rt->flags, flags, sizeof(flags));
		printf("%s\t%u\t%u\t%u\t%u\t%s\n", pfx, rt->origin_asn, rt->transit_asn,
		       rt->peer_asn, paths, flags);
	}
	if (json)
		err = json_out_finish(&w);
	return err;
}

int cmd_rib(int argc, char **argv)
{
	/* Printing replaces no table: input without routes (an MRT dump of
	 * other address families, every route withdrawn) is an empty answer. */
	struct routes_opts ro = { .format = ROUTES_AUTO, .allow_empty = true };
	struct rtable t = { 0 };
	struct rib *rib = NULL;
	struct rib_row *rows;
	int i, json = 0, transits = 0, have_origin = 0, err;
	unsigned int origin = 0;
	const char *arg;
	size_t n;

	while ((i = opt_next(&rib_spec, argc, argv, &arg)) != OPT_END) {
		switch (i) {
		case B_JSON:
			json = 1;
			break;
		case B_FORMAT:
			if (routes_format_parse(arg, &ro.format))
				return usage_error(&rib_spec, "--format: unknown format '%s'", arg);
			break;
		case B_KEEP_GOING:
			ro.keep_going = true;
			break;
		case B_MERGE:
			ro.merge_snapshots = true;
			break;
		case B_TRANSITS:
			transits = 1;
			break;
		case B_ORIGIN:
			if (parse_asn(arg, &origin))
				return usage_error(&rib_spec, "--origin: '%s' is not an AS number",
						   arg);
			have_origin = 1;
			break;
		default:
			return ASC_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error(&rib_spec, "expected at least one FILE");
	err = routes_read((const char *const *)argv + optind, argc - optind, &ro, &t, &rib, NULL);
	if (err) {
		rtable_free(&t);
		return exit_code(EXIT_READ, err);
	}
	if (transits) {
		err = print_transits(rib, &t, json, have_origin, origin);
		goto out;
	}
	if (rib_resolve(rib, &rows, &n)) {
		log_err("out of memory");
		err = -ENOMEM;
		goto out;
	}
	err = print_routes(&t, rows, n, json);
	free(rows);
out:
	rtable_free(&t);
	rib_free(rib);
	return exit_code(EXIT_RUN, err);
}
