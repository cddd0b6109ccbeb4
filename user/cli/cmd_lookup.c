// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_lookup.c - asclass lookup ADDR: what an address counts under
 * on an upstream's link, read from the active tables the data plane uses
 * (the route record, and the identity of the counter slot it names). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
#include "output/json_out.h"

enum { O_JSON, O_UPSTREAM };

static const struct opt lookup_opts[] = {
	[O_JSON] = OPT_JSON,
	[O_UPSTREAM] = { "upstream", 'u', "NAME", NULL,
			 "the attached upstream whose link to look up for (default: the "
			 "first attached)" },
	{ NULL },
};

static const struct cmd_spec lookup_spec = {
	.name = "asclass lookup",
	.synopsis = "ADDR... [--upstream NAME] [--json]",
	.desc = "Look each address up in the active route tables, as the data plane does, and "
		"print what its traffic over upstream NAME's link counts under: the covering "
		"prefix (with the lpm tables; the fast tables keep routes, not prefixes, and "
		"print -), the origin and transit AS, and the path they come from (own: the "
		"upstream announces the prefix; consensus: it does not, the vote over every "
		"path; none).  An address no prefix covers prints 'no route' and makes the exit "
		"status 1.",
	.opts = lookup_opts,
	.examples = "    asclass lookup 175.45.176.10\n"
		    "    asclass lookup 175.45.176.10 --upstream cu\n"
		    "    asclass lookup 2001:db8::1 --json\n",
};

static const char *path_name(unsigned int p)
{
	static const char *const names[] = { "none", "own", "consensus" };

	return p < sizeof(names) / sizeof(names[0]) ? names[p] : "?";
}

/* The upstream id and column to look up for: NAME's, else the attached
 * one with the lowest column (0 and ASC_COLUMN_NONE when none is). */
static int pick_upstream(const struct asc_maps *m, const char *name, struct asc_upstream *ups,
			 unsigned int *id)
{
	unsigned int best = 0;

	if (upstreams_read(m, ups))
		return -EIO;
	for (unsigned int i = 1; i < ASC_MAX_UPSTREAMS; i++) {
		if (!ups[i].name[0] || ups[i].column >= ASC_COLUMNS)
			continue;
		if (name ? !strncmp(ups[i].name, name, ASC_NAME_LEN)
			 : !best || ups[i].column < ups[best].column)
			best = i;
	}
	*id = best;
	return name && !best ? -ENOENT : 0;
}

struct lookup_res {
	const char *addr;
	int found;
	char pfx[64];
	struct rt_entry match;
	int known; /* the matched prefix is in match */
	const char *upstream;
	struct asc_count id; /* the slot's identity (origin, transit, path) */
	int has_slot;	     /* 0: the column counts in overflow */
};

/* One lookup result as JSON: {address, found, upstream, path, slot} and the
 * route's fields; an address no prefix covers has found false, prefix
 * null. */
static json_t *lookup_json(const struct lookup_res *r)
{
	struct rt_route rt = { .origin_asn = r->id.origin_asn, .transit_asn = r->id.transit_asn };
	json_t *o = json_pack("{s:s, s:b, s:s?, s:s, s:b}", "address", r->addr, "found", r->found,
			      "upstream", r->upstream, "path", path_name(r->id.path), "counted",
			      r->has_slot);
	json_t *j = json_out_route(r->known ? &r->match : NULL, &rt);

	if (!o || !j || json_object_update(o, j)) {
		json_decref(o);
		o = NULL;
	}
	json_decref(j);
	return o;
}

static void print_text(const struct lookup_res *r)
{
	if (!r->found)
		printf("%s\tno route", r->addr);
	else
		printf("%s\t%s", r->addr, r->pfx);
	if (!r->upstream)
		printf("\t(no upstream attached)\n");
	else if (!r->has_slot)
		printf("\tupstream %s\tno counter slot (overflow)\n", r->upstream);
	else
		printf("\tupstream %s\torigin AS%u\ttransit AS%u\tpath %s\n", r->upstream,
		       r->id.origin_asn, r->id.transit_asn, path_name(r->id.path));
}

static int lookup_one(const struct asc_maps *m, const char *arg, const struct asc_upstream *ups,
		      unsigned int id, struct lookup_res *r)
{
	struct asc_route rec;
	uint8_t addr[16];
	int fam, err;

	memset(r, 0, sizeof(*r));
	r->addr = arg;
	strcpy(r->pfx, "-");
	addr_parse(arg, addr, &fam);
	err = tables_lookup(m, fam, addr, &rec, &r->match);
	if (err && err != -ENOENT)
		return err;
	r->found = !err;
	if (r->found && r->match.plen != TABLES_PLEN_UNKNOWN) {
		prefix_fmt(&r->match, r->pfx, sizeof(r->pfx));
		r->known = 1;
	}
	if (!id)
		return 0;
	r->upstream = ups[id].name;
	err = tables_slot_identity(m, &rec, ups[id].column, &r->id);
	r->has_slot = !err;
	return err == -ENOENT ? 0 : err;
}

int cmd_lookup(int argc, char **argv)
{
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	const char *arg, *upstream = NULL;
	struct json_out w;
	struct asc_maps m;
	unsigned int id;
	int i, json = 0, missing = 0, err;

	while ((i = opt_next(&lookup_spec, argc, argv, &arg)) != OPT_END) {
		if (i < 0)
			return ASC_EXIT_USAGE;
		if (i == O_JSON)
			json = 1;
		else
			upstream = arg;
	}
	if (optind >= argc)
		return usage_error(&lookup_spec, "expected at least one address");
	for (i = optind; i < argc; i++) {
		uint8_t addr[16];
		int fam;

		if (addr_parse(argv[i], addr, &fam))
			return usage_error(&lookup_spec, "'%s' is not an IPv4 or IPv6 address",
					   argv[i]);
	}
	if (maps_open(asc_pin_dir, &m))
		return ASC_EXIT_BPF;
	err = pick_upstream(&m, upstream, ups, &id);
	if (err) {
		maps_close(&m);
		if (err == -ENOENT)
			return usage_error(&lookup_spec, "no attached upstream is named '%s'",
					   upstream);
		return ASC_EXIT_BPF;
	}
	json_out_init(&w, stdout);
	if (json)
		json_out_array(&w);
	for (i = optind; i < argc; i++) {
		struct lookup_res r;

		err = lookup_one(&m, argv[i], ups, id, &r);
		if (err) {
			log_err("lookup %s: %s", argv[i], errstr(err));
			maps_close(&m);
			return exit_code(EXIT_BPF, err);
		}
		missing += !r.found;
		if (json)
			json_out_add(&w, lookup_json(&r));
		else
			print_text(&r);
	}
	maps_close(&m);
	if (json && json_out_finish(&w))
		return ASC_EXIT_FAIL;
	return missing ? ASC_EXIT_FAIL : ASC_EXIT_OK;
}
