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
#include "output/json_out.h"

static const struct opt attach_opts[] = {
	OPT_SETTING(set_upstream, struct attach_opts, upstream),
	OPT_SETTING(set_vlan, struct attach_opts, vlan),
	OPT_SETTING(set_asn, struct attach_opts, asn),
	OPT_SETTING(set_mode, struct attach_opts, mode),
	OPT_SETTING(set_tc_hook, struct attach_opts, tc_hook),
	OPT_SETTING(set_replace, struct attach_opts, replace),
	OPT_SETTING(set_counters, struct attach_opts, counters),
	{ NULL },
};

static const struct cmd_spec attach_spec = {
	.name = "asclass attach",
	.synopsis = "IFACE --upstream NAME [--vlan VID] [--asn ASN] [--mode native|skb] [--tc-hook "
		    "auto|tcx|clsact] [--replace] [--counters N]",
	.desc = "Attach the XDP program (receive side) and the tc egress program (transmit side: "
		"a tcx link, or a clsact filter) to IFACE and count its traffic under upstream "
		"NAME.  XDP goes through "
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
	int err;

	err = opt_parse(&attach_spec, argc, argv, &o);
	if (err)
		return err;
	if (optind + 1 != argc)
		return usage_error(&attach_spec, "expected exactly one interface");
	if (!o.upstream)
		return usage_error(&attach_spec, "--upstream NAME is required");
	o.ifname = argv[optind];
	err = asc_attach(asc_pin_dir, &o, &info);
	/* every route-record column taken: detach an upstream first */
	return err == -EUSERS ? ASC_EXIT_USAGE : exit_code(EXIT_LINK, err);
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
		return exit_code(EXIT_LINK, err);
	log_info("detached from %s", argv[optind]);
	return ASC_EXIT_OK;
}

static const struct opt status_opts[] = {
	OPT_JSON,
	{ NULL },
};

static const struct cmd_spec status_spec = {
	.name = "asclass status",
	.synopsis = "[--json]",
	.desc = "Show the configured upstream links with their attach state (XDP mode, dispatcher "
		"or single program, tc egress), the active route tables (and how full the fast "
		"tables are), how full the counter map is and the reasons packets went "
		"unclassified.",
	.opts = status_opts,
	.examples = "    asclass status\n    asclass status --json | jq '.links[] | "
		    "select(.xdp_mode == null)'\n",
};

/* What status reads from the maps. */
struct status {
	struct link_row *rows;
	size_t n, nkeys;
	struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	struct asc_state st;
	uint64_t stats[ASC_STAT_MAX];
	unsigned int counts_max;
};

static int status_read(struct status *s)
{
	struct asc_maps m;
	int err;

	err = maps_open(asc_pin_dir, &m);
	if (err)
		return err;
	if ((err = links_read(&m, &s->rows, &s->n)) || (err = upstreams_read(&m, s->ups)) ||
	    (err = state_read(&m, &s->st)) || (err = stats_read(&m, s->stats)) ||
	    (err = counters_keys(&m, &s->nkeys)))
		log_err("read maps in %s: %s", asc_pin_dir, errstr(err));
	s->counts_max = m.counts_max;
	maps_close(&m);
	return err;
}

/* The interface of a link row (NULL when it is gone) and what is on it. */
static const char *link_query(const struct link_row *l, char ifname[IF_NAMESIZE],
			      struct attach_info *ai)
{
	attach_query(l->key.ifindex, ai);
	return if_indextoname(l->key.ifindex, ifname);
}

static unsigned int pct(uint32_t used, uint32_t cap)
{
	return (unsigned int)((uint64_t)used * 100 / cap);
}

static void print_links_text(const struct status *s)
{
	printf("links:\n");
	printf("  %-12s %-5s %-8s %-4s %-8s %-7s %-16s %s\n", "interface", "vlan", "upstream", "id",
	       "asn", "xdp", "via", "tc");
	for (size_t i = 0; i < s->n; i++) {
		const struct link_row *l = &s->rows[i];
		unsigned int id = l->val.upstream_id;
		char ifname[IF_NAMESIZE] = "?", vlan[8], name[ASC_NAME_LEN + 8];
		struct attach_info ai;

		if (!link_query(l, ifname, &ai))
			snprintf(ifname, sizeof(ifname), "#%u(gone)", l->key.ifindex);
		if (l->key.vlan_id == ASC_VLAN_ANY)
			snprintf(vlan, sizeof(vlan), "any");
		else
			snprintf(vlan, sizeof(vlan), "%u", l->key.vlan_id);
		printf("  %-12s %-5s %-8s %-4u %-8u %-7s %-16s %s\n", ifname, vlan,
		       upstream_name(s->ups, id, name, sizeof(name)), id,
		       id < ASC_MAX_UPSTREAMS ? s->ups[id].asn : 0, ai.xdp ? ai.xdp_mode : "no",
		       ai.xdp ? (ai.dispatcher ? "dispatcher" : "single program") : "-",
		       ai.tc ? ai.tc_hook : "no");
	}
	if (!s->n)
		printf("  (none: see 'asclass attach --help')\n");
}

static void print_status_text(const struct status *s)
{
	const struct asc_state *st = &s->st;

	printf("pin dir:  %s\n", asc_pin_dir);
	print_links_text(s);
	printf("routes:   generation %u, lookup %s, %u IPv4 + %u IPv6 prefixes, %llu swaps",
	       st->generation, st->lookup == ASC_LOOKUP_FAST ? "fast" : "lpm", st->routes_v4,
	       st->routes_v6, (unsigned long long)st->swaps);
	if (st->load_time_ns) {
		time_t t = st->load_time_ns / 1000000000ULL;
		char when[32];

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		printf(", loaded %s", when);
	}
	if (st->lookup == ASC_LOOKUP_FAST) /* set by a load, with the usage */
		printf("\nfast:     %u of %u nodes (%u%%), %u of %u leaves (%u%%), %u of %u routes "
		       "(%u%%)",
		       st->fib_nodes, ASC_FIB_NODES, pct(st->fib_nodes, ASC_FIB_NODES),
		       st->fib_leaves, ASC_FIB_LEAVES, pct(st->fib_leaves, ASC_FIB_LEAVES),
		       st->fib_routes, FIB_ROUTES_USABLE, pct(st->fib_routes, FIB_ROUTES_USABLE));
	printf("\ncounters: %zu of %u slots (%u%%)", s->nkeys, s->counts_max,
	       pct((uint32_t)s->nkeys, s->counts_max));
	if (s->stats[ASC_STAT_OVERFLOW])
		printf(", %llu packet%s found no slot, counted in overflow (a larger map: the "
		       "counters setting, attach --counters)",
		       (unsigned long long)s->stats[ASC_STAT_OVERFLOW],
		       s->stats[ASC_STAT_OVERFLOW] == 1 ? "" : "s");
	printf("\npackets:  ");
	for (int i = 0; i < ASC_STAT_MAX; i++)
		printf("%s%s %llu", i ? ", " : "", stat_name(i), (unsigned long long)s->stats[i]);
	printf("\n");
}

/* {pin_dir, links: [link...], routes, fast, counters, packets} */
static int print_status_json(const struct status *s)
{
	struct json_out w;

	json_out_init(&w, stdout);
	json_out_object(&w);
	json_out_key(&w, "pin_dir");
	json_out_add(&w, json_out_text(asc_pin_dir, strlen(asc_pin_dir)));
	json_out_key(&w, "links");
	json_out_array(&w);
	for (size_t i = 0; i < s->n; i++) {
		char ifname[IF_NAMESIZE];
		struct attach_info ai;
		const char *name = link_query(&s->rows[i], ifname, &ai);

		json_out_add(&w, json_out_link(&s->rows[i], s->ups, name, &ai));
	}
	json_out_end(&w);
	json_out_key(&w, "routes");
	json_out_add(&w, json_out_tables(&s->st));
	json_out_key(&w, "fast");
	json_out_add(&w, json_out_fast(&s->st));
	json_out_key(&w, "counters");
	json_out_add(&w, json_out_count_map(s->nkeys, s->counts_max));
	json_out_key(&w, "packets");
	json_out_add(&w, json_out_packets(s->stats));
	return json_out_finish(&w);
}

int cmd_status(int argc, char **argv)
{
	static struct status s;
	int json, err = 0;

	if (opt_json_only(&status_spec, argc, argv, &json))
		return ASC_EXIT_USAGE;
	if (optind != argc)
		return usage_error(&status_spec, "takes no arguments");
	asc_attach_pin_dir = asc_pin_dir;
	if (status_read(&s)) {
		free(s.rows);
		return ASC_EXIT_BPF;
	}
	if (json)
		err = print_status_json(&s);
	else
		print_status_text(&s);
	free(s.rows);
	return exit_code(EXIT_RUN, err);
}
