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
#include "output/snapshot.h"
#include "routes/routes_in.h"

enum { B_JSON, B_FORMAT, B_KEEP_GOING, B_TRANSITS, B_ORIGIN, B_MERGE, B_UPSTREAM, B_PEER_AS };
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
	[B_UPSTREAM] = { "upstream", 'u', "NAME=ASN[@NEIGHBOR]", NULL,
			 "also show how upstream NAME attributes each prefix: the origin and "
			 "transit of its own paths (those of peer AS ASN, and of peer address "
			 "NEIGHBOR if given), or the consensus where it announces none; repeat "
			 "for up to 8 upstreams" },
	[B_PEER_AS] = { "peer-as", 'p', "ASN", NULL,
			"an upstream named by its AS: --peer-as 4837 is --upstream AS4837=4837" },
	{ NULL },
};

static const struct cmd_spec rib_spec = {
	.name = "asclass rib",
	.synopsis = "FILE... [--json] [--format FORMAT] [--keep-going] [--merge-snapshots] "
		    "[--upstream NAME=ASN[@NEIGHBOR]]... [--peer-as ASN]... "
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
		"the first AS; over several paths the most common wins, ties to the lower AS.  "
		"With --upstream (or --peer-as), each upstream adds three columns: the origin and "
		"transit of its own paths by the same rules (several of its paths, as with "
		"ADD-PATH, vote), and \"own\", or \"consensus\" where it announces no path "
		"for the prefix (then the first two columns' origin and transit).  Text and "
		"pfx2as input has no per-peer paths: every upstream is the consensus.  "
		"--transits with --upstream lists the pairs of each upstream's own paths.",
	.opts = rib_opts,
	.examples = "    asclass rib rib.20171001.0800.mrt updates.20171001.0905.mrt\n"
		    "    asclass rib --transits --origin 131279 rib.mrt updates.mrt\n"
		    "    asclass rib --upstream cu=4837 --upstream ttk=20485@203.0.113.2 rib.mrt\n",
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

/* The upstreams --upstream and --peer-as name, one column each. */
struct columns {
	struct rt_upstreams u;
	char name[RT_COLUMNS][ASC_NAME_LEN];
	unsigned int n;
};

/* Adds an upstream; 0, or ASC_EXIT_USAGE after printing why. */
static int column_add(struct columns *c, const char *name, const struct rt_upstream *up)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return usage_error(&rib_spec, "upstream '%s' named twice", name);
	if (c->n == RT_COLUMNS)
		return usage_error(&rib_spec, "more than %u upstreams", RT_COLUMNS);
	c->u.col[c->n] = *up;
	snprintf(c->name[c->n++], ASC_NAME_LEN, "%s", name);
	return 0;
}

static int column_arg(struct columns *c, int opt, const char *arg)
{
	struct rt_upstream up = { 0 };
	char name[ASC_NAME_LEN];

	if (opt == B_UPSTREAM) {
		if (rt_upstream_parse(arg, name, &up))
			return usage_error(&rib_spec,
					   "--upstream: '%s' is not NAME=ASN[@NEIGHBOR] (NAME at "
					   "most %d characters, NEIGHBOR an IPv4 or IPv6 address)",
					   arg, ASC_NAME_LEN - 1);
	} else if (parse_asn(arg, &up.asn) || !up.asn) {
		return usage_error(&rib_spec, "--peer-as: '%s' is not an AS number", arg);
	} else {
		snprintf(name, sizeof(name), "AS%u", up.asn);
	}
	return column_add(c, name, &up);
}

/* The pairs of column col's own paths, or of every path (col < 0).  Input
 * without paths (text, pfx2as) has only the table's: every column is the
 * consensus. */
static int pairs_of(const struct rib *rib, const struct rtable *t, const struct columns *c, int col,
		    struct rib_transit **v, size_t *n)
{
	if (col < 0)
		return transits_of(rib, t, v, n);
	if (!rib_has_paths(rib))
		return rtable_transits(t, v, n);
	return rib_transits_upstream(rib, &c->u.col[col], v, n);
}

static json_t *transit_json(const struct rib_transit *tr, const char *upstream)
{
	json_t *o = json_out_transit(tr);

	if (o && upstream &&
	    json_object_set_new(o, "upstream", json_out_text(upstream, strlen(upstream)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The pairs of one group (every path, or one upstream's), as text or into
 * w.  Returns 0 or -ENOMEM (logged). */
static int print_pairs(const struct rib *rib, const struct rtable *t, const struct columns *c,
		       int col, struct json_out *w, int have_origin, unsigned int origin)
{
	const char *up = col < 0 ? NULL : c->name[col];
	struct rib_transit *v;
	char a[32], b[32];
	size_t n;

	if (pairs_of(rib, t, c, col, &v, &n)) {
		log_err("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (have_origin && v[i].origin != origin)
			continue;
		if (w) {
			json_out_add(w, transit_json(&v[i], up));
			continue;
		}
		if (up)
			printf("%s\t", up);
		printf("%u\t%u\t%u\t%s\t%s\n", v[i].origin, v[i].transit, v[i].prefixes,
		       utc(v[i].first_seen, a, sizeof(a)), utc(v[i].gone_since, b, sizeof(b)));
	}
	free(v);
	return 0;
}

/* Every pair, or (with upstreams) each upstream's.  Returns 0 or a
 * negative errno (logged). */
static int print_transits(const struct rib *rib, const struct rtable *t, const struct columns *c,
			  int json, int have_origin, unsigned int origin)
{
	struct json_out w;
	int err = 0;

	json_out_init(&w, stdout);
	if (json)
		json_out_array(&w);
	else
		printf("%sorigin_as\ttransit_as\tprefixes\tfirst_seen\tgone_since\n",
		       c->n ? "upstream\t" : "");
	for (int col = c->n ? 0 : -1; !err && col < (int)c->n; col++)
		err = print_pairs(rib, t, c, col, json ? &w : NULL, have_origin, origin);
	if (json)
		err = err ? err : json_out_finish(&w);
	return err;
}

/* A route with its path count, as JSON: the route object, "paths", and
 * with upstreams "upstreams": [{upstream, origin_as, transit_as, path}]. */
static json_t *route_json(const struct rtable *t, const struct rt_entry *e, uint32_t paths,
			  const struct columns *c)
{
	json_t *o = json_out_route(e, &e->route), *ups = c->n ? json_array() : NULL;
	int bad = !o || json_object_set_new(o, "paths", json_integer(paths)) || (c->n && !ups);

	for (unsigned int i = 0; !bad && i < c->n; i++) {
		struct rt_link l = rt_link_of(t, e, i);

		bad = json_array_append_new(ups, json_out_route_link(c->name[i], &l));
	}
	if (!bad && ups)
		bad = json_object_set_new(o, "upstreams", ups);
	else
		json_decref(ups);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void print_route_text(const struct rtable *t, const struct rt_entry *e, uint32_t paths,
			     const struct columns *c)
{
	const struct rt_route *rt = &e->route;
	char pfx[64], flags[64];

	prefix_fmt(e, pfx, sizeof(pfx));
	route_flags_str(rt->flags, flags, sizeof(flags));
	printf("%s\t%u\t%u\t%u\t%u\t%s", pfx, rt->origin_asn, rt->transit_asn, rt->peer_asn, paths,
	       flags);
	for (unsigned int i = 0; i < c->n; i++) {
		struct rt_link l = rt_link_of(t, e, i);

		printf("\t%u\t%u\t%s", l.origin_asn, l.transit_asn, path_name(l.path));
	}
	printf("\n");
}

/* With upstreams, text output starts with a line naming the columns. */
static void print_header(const struct columns *c)
{
	printf("prefix\torigin_as\ttransit_as\tpeer_as\tpaths\tflags");
	for (unsigned int i = 0; i < c->n; i++)
		printf("\t%s:origin_as\t%s:transit_as\t%s:path", c->name[i], c->name[i],
		       c->name[i]);
	printf("\n");
}

/* t and rows are in the same order; rows give the path counts (text and
 * pfx2as routes have none).  JSON streams one route at a time: a full table
 * is a million of them.  Returns 0 or a negative errno (logged). */
static int print_routes(const struct rtable *t, const struct rib_row *rows, size_t n,
			const struct columns *c, int json)
{
	struct json_out w;
	int err = 0;

	json_out_init(&w, stdout);
	if (json)
		json_out_array(&w);
	else if (c->n)
		print_header(c);
	for (size_t i = 0, r = 0; i < t->n; i++) {
		uint32_t paths = 0;

		while (r < n && prefix_cmp(&rows[r].e, &t->v[i]) < 0)
			r++;
		if (r < n && !prefix_cmp(&rows[r].e, &t->v[i]) &&
		    !memcmp(&rows[r].e.route, &t->v[i].route, sizeof(t->v[i].route)))
			paths = rows[r].paths;
		if (json)
			json_out_add(&w, route_json(t, &t->v[i], paths, c));
		else
			print_route_text(t, &t->v[i], paths, c);
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
	struct columns cols = { 0 };
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
		case B_UPSTREAM:
		case B_PEER_AS:
			if (column_arg(&cols, i, arg))
				return ASC_EXIT_USAGE;
			break;
		default:
			return ASC_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error(&rib_spec, "expected at least one FILE");
	ro.upstreams = &cols.u;
	err = routes_read((const char *const *)argv + optind, argc - optind, &ro, &t, &rib, NULL);
	if (err) {
		rtable_free(&t);
		return exit_code(EXIT_READ, err);
	}
	if (transits) {
		err = print_transits(rib, &t, &cols, json, have_origin, origin);
		goto out;
	}
	if (rib_resolve(rib, &rows, &n)) {
		log_err("out of memory");
		err = -ENOMEM;
		goto out;
	}
	err = print_routes(&t, rows, n, &cols, json);
	free(rows);
out:
	rtable_free(&t);
	rib_free(rib);
	return exit_code(EXIT_RUN, err);
}
