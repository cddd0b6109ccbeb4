// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/text_out.c - plain-text tables of a snapshot (see text_out.h). */
#include <errno.h>
#include <time.h>

#include "common/log.h"
#include "dataplane/fib.h"
#include "output/json_out.h"
#include "output/text_out.h"

#define ROW_FMT "%-10s %-4s %-5s %10s %10s %-9s %14llu %16llu\n"

static int flushed(FILE *f, const char *what)
{
	if (fflush(f) || ferror(f)) {
		log_err("write the %s: %s", what, errstr(-EIO));
		return -EIO;
	}
	return 0;
}

static void stats_rows(FILE *f, const struct snapshot *s)
{
	char name[ASC_NAME_LEN + 8], origin[16], transit[16];

	fprintf(f, "%-10s %-4s %-5s %10s %10s %-9s %14s %16s\n", "upstream", "dir", "fam",
		"origin_as", "transit_as", "path", "packets", "bytes");
	for (size_t r = 0; r < s->n_rows; r++) {
		const struct counter_row *c = &s->rows[r];

		snprintf(origin, sizeof(origin), "%u", c->key.origin_asn);
		snprintf(transit, sizeof(transit), "%u", c->key.transit_asn);
		fprintf(f, ROW_FMT, upstream_name(s->ups, c->key.upstream_id, name, sizeof(name)),
			dir_name(c->key.dir), family_name(c->key.family), origin, transit,
			path_name(c->path), (unsigned long long)c->val.packets,
			(unsigned long long)c->val.bytes);
	}
}

static void stats_overflow(FILE *f, const struct snapshot *s)
{
	char name[ASC_NAME_LEN + 8];

	for (unsigned int u = 0; u < ASC_MAX_UPSTREAMS; u++)
		for (unsigned int d = 0; d < ASC_DIR_MAX; d++)
			if (s->ovf[u].dir[d].packets)
				fprintf(f, ROW_FMT, upstream_name(s->ups, u, name, sizeof(name)),
					dir_name(d), "*", "overflow", "*", "*",
					(unsigned long long)s->ovf[u].dir[d].packets,
					(unsigned long long)s->ovf[u].dir[d].bytes);
}

/* The reasons not already in the table (no route is origin 0, overflow has
 * its rows). */
static void stats_unclassified(FILE *f, const struct snapshot *s)
{
	const char *sep = "";

	fprintf(f, "\nunclassified:");
	for (int r = ASC_STAT_NOT_IP; r < ASC_STAT_MAX; r++) {
		if (r == ASC_STAT_NO_ROUTE || r == ASC_STAT_OVERFLOW)
			continue;
		fprintf(f, "%s %s %llu", sep, stat_name(r), (unsigned long long)s->stats[r]);
		sep = ",";
	}
	fprintf(f, "\n");
}

int text_out_stats(FILE *f, const struct snapshot *s)
{
	stats_rows(f, s);
	stats_overflow(f, s);
	stats_unclassified(f, s);
	return flushed(f, "counters");
}

/* The xdp, via and tc columns of a link: "?" when its interface is not
 * here (what is on it cannot be seen from here). */
static void attach_cols(const struct snap_link *l, const char *col[3])
{
	const struct attach_info *ai = &l->attach;

	if (!l->here) {
		col[0] = col[1] = col[2] = "?";
		return;
	}
	col[0] = ai->xdp ? ai->xdp_mode : "no";
	col[1] = ai->xdp ? (ai->dispatcher ? "dispatcher" : "single program") : "-";
	col[2] = ai->tc ? ai->tc_hook : "no";
}

static void status_link(FILE *f, const struct snapshot *s, const struct snap_link *l)
{
	unsigned int id = l->row.val.upstream_id;
	char ifname[IF_NAMESIZE + 16], vlan[8], name[ASC_NAME_LEN + 8];
	const char *col[3];

	snap_link_ifname(l, ifname, sizeof(ifname));
	attach_cols(l, col);
	if (l->row.key.vlan_id == ASC_VLAN_ANY)
		snprintf(vlan, sizeof(vlan), "any");
	else
		snprintf(vlan, sizeof(vlan), "%u", l->row.key.vlan_id);
	fprintf(f, "  %-12s %-5s %-8s %-4u %-8u %-7s %-16s %s\n", ifname, vlan,
		upstream_name(s->ups, id, name, sizeof(name)), id,
		id < ASC_MAX_UPSTREAMS ? s->ups[id].asn : 0, col[0], col[1], col[2]);
}

/* Why a link shows as "#IFINDEX": once per ifindex, after the table. */
static void status_elsewhere(FILE *f, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_links; i++) {
		unsigned int ifx = s->links[i].row.key.ifindex;
		size_t j = 0;

		while (j < i && s->links[j].row.key.ifindex != ifx)
			j++;
		if (s->links[i].here || j < i)
			continue;
		fprintf(f,
			"  #%u: not in this network namespace (no interface of index %u here "
			"carries "
			"this pin directory's programs) or gone: run asclass in the links' "
			"namespace, e.g. nsenter --net=/run/netns/NAME asclass status\n",
			ifx, ifx);
	}
}

static void status_links(FILE *f, const struct snapshot *s)
{
	fprintf(f, "links:\n");
	fprintf(f, "  %-12s %-5s %-8s %-4s %-8s %-7s %-16s %s\n", "interface", "vlan", "upstream",
		"id", "asn", "xdp", "via", "tc");
	for (size_t i = 0; i < s->n_links; i++)
		status_link(f, s, &s->links[i]);
	status_elsewhere(f, s);
	if (!s->n_links)
		fprintf(f, "  (none: see 'asclass attach --help')\n");
}

static void status_routes(FILE *f, const struct asc_state *st)
{
	fprintf(f, "routes:   generation %u, lookup %s, %u IPv4 + %u IPv6 prefixes, %llu swaps",
		st->generation, st->lookup == ASC_LOOKUP_FAST ? "fast" : "lpm", st->routes_v4,
		st->routes_v6, (unsigned long long)st->swaps);
	if (st->load_time_ns) {
		time_t t = (time_t)(st->load_time_ns / 1000000000ULL);
		char when[32];

		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		fprintf(f, ", loaded %s", when);
	}
	if (st->lookup == ASC_LOOKUP_FAST) /* set by a load, with the usage */
		fprintf(f,
			"\nfast:     %u of %u nodes (%u%%), %u of %u leaves (%u%%), %u of %u "
			"routes (%u%%)",
			st->fib_nodes, ASC_FIB_NODES, pct(st->fib_nodes, ASC_FIB_NODES),
			st->fib_leaves, ASC_FIB_LEAVES, pct(st->fib_leaves, ASC_FIB_LEAVES),
			st->fib_routes, FIB_ROUTES_USABLE, pct(st->fib_routes, FIB_ROUTES_USABLE));
}

static void status_counters(FILE *f, const struct snapshot *s)
{
	uint64_t ovf = s->stats[ASC_STAT_OVERFLOW];

	fprintf(f, "\ncounters: %zu of %u slots (%u%%)", s->n_slots, s->counts_max,
		pct(s->n_slots, s->counts_max));
	if (ovf)
		fprintf(f,
			", %llu packet%s found no slot, counted in overflow (a larger map: the "
			"counters setting, attach --counters)",
			(unsigned long long)ovf, ovf == 1 ? "" : "s");
	fprintf(f, "\npackets:  ");
	for (int i = 0; i < ASC_STAT_MAX; i++)
		fprintf(f, "%s%s %llu", i ? ", " : "", stat_name(i),
			(unsigned long long)s->stats[i]);
	fprintf(f, "\n");
}

int text_out_status(FILE *f, const struct snapshot *s, const char *pin_dir)
{
	fprintf(f, "pin dir:  %s\n", pin_dir);
	status_links(f, s);
	status_routes(f, &s->state);
	status_counters(f, s);
	return flushed(f, "status");
}

/* v with an SI prefix: "950", "12.3k", "1.50G". */
static const char *si(double v, char *buf, size_t len)
{
	static const char prefix[] = " kMGTP";
	int i = 0;

	while (v >= 1000 && i < 5) {
		v /= 1000;
		i++;
	}
	if (!i)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.*f%c", v < 10 ? 2 : v < 100 ? 1 : 0, v, prefix[i]);
	return buf;
}

static void rate_line(FILE *f, const struct snapshot *s, const struct rate_row *x,
		      const char *origin, const char *transit)
{
	char name[ASC_NAME_LEN + 8], bps[32];

	fprintf(f, "%-10s %-4s %10s %10s %12.1f %10s\n",
		upstream_name(s->ups, x->upstream_id, name, sizeof(name)), dir_name(x->dir), origin,
		transit, x->pps, si(x->bps, bps, sizeof(bps)));
}

int text_out_rates(FILE *f, const struct snapshot *s, const struct rates *r, unsigned int limit)
{
	const char *hdr = "%-10s %-4s %10s %10s %12s %10s\n";
	char origin[16], transit[16];

	fprintf(f, "asclass top: %.2f s, by %s, %zu moving\n", r->seconds, rates_by_name(r->by),
		r->n);
	fprintf(f, hdr, "upstream", "dir", "", "", "packets/s", "bits/s");
	for (size_t i = 0; i < r->n_totals; i++)
		rate_line(f, s, &r->totals[i], "total", "");
	fprintf(f, "\n");
	fprintf(f, hdr, "upstream", "dir", "origin_as", "transit_as", "packets/s", "bits/s");
	for (size_t i = 0; i < r->n && i < limit; i++) {
		const struct rate_row *x = &r->rows[i];

		snprintf(origin, sizeof(origin), "%u", x->origin_asn);
		snprintf(transit, sizeof(transit), "%u", x->transit_asn);
		rate_line(f, s, x, r->by == RATES_BY_TRANSIT ? "*" : origin,
			  r->by == RATES_BY_ORIGIN ? "*" : transit);
	}
	return flushed(f, "rates");
}
