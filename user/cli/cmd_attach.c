// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_attach.c - asclass attach, detach, status. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "dataplane/attach.h"
#include "dataplane/fib.h"
#include "dataplane/maps.h"

enum { A_UPSTREAM, A_VLAN, A_ASN, A_MODE, A_TC_HOOK, A_REPLACE, A_COUNTERS };
static const struct opt attach_opts[] = {
	[A_UPSTREAM] = { "upstream", 'u', "NAME", NULL,
			 "name of the upstream on this link (required; at most 15 characters)" },
	[A_VLAN] = { "vlan", 0, "VID", "the whole interface",
		     "count only frames with this outer VLAN id under this upstream" },
	[A_ASN] = { "asn", 'a', "ASN", NULL,
		    "AS number of the upstream (shown in status and metrics)" },
	[A_MODE] = { "mode", 'm', "native|skb", "native", "XDP attach mode" },
	[A_TC_HOOK] = { "tc-hook", 0, "auto|tcx|clsact", "auto",
			"hook the egress program with a tcx link (kernel 6.6+) or a clsact filter; "
			"auto tries tcx first" },
	[A_REPLACE] = { "replace", 0, NULL, NULL,
			"replace programs already attached with this binary's, atomically "
			"(upgrades)" },
	[A_COUNTERS] = { "counters", 0, "N", "131072",
			 "how many counter keys (upstream x direction x family x origin x transit) "
			 "asc_counts holds when this creates it; an existing one keeps its size" },
	{ NULL },
};

static const struct cmd_spec attach_spec = {
	.name = "asclass attach",
	.synopsis = "IFACE --upstream NAME [--vlan VID] [--asn ASN] [--mode native|skb] [--tc-hook "
		    "auto|tcx|clsact] [--replace] [--counters N]",
	.desc = "Attach the XDP program (receive side) and the tc clsact egress program (transmit "
		"side) to IFACE and count its traffic under upstream NAME.  XDP goes through "
		"libxdp's dispatcher where the kernel accepts it, else as a single program; the "
		"message says which.  Attaching again to the same interface with another --vlan "
		"adds a link entry and keeps the programs.  Maps are created and pinned under the "
		"pin directory if they are not there; counters are never reset.",
	.opts = attach_opts,
	.examples = "    asclass attach eth1 --upstream cu --asn 4837\n"
		    "    asclass attach eth2 --upstream ttk --asn 20485 --mode skb\n"
		    "    asclass attach eth3 --vlan 100 --upstream cu\n",
};

int cmd_attach(int argc, char **argv)
{
	struct attach_opts o = { .vlan = ASC_VLAN_ANY, .mode = ATTACH_NATIVE };
	struct attach_info info;
	const char *arg;
	int i, err;

	while ((i = opt_next(&attach_spec, argc, argv, &arg)) != OPT_END) {
		switch (i) {
		case A_UPSTREAM:
			o.upstream = arg;
			break;
		case A_VLAN:
			if (parse_u32(arg, &o.vlan) || o.vlan > 4094)
				return usage_error(&attach_spec,
						   "--vlan: '%s' is not a VLAN id (0-4094)", arg);
			break;
		case A_ASN:
			if (parse_asn(arg, &o.asn))
				return usage_error(&attach_spec, "--asn: '%s' is not an AS number",
						   arg);
			break;
		case A_MODE:
			if (!strcmp(arg, "native"))
				o.mode = ATTACH_NATIVE;
			else if (!strcmp(arg, "skb"))
				o.mode = ATTACH_SKB;
			else
				return usage_error(&attach_spec,
						   "--mode: '%s' is not native or skb", arg);
			break;
		case A_TC_HOOK:
			if (!strcmp(arg, "auto"))
				o.tc_hook = TC_HOOK_AUTO;
			else if (!strcmp(arg, "tcx"))
				o.tc_hook = TC_HOOK_TCX;
			else if (!strcmp(arg, "clsact"))
				o.tc_hook = TC_HOOK_CLSACT;
			else
				return usage_error(&attach_spec,
						   "--tc-hook: '%s' is not auto, tcx or clsact",
						   arg);
			break;
		case A_REPLACE:
			o.replace = true;
			break;
		case A_COUNTERS:
			if (parse_u32(arg, &o.counters) || o.counters < COUNTERS_MIN ||
			    o.counters > COUNTERS_MAX)
				return usage_error(&attach_spec,
						   "--counters: '%s' is not a number of counter "
						   "keys from 1024 to 16777216",
						   arg);
			break;
		default:
			return ASC_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc)
		return usage_error(&attach_spec, "expected exactly one interface");
	if (!o.upstream)
		return usage_error(&attach_spec, "--upstream NAME is required");
	o.ifname = argv[optind];
	err = asc_attach(asc_pin_dir, &o, &info);
	if (err == -ENODEV || err == -EINVAL)
		return ASC_EXIT_FAIL;
	return err ? ASC_EXIT_BPF : ASC_EXIT_OK;
}

static const struct opt no_opts[] = { { NULL } };

static const struct cmd_spec detach_spec = {
	.name = "asclass detach",
	.synopsis = "IFACE",
	.desc = "Remove asclass's XDP and tc programs from IFACE and its link entries.  Other "
		"XDP programs on the interface stay; counters stay in the pinned maps.",
	.opts = no_opts,
	.examples = "    asclass detach eth1\n",
};

int cmd_detach(int argc, char **argv)
{
	const char *arg;
	int err;

	if (opt_next(&detach_spec, argc, argv, &arg) != OPT_END)
		return ASC_EXIT_USAGE;
	if (optind + 1 != argc)
		return usage_error(&detach_spec, "expected exactly one interface");
	err = asc_detach(asc_pin_dir, argv[optind]);
	if (err == -ENOENT) {
		log_err("nothing of asclass's is attached to %s", argv[optind]);
		return ASC_EXIT_FAIL;
	}
	if (err)
		return err == -ENODEV ? ASC_EXIT_FAIL : ASC_EXIT_BPF;
	log_info("detached from %s", argv[optind]);
	return ASC_EXIT_OK;
}

static const struct cmd_spec status_spec = {
	.name = "asclass status",
	.synopsis = "",
	.desc = "Show the configured upstream links with their attach state (XDP mode, dispatcher "
		"or single program, tc egress), the active route tables (and how full the fast "
		"tables are), how full the counter map is and the reasons packets went "
		"unclassified.",
	.opts = no_opts,
	.examples = "    asclass status\n",
};

static unsigned int pct(uint32_t used, uint32_t cap)
{
	return (unsigned int)((uint64_t)used * 100 / cap);
}

int cmd_status(int argc, char **argv)
{
	uint64_t stats[ASC_STAT_MAX];
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	struct link_row *rows;
	struct asc_state st;
	struct asc_maps m;
	const char *arg;
	size_t n, nkeys;
	int err;

	if (opt_next(&status_spec, argc, argv, &arg) != OPT_END)
		return ASC_EXIT_USAGE;
	if (optind != argc)
		return usage_error(&status_spec, "takes no arguments");
	err = maps_open(asc_pin_dir, &m);
	if (err)
		return ASC_EXIT_BPF;
	asc_attach_pin_dir = asc_pin_dir;
	if ((err = links_read(&m, &rows, &n)) || (err = upstreams_read(&m, ups)) ||
	    (err = state_read(&m, &st)) || (err = stats_read(&m, stats)) ||
	    (err = counters_keys(&m, &nkeys))) {
		log_err("read maps in %s: %s", asc_pin_dir, errstr(err));
		maps_close(&m);
		return ASC_EXIT_BPF;
	}
	printf("pin dir:  %s\n", asc_pin_dir);
	printf("links:\n");
	printf("  %-12s %-5s %-8s %-4s %-8s %-7s %-16s %s\n", "interface", "vlan", "upstream", "id",
	       "asn", "xdp", "via", "tc");
	for (size_t i = 0; i < n; i++) {
		struct attach_info ai;
		char ifname[IF_NAMESIZE] = "?", vlan[8];

		if (!if_indextoname(rows[i].key.ifindex, ifname))
			snprintf(ifname, sizeof(ifname), "#%u(gone)", rows[i].key.ifindex);
		attach_query(rows[i].key.ifindex, &ai);
		if (rows[i].key.vlan_id == ASC_VLAN_ANY)
			snprintf(vlan, sizeof(vlan), "any");
		else
			snprintf(vlan, sizeof(vlan), "%u", rows[i].key.vlan_id);
		unsigned int id = rows[i].val.upstream_id;
		char name[ASC_NAME_LEN + 8];

		printf("  %-12s %-5s %-8s %-4u %-8u %-7s %-16s %s\n", ifname, vlan,
		       upstream_name(ups, id, name, sizeof(name)), id,
		       id < ASC_MAX_UPSTREAMS ? ups[id].asn : 0, ai.xdp ? ai.xdp_mode : "no",
		       ai.xdp ? (ai.dispatcher ? "dispatcher" : "single program") : "-",
		       ai.tc ? ai.tc_hook : "no");
	}
	if (!n)
		printf("  (none: see 'asclass attach --help')\n");
	printf("routes:   generation %u, lookup %s, %u IPv4 + %u IPv6 prefixes, %llu swaps",
	       st.generation, st.lookup == ASC_LOOKUP_FAST ? "fast" : "lpm", st.routes_v4,
	       st.routes_v6, (unsigned long long)st.swaps);
	if (st.load_time_ns) {
		time_t t = st.load_time_ns / 1000000000ULL;
		char when[32];

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		printf(", loaded %s", when);
	}
	if (st.lookup == ASC_LOOKUP_FAST) /* set by a load, with the usage */
		printf("\nfast:     %u of %u nodes (%u%%), %u of %u leaves (%u%%), %u of %u routes "
		       "(%u%%)",
		       st.fib_nodes, ASC_FIB_NODES, pct(st.fib_nodes, ASC_FIB_NODES), st.fib_leaves,
		       ASC_FIB_LEAVES, pct(st.fib_leaves, ASC_FIB_LEAVES), st.fib_routes,
		       FIB_ROUTES_USABLE, pct(st.fib_routes, FIB_ROUTES_USABLE));
	printf("\ncounters: %zu of %u keys (%u%%)", nkeys, m.counts_max,
	       pct((uint32_t)nkeys, m.counts_max));
	if (stats[ASC_STAT_OVERFLOW])
		printf(", %llu packet%s found it full (a larger map: attach --counters)",
		       (unsigned long long)stats[ASC_STAT_OVERFLOW],
		       stats[ASC_STAT_OVERFLOW] == 1 ? "" : "s");
	printf("\npackets:  ");
	for (int s = 0; s < ASC_STAT_MAX; s++)
		printf("%s%s %llu", s ? ", " : "", stat_name(s), (unsigned long long)stats[s]);
	printf("\n");
	free(rows);
	maps_close(&m);
	return ASC_EXIT_OK;
}
