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

static const struct opt lookup_opts[] = {
	{ "json", 'j', NULL, NULL, "print JSON" },
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

int cmd_lookup(int argc, char **argv)
{
	struct asc_maps m;
	const char *arg;
	int i, json = 0, missing = 0, first = 1;

	while ((i = opt_next(&lookup_spec, argc, argv, &arg)) != OPT_END) {
		if (i < 0)
			return ASC_EXIT_USAGE;
		json = 1;
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
	if (json)
		printf("[");
	for (i = optind; i < argc; i++) {
		struct rt_entry match;
		struct asc_route rt;
		char pfx[64] = "-";
		uint8_t addr[16];
		int fam, err, known = 0; /* the matched prefix is in pfx */

		addr_parse(argv[i], addr, &fam);
		err = tables_lookup(&m, fam, addr, &rt, &match);
		if (err == -ENOENT) {
			memset(&rt, 0, sizeof(rt));
			missing++;
		} else if (err) {
			log_err("lookup %s: %s", argv[i], errstr(err));
			maps_close(&m);
			return ASC_EXIT_BPF;
		} else if (match.plen != TABLES_PLEN_UNKNOWN) {
			prefix_fmt(&match, pfx, sizeof(pfx));
			known = 1;
		}
		if (json)
			printf("%s\n {\"address\":\"%s\",\"prefix\":%s%s%s,\"origin_as\":%u,"
			       "\"transit_as\":%u,\"peer_as\":%u,\"flags\":%u}",
			       first ? "" : ",", argv[i], known ? "\"" : "", known ? pfx : "null",
			       known ? "\"" : "", rt.origin_asn, rt.transit_asn, rt.peer_asn,
			       rt.flags);
		else if (err)
			printf("%s\tno route\n", argv[i]);
		else
			printf("%s\t%s\torigin AS%u\ttransit AS%u\tpeer AS%u\tflags 0x%x\n",
			       argv[i], pfx, rt.origin_asn, rt.transit_asn, rt.peer_asn, rt.flags);
		first = 0;
	}
	if (json)
		printf("\n]\n");
	maps_close(&m);
	return missing ? ASC_EXIT_FAIL : ASC_EXIT_OK;
}
