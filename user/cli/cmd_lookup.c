// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_lookup.c - asclass lookup ADDR: the route an address classifies to,
 * read from the active tables the data plane uses. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "dataplane/maps.h"
#include "dataplane/tables.h"
#include "output/json_out.h"

static const struct opt lookup_opts[] = {
	OPT_JSON,
	{ NULL },
};

static const struct cmd_spec lookup_spec = {
	.name = "asclass lookup",
	.synopsis = "ADDR... [--json]",
	.desc = "Look each address up in the active route tables, as the data plane does, and "
		"print the covering prefix (with the lpm tables; the fast tables keep routes, not "
		"prefixes, and print -) with its origin, transit and peer AS.  An address "
		"no prefix covers prints 'no route' (origin 0) and makes the exit status 1.",
	.opts = lookup_opts,
	.examples = "    asclass lookup 175.45.176.10\n    asclass lookup 2001:db8::1 --json\n",
};

/* One lookup result as JSON: {address, found} and the route's fields; an
 * address no prefix covers has found false, prefix null, ASes 0, no flags. */
static json_t *lookup_json(const char *addr, int found, const struct rt_entry *match,
			   const struct rt_route *rt)
{
	json_t *o = json_pack("{s:s, s:b}", "address", addr, "found", found);
	json_t *r = json_out_route(match, rt);

	if (!o || !r || json_object_update(o, r)) {
		json_decref(o);
		o = NULL;
	}
	json_decref(r);
	return o;
}

static void print_text(const char *addr, int found, const char *pfx, const struct rt_route *rt)
{
	if (!found)
		printf("%s\tno route\n", addr);
	else
		printf("%s\t%s\torigin AS%u\ttransit AS%u\tpeer AS%u\tflags 0x%x\n", addr, pfx,
		       rt->origin_asn, rt->transit_asn, rt->peer_asn, rt->flags);
}

int cmd_lookup(int argc, char **argv)
{
	struct json_out w;
	struct asc_maps m;
	int i, json, missing = 0;

	if (opt_json_only(&lookup_spec, argc, argv, &json))
		return ASC_EXIT_USAGE;
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
	json_out_init(&w, stdout);
	if (json)
		json_out_array(&w);
	for (i = optind; i < argc; i++) {
		struct rt_entry match;
		struct rt_route rt;
		char pfx[64] = "-";
		uint8_t addr[16];
		int fam, err, known = 0; /* the matched prefix is in match */

		addr_parse(argv[i], addr, &fam);
		err = tables_lookup(&m, fam, addr, &rt, &match);
		if (err == -ENOENT) {
			memset(&rt, 0, sizeof(rt));
			missing++;
		} else if (err) {
			log_err("lookup %s: %s", argv[i], errstr(err));
			maps_close(&m);
			return exit_code(EXIT_BPF, err);
		} else if (match.plen != TABLES_PLEN_UNKNOWN) {
			prefix_fmt(&match, pfx, sizeof(pfx));
			known = 1;
		}
		if (json)
			json_out_add(&w, lookup_json(argv[i], !err, known ? &match : NULL, &rt));
		else
			print_text(argv[i], !err, pfx, &rt);
	}
	maps_close(&m);
	if (json && json_out_finish(&w))
		return ASC_EXIT_FAIL;
	return missing ? ASC_EXIT_FAIL : ASC_EXIT_OK;
}
