// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_stats.c - asclass stats: counters summed over CPUs, with names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "dataplane/maps.h"
#include "output/metrics.h"

static const struct opt stats_opts[] = {
	{ "json", 'j', NULL, NULL, "print JSON" },
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

static const char *const dir_name[ASC_DIR_MAX] = { [ASC_DIR_RX] = "in", [ASC_DIR_TX] = "out" };

static const char *fam_name(unsigned int f)
{
	return f == ASC_FAMILY_V4 ? "ipv4" : f == ASC_FAMILY_V6 ? "ipv6" : "?";
}

int cmd_stats(int argc, char **argv)
{
	static struct asc_overflow_val ovf[ASC_MAX_UPSTREAMS];
	uint64_t stats[ASC_STAT_MAX];
	struct counter_row *rows = NULL;
	static struct asc_upstream links[ASC_MAX_UPSTREAMS];
	struct asc_maps m;
	size_t n;
	const char *arg;
	char name[32];
	int i, json = 0, err, first;

	while ((i = opt_next(&stats_spec, argc, argv, &arg)) != OPT_END) {
		if (i < 0)
			return ASC_EXIT_USAGE;
		json = 1;
	}
	if (optind != argc)
		return usage_error(&stats_spec, "takes no arguments");
	if (maps_open(asc_pin_dir, &m))
		return ASC_EXIT_BPF;
	if ((err = counters_read(&m, &rows, &n)) || (err = upstreams_read(&m, links)) ||
	    (err = overflow_read(&m, ovf)) || (err = stats_read(&m, stats))) {
		log_err("read counters from %s: %s", asc_pin_dir, errstr(err));
		maps_close(&m);
		free(rows);
		return ASC_EXIT_BPF;
	}
	if (json) {
		printf("{\"counters\":[");
		for (size_t r = 0; r < n; r++) {
			const struct counter_row *c = &rows[r];

			printf("%s\n {\"upstream\":\"%s\",\"upstream_id\":%u,\"direction\":\"%s\","
			       "\"family\":\"%s\",\"origin_as\":%u,\"transit_as\":%u,"
			       "\"packets\":%llu,\"bytes\":%llu}",
			       r ? "," : "",
			       upstream_name(links, c->key.upstream_id, name, sizeof(name)),
			       c->key.upstream_id,
			       c->key.dir < ASC_DIR_MAX ? dir_name[c->key.dir] : "?",
			       fam_name(c->key.family), c->key.origin_asn, c->key.transit_asn,
			       (unsigned long long)c->val.packets,
			       (unsigned long long)c->val.bytes);
		}
		printf("\n],\"overflow\":[");
		first = 1;
		for (unsigned int u = 0; u < ASC_MAX_UPSTREAMS; u++)
			for (int d = 0; d < ASC_DIR_MAX; d++) {
				if (!ovf[u].dir[d].packets)
					continue;
				printf("%s\n "
				       "{\"upstream\":\"%s\",\"upstream_id\":%u,\"direction\":\"%"
				       "s\","
				       "\"packets\":%llu,\"bytes\":%llu}",
				       first ? "" : ",",
				       upstream_name(links, u, name, sizeof(name)), u, dir_name[d],
				       (unsigned long long)ovf[u].dir[d].packets,
				       (unsigned long long)ovf[u].dir[d].bytes);
				first = 0;
			}
		printf("\n],\"packets\":{");
		for (int s = 0; s < ASC_STAT_MAX; s++)
			printf("%s\"%s\":%llu", s ? "," : "", stat_name(s),
			       (unsigned long long)stats[s]);
		printf("}}\n");
	} else {
		printf("%-10s %-4s %-5s %10s %10s %14s %16s\n", "upstream", "dir", "fam",
		       "origin_as", "transit_as", "packets", "bytes");
		for (size_t r = 0; r < n; r++) {
			const struct counter_row *c = &rows[r];

			printf("%-10s %-4s %-5s %10u %10u %14llu %16llu\n",
			       upstream_name(links, c->key.upstream_id, name, sizeof(name)),
			       c->key.dir < ASC_DIR_MAX ? dir_name[c->key.dir] : "?",
			       fam_name(c->key.family), c->key.origin_asn, c->key.transit_asn,
			       (unsigned long long)c->val.packets,
			       (unsigned long long)c->val.bytes);
		}
		for (unsigned int u = 0; u < ASC_MAX_UPSTREAMS; u++)
			for (int d = 0; d < ASC_DIR_MAX; d++)
				if (ovf[u].dir[d].packets)
					printf("%-10s %-4s %-5s %10s %10s %14llu %16llu\n",
					       upstream_name(links, u, name, sizeof(name)),
					       dir_name[d], "*", "overflow", "*",
					       (unsigned long long)ovf[u].dir[d].packets,
					       (unsigned long long)ovf[u].dir[d].bytes);
		printf("\nunclassified:");
		first = 1;
		for (int s = ASC_STAT_NOT_IP; s < ASC_STAT_MAX; s++) {
			if (s == ASC_STAT_NO_ROUTE || s == ASC_STAT_OVERFLOW)
				continue; /* those packets are in the table above */
			printf("%s %s %llu", first ? "" : ",", stat_name(s),
			       (unsigned long long)stats[s]);
			first = 0;
		}
		printf("\n");
	}
	free(rows);
	maps_close(&m);
	return ASC_EXIT_OK;
}

enum { M_TOP, M_WATCH };
static const struct opt metrics_opts_tab[] = {
	[M_TOP] = { "top", 'n', "N", "500",
		    "export the N (origin, transit) pairs with the most bytes per upstream, "
		    "direction and family; the rest as origin_as=\"other\"" },
	[M_WATCH] = { "watch", 'w', "ASN[,ASN...]", NULL,
		      "origin ASes always exported, whatever their rank" },
	{ NULL },
};

static const struct cmd_spec metrics_spec = {
	.name = "asclass metrics",
	.synopsis = "[--top N] [--watch ASN[,ASN...]]",
	.desc = "Print the counters in the Prometheus text exposition format, summed over CPUs, "
		"for a node_exporter textfile collector or a one-off scrape.  The number of "
		"series is bounded by --top; the remainder of each upstream, direction and "
		"family is one origin_as=\"other\" series (which, unlike the others, can go down "
		"when a pair enters the top N).",
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
	uint64_t stats[ASC_STAT_MAX];
	struct asc_state st;
	struct asc_maps m;
	const char *arg;
	size_t n;
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
	    (err = state_read(&m, &st))) {
		log_err("read counters from %s: %s", asc_pin_dir, errstr(err));
		maps_close(&m);
		free(rows);
		return ASC_EXIT_BPF;
	}
	struct metrics_snapshot s = { .rows = rows,
				      .n_rows = n,
				      .ups = ups,
				      .ovf = ovf,
				      .stats = stats,
				      .state = &st,
				      .counts_max = m.counts_max };
	err = metrics_write(stdout, &s, &mo);
	free(rows);
	maps_close(&m);
	return err ? ASC_EXIT_FAIL : ASC_EXIT_OK;
}
