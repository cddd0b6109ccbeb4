// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/cmd_stats.c - asclass stats, status and metrics: one snapshot of
 * the maps (output/snapshot.h), written by the text, JSON or Prometheus
 * renderer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "common/log.h"
#include "common/parse.h"
#include "output/json_out.h"
#include "output/metrics.h"
#include "output/snapshot.h"
#include "output/text_out.h"

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
		"unclassified.  A link whose interface is not in this network namespace (no "
		"interface of its index here carries this pin directory's programs) shows as "
		"#IFINDEX, its attach state as ?: run status in the links' namespace.",
	.opts = status_opts,
	.examples = "    asclass status\n    asclass status --json | jq '.links[] | "
		    "select(.netns == \"this\" and .xdp_mode == null)'\n"
		    "    nsenter --net=/run/netns/NAME asclass status\n",
};

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

/* Reads the snapshot and writes it with the command's renderer. */
static int render(unsigned int parts, int (*out)(FILE *f, const struct snapshot *s))
{
	static struct snapshot s;
	int err;

	if (snapshot_load(asc_pin_dir, parts, &s)) /* logs */
		return ASC_EXIT_BPF;
	err = out(stdout, &s);
	snapshot_free(&s);
	return exit_code(EXIT_RUN, err);
}

int cmd_stats(int argc, char **argv)
{
	int json;

	if (opt_json_only(&stats_spec, argc, argv, &json))
		return ASC_EXIT_USAGE;
	if (optind != argc)
		return usage_error(&stats_spec, "takes no arguments");
	return render(SNAP_ROWS, json ? json_out_stats : text_out_stats);
}

static int status_text(FILE *f, const struct snapshot *s)
{
	return text_out_status(f, s, asc_pin_dir);
}

static int status_json(FILE *f, const struct snapshot *s)
{
	return json_out_status(f, s, asc_pin_dir);
}

int cmd_status(int argc, char **argv)
{
	int json;

	if (opt_json_only(&status_spec, argc, argv, &json))
		return ASC_EXIT_USAGE;
	if (optind != argc)
		return usage_error(&status_spec, "takes no arguments");
	return render(0, json ? status_json : status_text);
}

#define MAX_WATCH 64

/* --watch ASN[,ASN...] added to o->watch (MAX_WATCH entries).  Returns 0 or
 * ASC_EXIT_USAGE after saying why. */
static int parse_watch(const char *arg, struct metrics_opts *o, uint32_t *watch)
{
	char *buf = strdup(arg), *tok, *save = NULL;
	int err = 0;

	if (!buf)
		return usage_error(&metrics_spec, "--watch: out of memory");
	for (tok = strtok_r(buf, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		if (o->n_watch == MAX_WATCH)
			err = usage_error(&metrics_spec, "--watch: at most %d ASes", MAX_WATCH);
		else if (parse_asn(tok, &watch[o->n_watch++]))
			err = usage_error(&metrics_spec, "--watch: '%s' is not an AS number", tok);
	}
	free(buf);
	return err;
}

static struct metrics_opts metrics_o;

static int metrics_out(FILE *f, const struct snapshot *s)
{
	return metrics_write(f, s, &metrics_o);
}

int cmd_metrics(int argc, char **argv)
{
	static uint32_t watch[MAX_WATCH];
	const char *arg;
	int i;

	metrics_o = (struct metrics_opts){ .top_n = 500, .watch = watch };
	while ((i = opt_next(&metrics_spec, argc, argv, &arg)) != OPT_END) {
		if (i == M_TOP) {
			if (parse_u32(arg, &metrics_o.top_n) || !metrics_o.top_n)
				return usage_error(&metrics_spec,
						   "--top: '%s' is not a positive number", arg);
		} else if (i != M_WATCH || parse_watch(arg, &metrics_o, watch)) {
			return ASC_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return usage_error(&metrics_spec, "takes no arguments");
	return render(SNAP_ROWS, metrics_out);
}
