// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_stats.c - asclass stats: counters summed over CPUs, with names. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "dataplane/maps.h"
#include "output/json_out.h"
#include "output/metrics.h"

static const struct opt stats_opts[] = {
	OPT_JSON,
	{ NULL },
};

static const struct cmd_spec stats_spec = {
	.name = "asclass stats",
	.synopsis = "[--json]",
	.desc = "Print packets and bytes per upstream x direction x family x origin AS x transit "
		"AS, summed over CPUs, then the overflow buckets and the per-reason packet "
		"counts.  Upstream '-' is traffic on links nobody configured; origin 0 is "
		"traffic no prefix covers.  Direction 'in' is received on the link (classified "
		"by source address), 'out' is sent on it (by destination address).",
	.opts = stats_opts,
	.examples = "    asclass stats\n    asclass stats --json | jq '.counters[] | "
		    "select(.origin_as == 131279)'\n",
};

/* The counters, then the non-empty overflow buckets, then packets by reason:
 * {"counters": [counter...], "overflow": [overflow...], "packets": {...}}.
 * The counter list streams: asc_counts may hold millions of keys. */
static int print_json(const struct counter_row *rows, size_t n, const struct asc_upstream *ups,
		      const struct asc_overflow_val *ovf, const uint64_t *stats)
{
	struct json_out w;

	json_out_init(&w, stdout);
	json_out_object(&w);
	json_out_key(&w, "counters");
	json_out_array(&w);
	for (size_t r = 0; r < n; r++)
		json_out_add(&w, json_out_counter(&rows[r], ups));
	json_out_end(&w);
	json_out_key(&w, "overflow");
	json_out_array(&w);
	for (unsigned int u = 0; u < ASC_MAX_UPSTREAMS; u++)
		for (unsigned int d = 0; d < ASC_DIR_MAX; d++)
			if (ovf[u].dir[d].packets)
				json_out_add(&w, json_out_overflow(ups, u, d, &ovf[u].dir[d]));
	json_out_end(&w);
	json_out_key(&w, "packets");
	json_out_add(&w, json_out_packets(stats));
	return json_out_finish(&w);
}

static int print_text(const struct counter_row *rows, size_t n, const struct asc_upstream *links,
		      const struct asc_overflow_val *ovf, const uint64_t *stats)
{
	char name[32];
	int first;

	printf("%-10s %-4s %-5s %10s %10s %14s %16s\n", "upstream", "dir", "fam", "origin_as",
	       "transit_as", "packets", "bytes");
	for (size_t r = 0; r < n; r++) {
		const struct counter_row *c = &rows[r];

		printf("%-10s %-4s %-5s %10u %10u %14llu %16llu\n",
		       upstream_name(links, c->key.upstream_id, name, sizeof(name)),
		       dir_name(c->key.dir), family_name(c->key.family), c->key.origin_asn,
		       c->key.transit_asn, (unsigned long long)c->val.packets,
		       (unsigned long long)c->val.bytes);
	}
	for (unsigned int u = 0; u < ASC_MAX_UPSTREAMS; u++)
		for (int d = 0; d < ASC_DIR_MAX; d++)
			if (ovf[u].dir[d].packets)
				printf("%-10s %-4s %-5s %10s %10s %14llu %16llu\n",
				       upstream_name(links, u, name, sizeof(name)), dir_name(d),
				       "*", "overflow", "*",
				       (unsigned long long)ovf[u].dir[d].packets,
				       (unsigned long long)ovf[u].dir[d].bytes);
	printf("\nunclassified:");
	first = 1;
	for (int s = ASC_STAT_NOT_IP; s < ASC_STAT_MAX; s++) {
		if (s == ASC_STAT_NO_ROUTE || s == ASC_STAT_OVERFLOW)
			continue; /* those packets are in the table above */
		printf("%s %s %llu", first ? "" : ",", stat_name(s), (unsigned long long)stats[s]);
		first = 0;
	}
	printf("\n");
	if (fflush(stdout) || ferror(stdout)) {
		log_err("write the counters: %s", errstr(-EIO));
		return -EIO;
	}
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	static struct asc_overflow_val ovf[ASC_MAX_UPSTREAMS];
	uint64_t stats[ASC_STAT_MAX];
	struct counter_row *rows = NULL;
	static struct asc_upstream links[ASC_MAX_UPSTREAMS];
	struct asc_maps m;
	size_t n;
	int json, err;

	if (opt_json_only(&stats_spec, argc, argv, &json))
		return ASC_EXIT_USAGE;
	if (optind != argc)
		return usage_error(&stats_spec, "takes no arguments");
	if (maps_open(asc_pin_dir, &m))
		return ASC_EXIT_BPF;
	if ((err = counters_read(&m, &rows, &n)) || (err = upstreams_read(&m, links)) ||
	    (err = overflow_read(&m, ovf)) || (err = stats_read(&m, stats))) {
		log_err("read counters from %s: %s", asc_pin_dir, errstr(err));
		maps_close(&m);
		free(rows);
		return exit_code(EXIT_BPF, err);
	}
	err = json ? print_json(rows, n, links, ovf, stats)
		   : print_text(rows, n, links, ovf, stats);
	free(rows);
	maps_close(&m);
	return exit_code(EXIT_RUN, err);
}

enum { M_TOP, M_WATCH };
static const struct opt metrics_opts_tab[] = {
	[M_TOP] = { "top", 'n', "N", "500",
		    "export the N (origin, transit) pairs with the most bytes per upstream, "
		    "direction and family; the rest summed in asclass_other_pairs_bytes" },
	[M_WATCH] = { "watch", 'w', "ASN[,ASN...]", NULL,
		      "origin ASes always exported, whatever their rank" },
	{ NULL },
};

static const struct cmd_spec metrics_spec = {
	.name = "asclass metrics",
	.synopsis = "[--top N] [--watch ASN[,ASN...]]",
	.desc = "Print the counters in the Prometheus text exposition format, summed over CPUs, "
		"for a node_exporter textfile collector or a one-off scrape.  The number of "
		"(origin, transit) pairs is bounded by --top; the remainder of each upstream, "
		"direction and family is the gauge asclass_other_pairs_bytes.  The per-origin and "
		"per-transit series are complete.",
	.opts = metrics_opts_tab,
	.examples = "    asclass metrics --top 100 --watch 131279 > "
		    "/var/lib/node_exporter/asclass.prom\n",
};

#define MAX_WATCH 64

int cmd_metrics(int argc, char **argv)
{
	static struct asc_overflow_val ovf[ASC_MAX_UPSTREAMS];
	static struct asc_upstream ups[ASC_MAX_UPSTREAMS];
	uint32_t watch[MAX_WATCH];
	struct metrics_opts mo = { .top_n = 500, .watch = watch };
	struct counter_row *rows = NULL;
	struct link_row *lrows = NULL;
	uint64_t stats[ASC_STAT_MAX];
	struct asc_state st;
	struct asc_maps m;
	const char *arg;
	size_t n, nl = 0;
	int i, err;

	while ((i = opt_next(&metrics_spec, argc, argv, &arg)) != OPT_END) {
		if (i == M_TOP) {
			if (parse_u32(arg, &mo.top_n) || !mo.top_n)
				return usage_error(&metrics_spec,
						   "--top: '%s' is not a positive number", arg);
		} else if (i == M_WATCH) {
			char buf[1024], *tok, *save = NULL;

			snprintf(buf, sizeof(buf), "%s", arg);
			for (tok = strtok_r(buf, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (mo.n_watch == MAX_WATCH)
					return usage_error(&metrics_spec,
							   "--watch: at most %d ASes", MAX_WATCH);
				if (parse_asn(tok, &watch[mo.n_watch++]))
					return usage_error(&metrics_spec,
							   "--watch: '%s' is not an AS number",
							   tok);
			}
		} else {
			return ASC_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return usage_error(&metrics_spec, "takes no arguments");
	if (maps_open(asc_pin_dir, &m))
		return ASC_EXIT_BPF;
	if ((err = counters_read(&m, &rows, &n)) || (err = upstreams_read(&m, ups)) ||
	    (err = overflow_read(&m, ovf)) || (err = stats_read(&m, stats)) ||
	    (err = state_read(&m, &st)) || (err = links_read(&m, &lrows, &nl))) {
		log_err("read counters from %s: %s", asc_pin_dir, errstr(err));
		maps_close(&m);
		free(rows);
		return exit_code(EXIT_BPF, err);
	}
	struct metrics_snapshot s = { .rows = rows,
				      .n_rows = n,
				      .ups = ups,
				      .ovf = ovf,
				      .stats = stats,
				      .state = &st,
				      .counts_max = m.counts_max,
				      .links = lrows,
				      .n_links = nl };
	err = metrics_write(stdout, &s, &mo);
	free(rows);
	free(lrows);
	maps_close(&m);
	return exit_code(EXIT_RUN, err);
}
