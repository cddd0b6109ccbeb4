// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/metrics.c - Prometheus text exposition of a counter snapshot, and
 * the HTTP endpoint that serves it.  Names follow Prometheus' guide:
 * asclass_ prefix, base units, _total on counters, # HELP and # TYPE for
 * each metric.  Nothing here reads the maps: the caller's render callback
 * does. */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "common/log.h"
#include "dataplane/fib.h"
#include "routes/rib.h"
#include "output/json_out.h"
#include "feed/feed.h"
#include "output/metrics.h"

/* Label values may hold any byte: escape \, " and newline, and replace
 * each byte of an invalid UTF-8 sequence with U+FFFD. */
static void put_label(FILE *f, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t ok = json_out_utf8_span(s + i, n - i);

		for (size_t j = i; j < i + ok; j++) {
			if (s[j] == '\n')
				fputs("\\n", f);
			else if (s[j] == '\\' || s[j] == '"')
				fprintf(f, "\\%c", s[j]);
			else
				fputc(s[j], f);
		}
		i += ok;
		if (i < n) {
			fputs("\xef\xbf\xbd", f);
			i++;
		}
	}
}

static void upstream_label(FILE *f, const struct metrics_snapshot *s, unsigned int id)
{
	char buf[ASC_NAME_LEN + 8];

	put_label(f, upstream_name(s->ups, id, buf, sizeof(buf)));
}

static void help_type(FILE *f, const char *metric, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

static int watched(const struct metrics_opts *o, uint32_t asn)
{
	for (size_t i = 0; i < o->n_watch; i++)
		if (o->watch[i] == asn)
			return 1;
	return 0;
}

/* ---- the previous scrape: top-N by recent traffic ---- */

struct metrics_state {
	struct counter_row *prev; /* sorted as counters_read sorts */
	size_t n;
};

struct metrics_state *metrics_state_new(void)
{
	return calloc(1, sizeof(struct metrics_state));
}

void metrics_state_free(struct metrics_state *st)
{
	if (st)
		free(st->prev);
	free(st);
}

/* Bytes of a pair since the previous scrape (all of them without one). */
static uint64_t recent_bytes(const struct metrics_opts *o, const struct counter_row *r)
{
	const struct counter_row *p = NULL;

	if (o->state && o->state->n)
		p = bsearch(r, o->state->prev, o->state->n, sizeof(*p), counter_row_cmp);
	return p && p->val.bytes <= r->val.bytes ? r->val.bytes - p->val.bytes : r->val.bytes;
}

/* Keeps this scrape's rows as the next one's baseline.  Returns 0 or -ENOMEM. */
static int state_keep(struct metrics_state *st, const struct metrics_snapshot *s)
{
	struct counter_row *v = malloc((s->n_rows ? s->n_rows : 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	memcpy(v, s->rows, s->n_rows * sizeof(*v));
	qsort(v, s->n_rows, sizeof(*v), counter_row_cmp);
	free(st->prev);
	st->prev = v;
	st->n = s->n_rows;
	return 0;
}

/* ---- one group: rows that share upstream, direction and family ---- */

struct ranked {
	const struct counter_row *r;
	uint64_t recent;
	bool shown;
};

/* Unwatched pairs by recent bytes, then total bytes, descending. */
static int cmp_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->recent != y->recent)
		return x->recent > y->recent ? -1 : 1;
	if (x->r->val.bytes != y->r->val.bytes)
		return x->r->val.bytes > y->r->val.bytes ? -1 : 1;
	return counter_row_cmp(x->r, y->r);
}

static int cmp_transit(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->r->key.transit_asn != y->r->key.transit_asn)
		return x->r->key.transit_asn < y->r->key.transit_asn ? -1 : 1;
	return counter_row_cmp(x->r, y->r);
}

static int cmp_origin(const void *a, const void *b)
{
	return counter_row_cmp(((const struct ranked *)a)->r, ((const struct ranked *)b)->r);
}

/* Marks the pairs to show: every watched one, and the top_n others by
 * recent traffic. */
static void choose(struct ranked *g, size_t n, const struct metrics_opts *o)
{
	unsigned int top_n = o->top_n ? o->top_n : 500, taken = 0;

	for (size_t i = 0; i < n; i++)
		g[i].recent =
			watched(o, g[i].r->key.origin_asn) ? UINT64_MAX : recent_bytes(o, g[i].r);
	qsort(g, n, sizeof(*g), cmp_rank);
	for (size_t i = 0; i < n; i++) {
		g[i].shown = g[i].recent == UINT64_MAX || taken < top_n;
		if (g[i].recent != UINT64_MAX && taken < top_n)
			taken++;
	}
}

static void labels(FILE *f, const struct metrics_snapshot *s, const struct asc_count_key *k)
{
	fputs("{upstream=\"", f);
	upstream_label(f, s, k->upstream_id);
	fprintf(f, "\",direction=\"%s\",family=\"%s\"", dir_name(k->dir), family_name(k->family));
}

static uint64_t pick(const struct counter_row *r, int bytes)
{
	return bytes ? r->val.bytes : r->val.packets;
}

static void write_pairs(FILE *f, const struct metrics_snapshot *s, const struct ranked *g, size_t n,
			const char *metric, int bytes)
{
	for (size_t i = 0; i < n; i++) {
		if (!g[i].shown)
			continue;
		fputs(metric, f);
		labels(f, s, &g[i].r->key);
		fprintf(f, ",origin_as=\"%u\",transit_as=\"%u\"} %llu\n", g[i].r->key.origin_asn,
			g[i].r->key.transit_asn, (unsigned long long)pick(g[i].r, bytes));
	}
}

static void write_other(FILE *f, const struct metrics_snapshot *s, const struct ranked *g, size_t n,
			const char *metric, int bytes)
{
	uint64_t sum = 0;
	bool any = false;

	for (size_t i = 0; i < n; i++)
		if (!g[i].shown) {
			sum += pick(g[i].r, bytes);
			any = true;
		}
	if (!any)
		return;
	fputs(metric, f);
	labels(f, s, &g[0].r->key);
	fprintf(f, "} %llu\n", (unsigned long long)sum);
}

/* One series per distinct origin (by_transit 0) or transit (1): g is sorted
 * that way, so equal ones are adjacent. */
static void write_aggregate(FILE *f, const struct metrics_snapshot *s, const struct ranked *g,
			    size_t n, const char *metric, int bytes, int by_transit)
{
	for (size_t i = 0, j; i < n; i = j) {
		uint32_t as = by_transit ? g[i].r->key.transit_asn : g[i].r->key.origin_asn;
		uint64_t sum = 0;

		for (j = i;
		     j < n && as == (by_transit ? g[j].r->key.transit_asn : g[j].r->key.origin_asn);
		     j++)
			sum += pick(g[j].r, bytes);
		fputs(metric, f);
		labels(f, s, &g[i].r->key);
		fprintf(f, ",%s=\"%u\"} %llu\n", by_transit ? "transit_as" : "origin_as", as,
			(unsigned long long)sum);
	}
}

/* The traffic metrics, in the order they are written. */
enum traffic_kind { T_PAIR, T_OTHER, T_ORIGIN, T_TRANSIT, T_MAX };

static const struct traffic_metric {
	enum traffic_kind kind;
	int bytes;
	const char *name, *type, *help;
} traffic[] = {
	{ T_PAIR, 0, "asclass_packets_total", "counter",
	  "Packets of the top_n (origin AS, transit AS) pairs by recent bytes, and of every "
	  "watched origin, per upstream link, direction and family." },
	{ T_PAIR, 1, "asclass_bytes_total", "counter",
	  "Bytes (frame length) of the top_n (origin AS, transit AS) pairs by recent bytes, and "
	  "of every watched origin, per upstream link, direction and family." },
	{ T_OTHER, 0, "asclass_other_pairs_packets", "gauge",
	  "Packets of the pairs not shown in asclass_packets_total now (can go down when a pair "
	  "enters the top)." },
	{ T_OTHER, 1, "asclass_other_pairs_bytes", "gauge",
	  "Bytes of the pairs not shown in asclass_bytes_total now (can go down when a pair "
	  "enters the top)." },
	{ T_ORIGIN, 0, "asclass_origin_packets_total", "counter",
	  "Packets per upstream link, direction, family and origin AS: every one." },
	{ T_ORIGIN, 1, "asclass_origin_bytes_total", "counter",
	  "Bytes per upstream link, direction, family and origin AS: every one." },
	{ T_TRANSIT, 0, "asclass_transit_packets_total", "counter",
	  "Packets per upstream link, direction, family and transit AS: every one." },
	{ T_TRANSIT, 1, "asclass_transit_bytes_total", "counter",
	  "Bytes per upstream link, direction, family and transit AS: every one." },
};

static void write_group(FILE *f, const struct metrics_snapshot *s, struct ranked *g, size_t n,
			const struct traffic_metric *m)
{
	switch (m->kind) {
	case T_PAIR:
		write_pairs(f, s, g, n, m->name, m->bytes);
		break;
	case T_OTHER:
		write_other(f, s, g, n, m->name, m->bytes);
		break;
	case T_ORIGIN:
		qsort(g, n, sizeof(*g), cmp_origin);
		write_aggregate(f, s, g, n, m->name, m->bytes, 0);
		break;
	default:
		qsort(g, n, sizeof(*g), cmp_transit);
		write_aggregate(f, s, g, n, m->name, m->bytes, 1);
	}
}

/* Rows of the group that starts at row i, ranked; returns its end. */
static size_t group_at(const struct metrics_snapshot *s, size_t i, struct ranked *g, size_t *n,
		       const struct metrics_opts *o)
{
	size_t j = i;

	for (*n = 0; j < s->n_rows && s->rows[j].key.upstream_id == s->rows[i].key.upstream_id &&
		     s->rows[j].key.dir == s->rows[i].key.dir &&
		     s->rows[j].key.family == s->rows[i].key.family;
	     j++)
		g[(*n)++] = (struct ranked){ .r = &s->rows[j] };
	choose(g, *n, o);
	return j;
}

/* Each traffic metric over every group (counters_read sorts rows by
 * upstream, direction and family first). */
static int write_traffic(FILE *f, const struct metrics_snapshot *s, const struct metrics_opts *o)
{
	struct ranked *g = malloc((s->n_rows ? s->n_rows : 1) * sizeof(*g));
	size_t n;

	if (!g)
		return -ENOMEM;
	for (size_t m = 0; m < sizeof(traffic) / sizeof(traffic[0]); m++) {
		help_type(f, traffic[m].name, traffic[m].type, traffic[m].help);
		for (size_t i = 0; i < s->n_rows;) {
			size_t next = group_at(s, i, g, &n, o);

			write_group(f, s, g, n, &traffic[m]);
			i = next;
		}
	}
	free(g);
	return o->state ? state_keep(o->state, s) : 0;
}

/* Traffic that found asc_counts full, per upstream and direction. */
static void write_overflow(FILE *f, const struct metrics_snapshot *s)
{
	/* Issue 5 calls it asclass_counter_overflow_total; promtool's linter
	 * rejects "counter" inside a counter's name, hence this one. */
	for (int bytes = 0; bytes < 2; bytes++) {
		const char *metric =
			bytes ? "asclass_overflow_bytes_total" : "asclass_overflow_packets_total";

		help_type(f, metric, "counter",
			  bytes ? "Bytes counted in the overflow bucket because the counter map "
				  "was full, per upstream link and direction."
				: "Packets counted in the overflow bucket because the counter map "
				  "was full, per upstream link and direction.");
		for (unsigned int id = 0; id < ASC_MAX_UPSTREAMS; id++)
			for (unsigned int d = 0; d < ASC_DIR_MAX; d++) {
				const struct asc_count_val *v = &s->ovf[id].dir[d];

				if (!v->packets)
					continue;
				fprintf(f, "%s{upstream=\"", metric);
				upstream_label(f, s, id);
				fprintf(f, "\",direction=\"%s\"} %llu\n", dir_name(d),
					(unsigned long long)(bytes ? v->bytes : v->packets));
			}
	}
}

/* One series per link row: which interface and VLAN feed an upstream. */
static void write_upstream_info(FILE *f, const struct metrics_snapshot *s)
{
	help_type(f, "asclass_upstream_info", "gauge",
		  "An upstream link: its AS, interface and VLAN (\"any\" or 0 = untagged).");
	for (size_t i = 0; i < s->n_links; i++) {
		const struct link_row *l = &s->links[i];
		char ifname[IF_NAMESIZE + 16], vlan[16];

		if (!if_indextoname(l->key.ifindex, ifname))
			snprintf(ifname, sizeof(ifname), "#%u", l->key.ifindex);
		if (l->key.vlan_id == ASC_VLAN_ANY)
			strcpy(vlan, "any");
		else
			snprintf(vlan, sizeof(vlan), "%u", l->key.vlan_id);
		fputs("asclass_upstream_info{upstream=\"", f);
		upstream_label(f, s, l->val.upstream_id);
		fprintf(f, "\",asn=\"%u\",interface=\"",
			l->val.upstream_id < ASC_MAX_UPSTREAMS ? s->ups[l->val.upstream_id].asn
							       : 0);
		put_label(f, ifname);
		fprintf(f, "\",vlan=\"%s\"} 1\n", vlan);
	}
}

/* The daemon's own series: routing loads, transits of watched origins,
 * attach state. */
static void write_daemon(FILE *f, const struct metrics_daemon *d)
{
	help_type(f, "asclass_rib_load_duration_seconds", "gauge",
		  "How long the last successful routing load took.");
	fprintf(f, "asclass_rib_load_duration_seconds %.6f\n", d->load_duration);
	help_type(f, "asclass_rib_load_errors_total", "counter",
		  "Routing reloads that failed (the active tables were kept).");
	fprintf(f, "asclass_rib_load_errors_total %llu\n", (unsigned long long)d->load_errors);
	help_type(f, "asclass_origin_transit_prefixes", "gauge",
		  "Prefixes of a watched origin AS that the routing data shows behind a transit "
		  "AS.");
	for (size_t i = 0; i < d->n_transits; i++)
		fprintf(f,
			"asclass_origin_transit_prefixes{origin_as=\"%u\",transit_as=\"%u\"} %u\n",
			d->transits[i].origin, d->transits[i].transit, d->transits[i].prefixes);
	help_type(f, "asclass_program_attached", "gauge",
		  "Whether the classifier is attached to an upstream link, by XDP mode.");
	for (size_t i = 0; i < d->n_links; i++) {
		const struct metrics_link *l = &d->links[i];

		fputs("asclass_program_attached{upstream=\"", f);
		put_label(f, l->upstream);
		fprintf(f, "\",mode=\"%s\",via=\"%s\"} %d\n", l->xdp_mode ? l->xdp_mode : "none",
			l->xdp_mode ? (l->dispatcher ? "dispatcher" : "single") : "none",
			l->xdp_mode && l->confirmed);
	}
}

int metrics_write(FILE *f, const struct metrics_snapshot *s, const struct metrics_opts *o)
{
	int err;

	err = write_traffic(f, s, o);
	if (err)
		return err;
	write_overflow(f, s);
	write_upstream_info(f, s);
	fputs("# HELP asclass_unclassified_packets_total Packets not counted per origin AS, by "
	      "reason.\n"
	      "# TYPE asclass_unclassified_packets_total counter\n",
	      f);
	for (int r = ASC_STAT_NOT_IP; r < ASC_STAT_MAX; r++) {
		if (r == ASC_STAT_NO_ROUTE || r == ASC_STAT_OVERFLOW)
			continue; /* counted per origin (0) and in the overflow metric */
		fprintf(f, "asclass_unclassified_packets_total{reason=\"%s\"} %llu\n", stat_name(r),
			(unsigned long long)s->stats[r]);
	}
	if (s->counts_max) {
		fputs("# HELP asclass_count_map_entries Keys in asc_counts, one per upstream, "
		      "direction, family, origin and transit that saw traffic.\n"
		      "# TYPE asclass_count_map_entries gauge\n",
		      f);
		fprintf(f, "asclass_count_map_entries %zu\n", s->n_rows);
		fputs("# HELP asclass_count_map_capacity Keys asc_counts holds; traffic under a "
		      "new key beyond them goes to the overflow bucket.\n"
		      "# TYPE asclass_count_map_capacity gauge\n",
		      f);
		fprintf(f, "asclass_count_map_capacity %u\n", s->counts_max);
	}
	fputs("# HELP asclass_routes Prefixes in the active route tables.\n"
	      "# TYPE asclass_routes gauge\n",
	      f);
	fprintf(f, "asclass_routes{family=\"ipv4\"} %u\nasclass_routes{family=\"ipv6\"} %u\n",
		s->state->routes_v4, s->state->routes_v6);
	if (s->state->lookup == ASC_LOOKUP_FAST) {
		static const char *const what[3] = { "nodes", "leaves", "routes" };
		const uint32_t used[3] = { s->state->fib_nodes, s->state->fib_leaves,
					   s->state->fib_routes };
		const uint32_t cap[3] = { ASC_FIB_NODES, ASC_FIB_LEAVES, FIB_ROUTES_USABLE };

		fputs("# HELP asclass_fast_table_entries Entries the active fast tables use, per "
		      "array.\n"
		      "# TYPE asclass_fast_table_entries gauge\n",
		      f);
		for (int i = 0; i < 3; i++)
			fprintf(f, "asclass_fast_table_entries{array=\"%s\"} %u\n", what[i],
				used[i]);
		fputs("# HELP asclass_fast_table_capacity Entries a generation of the fast tables "
		      "can hold, per array.\n"
		      "# TYPE asclass_fast_table_capacity gauge\n",
		      f);
		for (int i = 0; i < 3; i++)
			fprintf(f, "asclass_fast_table_capacity{array=\"%s\"} %u\n", what[i],
				cap[i]);
	}
	fputs("# HELP asclass_rib_load_timestamp_seconds When the active route tables were "
	      "loaded.\n"
	      "# TYPE asclass_rib_load_timestamp_seconds gauge\n",
	      f);
	fprintf(f, "asclass_rib_load_timestamp_seconds %llu.%09llu\n",
		(unsigned long long)(s->state->load_time_ns / 1000000000ULL),
		(unsigned long long)(s->state->load_time_ns % 1000000000ULL));
	fputs("# HELP asclass_table_swaps_total Route table swaps since the maps were created.\n"
	      "# TYPE asclass_table_swaps_total counter\n",
	      f);
	fprintf(f, "asclass_table_swaps_total %llu\n", (unsigned long long)s->state->swaps);
	fputs("# HELP asclass_build_info Version of the asclass binary that wrote these metrics.\n"
	      "# TYPE asclass_build_info gauge\n",
	      f);
	fprintf(f, "asclass_build_info{version=\"%s\",revision=\"%s\"} 1\n", ASC_VERSION,
		ASC_GIT_REV);
	if (s->daemon)
		write_daemon(f, s->daemon);
	return ferror(f) ? -EIO : 0;
}

/* ---- the live feed (daemon) ---- */

static void peer_line(FILE *f, const char *metric, const struct feed_peer_status *p,
		      const char *extra)
{
	fprintf(f, "%s{peer=\"", metric);
	put_label(f, p->name);
	fprintf(f, "\"%s}", extra ? extra : "");
}

static void feed_errors(FILE *f, const struct feed_peer_status *p)
{
	const char *what[3] = { "treat_as_withdraw", "attribute_discard", "session_reset" };
	const uint64_t n[3] = { p->c.treat_as_withdraw, p->c.attr_discard, p->c.session_resets };
	char extra[64];

	for (int i = 0; i < 3; i++) {
		snprintf(extra, sizeof(extra), ",action=\"%s\"", what[i]);
		peer_line(f, "asclass_feed_update_errors_total", p, extra);
		fprintf(f, " %llu\n", (unsigned long long)n[i]);
	}
}

static void feed_peer(FILE *f, const struct feed_peer_status *p, uint64_t now)
{
	char extra[64];

	snprintf(extra, sizeof(extra), ",state=\"%s\"", feed_state_name(p->state));
	peer_line(f, "asclass_feed_session_state", p, extra);
	fputs(" 1\n", f);
	peer_line(f, "asclass_feed_session_uptime_seconds", p, NULL);
	fprintf(f, " %llu\n",
		(unsigned long long)(p->up_since && now > p->up_since ? now - p->up_since : 0));
	peer_line(f, "asclass_feed_updates_received_total", p, NULL);
	fprintf(f, " %llu\n", (unsigned long long)p->c.msgs_in[2]);
	peer_line(f, "asclass_feed_prefixes_announced_total", p, NULL);
	fprintf(f, " %llu\n", (unsigned long long)p->c.announced);
	peer_line(f, "asclass_feed_prefixes_withdrawn_total", p, NULL);
	fprintf(f, " %llu\n", (unsigned long long)p->c.withdrawn);
	if (p->routes_known) {
		peer_line(f, "asclass_feed_routes", p, NULL);
		fprintf(f, " %zu\n", p->routes);
	}
	peer_line(f, "asclass_feed_stale_routes", p, NULL);
	fprintf(f, " %zu\n", p->stale);
	feed_errors(f, p);
}

int metrics_write_live(FILE *f, const struct metrics_live *l)
{
	help_type(f, "asclass_transit_changes_total", "counter",
		  "Routing changes: an origin AS gained or lost a transit AS between two loads.");
	fprintf(f, "asclass_transit_changes_total{change=\"gained\"} %llu\n",
		(unsigned long long)l->changes[0]);
	fprintf(f, "asclass_transit_changes_total{change=\"lost\"} %llu\n",
		(unsigned long long)l->changes[1]);
	if (!l->peers)
		return ferror(f) ? -EIO : 0;
	help_type(f, "asclass_feed_queue_bytes", "gauge",
		  "Decoded route changes of the BGP feed waiting for the daemon.");
	fprintf(f, "asclass_feed_queue_bytes %zu\n", l->queue_bytes);
	fputs("# HELP asclass_feed_session_state BGP session state of a feed neighbour (1 for "
	      "the state it is in).\n# TYPE asclass_feed_session_state gauge\n"
	      "# HELP asclass_feed_session_uptime_seconds Seconds since the session reached "
	      "Established; 0 while it is not.\n"
	      "# TYPE asclass_feed_session_uptime_seconds gauge\n"
	      "# HELP asclass_feed_updates_received_total UPDATE messages received.\n"
	      "# TYPE asclass_feed_updates_received_total counter\n"
	      "# HELP asclass_feed_prefixes_announced_total Prefixes (with path id) announced.\n"
	      "# TYPE asclass_feed_prefixes_announced_total counter\n"
	      "# HELP asclass_feed_prefixes_withdrawn_total Prefixes (with path id) withdrawn.\n"
	      "# TYPE asclass_feed_prefixes_withdrawn_total counter\n"
	      "# HELP asclass_feed_routes Routes (prefix, path id) a neighbour has now; only for "
	      "sessions with graceful restart or enhanced route refresh.\n"
	      "# TYPE asclass_feed_routes gauge\n"
	      "# HELP asclass_feed_stale_routes Routes kept as stale (graceful restart, route "
	      "refresh).\n# TYPE asclass_feed_stale_routes gauge\n"
	      "# HELP asclass_feed_update_errors_total Malformed UPDATEs by RFC 7606 action.\n"
	      "# TYPE asclass_feed_update_errors_total counter\n",
	      f);
	for (size_t i = 0; i < l->n_peers; i++)
		feed_peer(f, &l->peers[i], l->now);
	return ferror(f) ? -EIO : 0;
}

/* ---- the HTTP endpoint ---- */

struct metrics_http {
	struct MHD_Daemon *mhd;
	struct metrics_http_opts o;
};

/* What fn writes (the exposition of one scrape, the events), or NULL
 * (fn failed, or no memory). */
static char *render(const struct metrics_http *h, int (*fn)(FILE *f, void *arg), size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int err;

	if (!f)
		return NULL;
	err = fn(f, h->o.arg);
	if (fclose(f) || err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* OpenMetrics 1.0 differs from the 0.0.4 text format, for what we write,
 * in two things: a counter's HELP and TYPE name the family without its
 * _total suffix, and the exposition ends with "# EOF". */
static char *to_openmetrics(const char *text, size_t *len)
{
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);
	const char *line = text;

	if (!f)
		return NULL;
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
		const char *sp = line + 7; /* after "# HELP " or "# TYPE " */
		const char *end = memchr(sp, ' ', n > 7 ? n - 7 : 0);

		if (n > 7 && (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) &&
		    end && end - sp > 6 && !strncmp(end - 6, "_total", 6)) {
			fwrite(line, 1, (size_t)(end - 6 - line), f);
			fwrite(end, 1, n - (size_t)(end - line), f);
		} else {
			fwrite(line, 1, n, f);
		}
		line += n;
	}
	fputs("# EOF\n", f);
	fclose(f);
	*len = olen;
	return out;
}

static const char index_html[] =
	"<!DOCTYPE html><html><head><title>asclass</title></head><body><h1>asclass</h1>"
	"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	const struct metrics_http *h = cls;
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned int code = MHD_HTTP_OK;
	const char *type = "text/plain; version=0.0.4; charset=utf-8";
	char *body = NULL;
	size_t len = 0;

	(void)version, (void)upload, (void)state;
	if (*upload_len)
		return MHD_NO; /* no bodies: close the connection */
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		code = MHD_HTTP_METHOD_NOT_ALLOWED;
		body = strdup("only GET\n");
	} else if (!strcmp(url, "/metrics")) {
		const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");

		body = render(h, h->o.render, &len);
		if (!body) {
			code = MHD_HTTP_INTERNAL_SERVER_ERROR;
			body = strdup("cannot read the asclass maps\n");
			len = 0;
		} else if (accept && strstr(accept, "application/openmetrics-text")) {
			char *om = to_openmetrics(body, &len);

			free(body);
			body = om;
			type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
		}
	} else if (!strcmp(url, "/events") && h->o.render_events) {
		body = render(h, h->o.render_events, &len);
		type = "application/json";
		if (!body) {
			code = MHD_HTTP_INTERNAL_SERVER_ERROR;
			body = strdup("no memory\n");
			len = 0;
		}
	} else if (!strcmp(url, "/")) {
		body = strdup(index_html);
		type = "text/html; charset=utf-8";
	} else {
		code = MHD_HTTP_NOT_FOUND;
		body = strdup("not found: try /metrics\n");
	}
	if (!body)
		return MHD_NO;
	if (!len)
		len = strlen(body);
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

/* The listening address, or NULL after logging why. */
static const struct sockaddr *listen_addr(const struct metrics_http_opts *o,
					  struct sockaddr_storage *ss, unsigned int *flags)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, o->host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)o->port);
	} else if (inet_pton(AF_INET6, o->host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)o->port);
		/* "::" (listen = :PORT): every IPv4 and IPv6 address */
		*flags |=
			IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
	} else {
		log_err("metrics listen address '%s' is not an IP address", o->host);
		return NULL;
	}
	return (const struct sockaddr *)ss;
}

/* libmicrohttpd's own messages, one line each, as warnings of ours. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = 0;
	log_warn("metrics http: %s", msg);
}

struct metrics_http *metrics_http_start(const struct metrics_http_opts *o)
{
	unsigned int flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
	struct metrics_http *h = calloc(1, sizeof(*h));
	struct sockaddr_storage ss;
	const struct sockaddr *sa = NULL;

	if (!h)
		return NULL;
	h->o = *o;
	if (!o->host)
		flags |= MHD_USE_NO_LISTEN_SOCKET;
	else if (!(sa = listen_addr(o, &ss, &flags)))
		goto fail;
	/* poll(), not epoll: libmicrohttpd 0.9.75 with epoll never closes a
	 * connection whose client half-closed an unfinished request
	 * (tests/extra/fuzz_http.sh: "HEAD /metrics HTTP/" hung), and poll()
	 * has no select() limit either.
	 * Bounded: connections in all (many) and a
	 * few per client address, so that clients of one address cannot take
	 * the connections of another; an idle time limit per connection, and
	 * a memory limit that caps the request headers.  The logger comes
	 * first: libmicrohttpd uses its own for options before it.
	 * MHD_OPTION_SOCK_ADDR with a NULL address is ignored. */
	h->mhd = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, answer, h, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_CONNECTION_LIMIT,
		o->max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_client,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)32768, MHD_OPTION_END);
	if (h->mhd)
		return h;
	log_err("cannot serve metrics on %s:%u", o->host ? o->host : "(no socket)", o->port);
fail:
	free(h);
	return NULL;
}

int metrics_http_add_connection(struct metrics_http *h, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	/* libmicrohttpd closes fd when it fails */
	return MHD_add_connection(h->mhd, fd, (const struct sockaddr *)&ss, len) == MHD_YES
		       ? 0
		       : -(errno ? errno : EIO);
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->mhd);
	free(h);
}
