// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/output/metrics.c - Prometheus text exposition of a counter snapshot
 * (output/httpd.c serves it).  Names follow Prometheus' guide:
 * asclass_ prefix, base units, _total on counters, # HELP and # TYPE for
 * each metric.  Nothing here reads the maps: the caller's render callback
 * does. */
#include <errno.h>
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

static void upstream_label(FILE *f, const struct snapshot *s, unsigned int id)
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

/* Its buffers are kept from scrape to scrape: a large scrape's fresh ones
 * cost it more in page faults than their contents cost to write. */
struct metrics_state {
	struct counter_row *prev; /* sorted as counters_read sorts */
	size_t n, cap;
	struct ranked *pairs; /* groups_make()'s, when o->state is this */
	size_t pairs_cap;
};

struct metrics_state *metrics_state_new(void)
{
	return calloc(1, sizeof(struct metrics_state));
}

void metrics_state_free(struct metrics_state *st)
{
	if (st) {
		free(st->prev);
		free(st->pairs);
	}
	free(st);
}

/* Bytes of a pair since the previous scrape (all of them without one).
 * Rows come in the previous rows' order (counters_read's), so *at walks
 * the previous rows forward once per scrape, where a search per row cost
 * log n comparisons; it restarts should a row come out of order. */
static uint64_t recent_bytes(const struct metrics_opts *o, const struct counter_row *r, size_t *at)
{
	const struct metrics_state *st = o->state;
	const struct counter_row *p = NULL;

	if (st && st->n) {
		if (*at && counter_row_cmp(&st->prev[*at - 1], r) > 0)
			*at = 0;
		while (*at < st->n && counter_row_cmp(&st->prev[*at], r) < 0)
			(*at)++;
		if (*at < st->n && !counter_row_cmp(&st->prev[*at], r))
			p = &st->prev[*at];
	}
	return p && p->val.bytes <= r->val.bytes ? r->val.bytes - p->val.bytes : r->val.bytes;
}

static bool rows_sorted(const struct counter_row *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (counter_row_cmp(&v[i - 1], &v[i]) > 0)
			return false;
	return true;
}

/* Keeps this scrape's rows as the next one's baseline.  Returns 0 or -ENOMEM. */
static int state_keep(struct metrics_state *st, const struct snapshot *s)
{
	if (s->n_rows > st->cap) {
		void *v = realloc(st->prev, s->n_rows * sizeof(*st->prev));

		if (!v)
			return -ENOMEM;
		st->prev = v;
		st->cap = s->n_rows;
	}
	memcpy(st->prev, s->rows, s->n_rows * sizeof(*st->prev));
	if (!rows_sorted(st->prev, s->n_rows)) /* counters_read's are */
		qsort(st->prev, s->n_rows, sizeof(*st->prev), counter_row_cmp);
	st->n = s->n_rows;
	return 0;
}

/* ---- one group: rows that share upstream, direction and family ---- */

struct ranked {
	struct counter_row row; /* a pair: its rows of every path added up */
	uint64_t recent;
	bool shown;
};

/* Unwatched pairs by recent bytes, then total bytes, descending. */
static int cmp_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->recent != y->recent)
		return x->recent > y->recent ? -1 : 1;
	if (x->row.val.bytes != y->row.val.bytes)
		return x->row.val.bytes > y->row.val.bytes ? -1 : 1;
	return counter_row_cmp(&x->row, &y->row);
}

static int cmp_transit(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->row.key.transit_asn != y->row.key.transit_asn)
		return x->row.key.transit_asn < y->row.key.transit_asn ? -1 : 1;
	return counter_row_cmp(&x->row, &y->row);
}

static int cmp_origin(const void *a, const void *b)
{
	return counter_row_cmp(&((const struct ranked *)a)->row, &((const struct ranked *)b)->row);
}

static int cmp_rank_ptr(const void *a, const void *b)
{
	return cmp_rank(*(const struct ranked *const *)a, *(const struct ranked *const *)b);
}

/* A heap of the best-ranked pairs so far, its root the worst of them. */
static void heap_swap(const struct ranked **h, size_t i, size_t j)
{
	const struct ranked *t = h[i];

	h[i] = h[j];
	h[j] = t;
}

static void heap_up(const struct ranked **h, size_t i)
{
	for (; i && cmp_rank(h[i], h[(i - 1) / 2]) > 0; i = (i - 1) / 2)
		heap_swap(h, i, (i - 1) / 2);
}

static void heap_down(const struct ranked **h, size_t n, size_t i)
{
	for (;;) {
		size_t w = i, l = 2 * i + 1, r = l + 1;

		if (l < n && cmp_rank(h[l], h[w]) > 0)
			w = l;
		if (r < n && cmp_rank(h[r], h[w]) > 0)
			w = r;
		if (w == i)
			return;
		heap_swap(h, i, w);
		i = w;
	}
}

/* Offers g to the heap h of at most k (*n now). */
static void heap_offer(const struct ranked **h, size_t *n, size_t k, const struct ranked *g)
{
	if (*n < k) {
		h[(*n)++] = g;
		heap_up(h, *n - 1);
	} else if (k && cmp_rank(g, h[0]) < 0) {
		h[0] = g;
		heap_down(h, *n, 0);
	}
}

/* The pairs to show, in rank order into top (room for n), marked shown:
 * every watched one, then the top_n others by recent traffic.  A heap of
 * top_n picks them, so that the many pairs not shown are never sorted.
 * Returns how many. */
static size_t choose(struct ranked *g, size_t n, const struct metrics_opts *o,
		     const struct ranked **top)
{
	size_t top_n = o->top_n ? o->top_n : 500, n_w = 0, n_h = 0;
	const struct ranked **h;

	for (size_t i = 0; i < n; i++)
		if (watched(o, g[i].row.key.origin_asn))
			g[i].recent = UINT64_MAX;
	for (size_t i = 0; i < n; i++)
		if (g[i].recent == UINT64_MAX)
			top[n_w++] = &g[i];
	h = top + n_w;
	for (size_t i = 0; i < n; i++)
		if (g[i].recent != UINT64_MAX)
			heap_offer(h, &n_h, top_n, &g[i]);
	qsort(top, n_w, sizeof(*top), cmp_rank_ptr);
	qsort(h, n_h, sizeof(*h), cmp_rank_ptr);
	for (size_t i = 0; i < n_w + n_h; i++)
		((struct ranked *)top[i])->shown = true;
	return n_w + n_h;
}

/* A group's labels, {upstream="cu",direction="in",family="ipv4" (no
 * closing brace), written once per scrape and group rather than per series.
 * Returns a malloc'd string, or NULL. */
static char *labels(const struct snapshot *s, const struct asc_count_key *k)
{
	char *lab = NULL;
	size_t len;
	FILE *f = open_memstream(&lab, &len);

	if (!f)
		return NULL;
	fputs("{upstream=\"", f);
	upstream_label(f, s, k->upstream_id);
	fprintf(f, "\",direction=\"%s\",family=\"%s\"", dir_name(k->dir), family_name(k->family));
	if (fclose(f)) {
		free(lab);
		return NULL;
	}
	return lab;
}

static uint64_t pick(const struct counter_row *r, int bytes)
{
	return bytes ? r->val.bytes : r->val.packets;
}

static void write_pairs(FILE *f, const char *lab, const struct ranked *const *top, size_t n,
			const char *metric, int bytes)
{
	for (size_t i = 0; i < n; i++) {
		fputs(metric, f);
		fputs(lab, f);
		fprintf(f, ",origin_as=\"%u\",transit_as=\"%u\"} %llu\n",
			top[i]->row.key.origin_asn, top[i]->row.key.transit_asn,
			(unsigned long long)pick(&top[i]->row, bytes));
	}
}

static void write_other(FILE *f, const char *lab, const struct ranked *g, size_t n,
			const char *metric, int bytes)
{
	uint64_t sum = 0;
	bool any = false;

	for (size_t i = 0; i < n; i++)
		if (!g[i].shown) {
			sum += pick(&g[i].row, bytes);
			any = true;
		}
	if (!any)
		return;
	fputs(metric, f);
	fputs(lab, f);
	fprintf(f, "} %llu\n", (unsigned long long)sum);
}

/* One series per distinct origin (by_transit 0) or transit (1): g is sorted
 * that way, so equal ones are adjacent. */
static void write_aggregate(FILE *f, const char *lab, const struct ranked *g, size_t n,
			    const char *metric, int bytes, int by_transit)
{
	for (size_t i = 0, j; i < n; i = j) {
		uint32_t as = by_transit ? g[i].row.key.transit_asn : g[i].row.key.origin_asn;
		uint64_t sum = 0;

		for (j = i; j < n &&
			    as == (by_transit ? g[j].row.key.transit_asn : g[j].row.key.origin_asn);
		     j++)
			sum += pick(&g[j].row, bytes);
		fputs(metric, f);
		fputs(lab, f);
		fprintf(f, ",%s=\"%u\"} %llu\n", by_transit ? "transit_as" : "origin_as", as,
			(unsigned long long)sum);
	}
}

/* Per path (enum asc_path): how much of a link was counted under its own
 * upstream's path, the consensus of all paths, or no route. */
static void write_paths(FILE *f, const char *lab, const struct counter_row *raw, size_t n,
			const char *metric, int bytes)
{
	uint64_t sum[ASC_PATH_CONSENSUS + 1] = { 0 };
	bool any[ASC_PATH_CONSENSUS + 1] = { false };

	for (size_t i = 0; i < n; i++)
		if (raw[i].path <= ASC_PATH_CONSENSUS) {
			sum[raw[i].path] += pick(&raw[i], bytes);
			any[raw[i].path] = true;
		}
	for (unsigned int p = 0; p <= ASC_PATH_CONSENSUS; p++) {
		if (!any[p])
			continue;
		fputs(metric, f);
		fputs(lab, f);
		fprintf(f, ",path=\"%s\"} %llu\n", path_name(p), (unsigned long long)sum[p]);
	}
}

/* The traffic metrics, in the order they are written. */
enum traffic_kind { T_PAIR, T_OTHER, T_ORIGIN, T_TRANSIT, T_PATH, T_MAX };

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
	{ T_PATH, 0, "asclass_path_packets_total", "counter",
	  "Packets per upstream link, direction and family, by the path they were attributed "
	  "through: the link's own upstream (own), the consensus of all paths, or none." },
	{ T_PATH, 1, "asclass_path_bytes_total", "counter",
	  "Bytes per upstream link, direction and family, by the path they were attributed "
	  "through: the link's own upstream (own), the consensus of all paths, or none." },
};

/* How a group's pairs are sorted now: in counters_read's order at first,
 * which is the origin aggregate's; the transit aggregate sorts them once
 * more (the metrics are written in that order). */
enum group_order { UNSORTED, BY_ORIGIN, BY_TRANSIT };

/* Rows that share upstream, direction and family: raw as read, g with one
 * entry per pair, and top the pairs shown, ranked; built once per scrape
 * for every metric. */
struct group {
	const struct counter_row *raw;
	size_t n_raw;
	struct ranked *g;
	size_t n;
	const struct ranked **top; /* the pairs shown, in rank order (malloc'd) */
	size_t n_top;
	char *lab; /* labels() */
	enum group_order order;
};

static void group_sort(struct group *gr, enum group_order order)
{
	if (gr->order != order)
		qsort(gr->g, gr->n, sizeof(*gr->g), order == BY_ORIGIN ? cmp_origin : cmp_transit);
	gr->order = order;
}

static void write_group(FILE *f, struct group *gr, const struct traffic_metric *m)
{
	struct ranked *g = gr->g;
	size_t n = gr->n;

	switch (m->kind) {
	case T_PAIR:
		write_pairs(f, gr->lab, gr->top, gr->n_top, m->name, m->bytes);
		break;
	case T_OTHER:
		write_other(f, gr->lab, g, n, m->name, m->bytes);
		break;
	case T_ORIGIN:
		group_sort(gr, BY_ORIGIN);
		write_aggregate(f, gr->lab, g, n, m->name, m->bytes, 0);
		break;
	case T_TRANSIT:
		group_sort(gr, BY_TRANSIT);
		write_aggregate(f, gr->lab, g, n, m->name, m->bytes, 1);
		break;
	default:
		write_paths(f, gr->lab, gr->raw, gr->n_raw, m->name, m->bytes);
	}
}

static bool same_group(const struct asc_count_key *a, const struct asc_count_key *b)
{
	return a->upstream_id == b->upstream_id && a->dir == b->dir && a->family == b->family;
}

/* The group that starts at row i, its pairs ranked into g; returns its end.
 * Rows are sorted by path last, so a pair's rows are adjacent.  *at: see
 * recent_bytes(). */
static size_t group_at(const struct snapshot *s, size_t i, struct group *gr, struct ranked *g,
		       const struct metrics_opts *o, size_t *at)
{
	size_t j;

	*gr = (struct group){ .raw = &s->rows[i], .g = g, .order = BY_ORIGIN };
	for (j = i; j < s->n_rows && same_group(&s->rows[j].key, &s->rows[i].key); j++) {
		const struct counter_row *r = &s->rows[j];
		struct ranked *last = gr->n ? &gr->g[gr->n - 1] : NULL;

		if (last && last->row.key.origin_asn == r->key.origin_asn &&
		    last->row.key.transit_asn == r->key.transit_asn) {
			last->row.val.packets += r->val.packets;
			last->row.val.bytes += r->val.bytes;
			last->recent += recent_bytes(o, r, at);
			continue;
		}
		/* counters_read's order is by origin and transit */
		if (last && cmp_origin(last, &(struct ranked){ .row = *r }) > 0)
			gr->order = UNSORTED;
		gr->g[gr->n++] = (struct ranked){ .row = *r, .recent = recent_bytes(o, r, at) };
		gr->g[gr->n - 1].row.path = 0;
	}
	gr->n_raw = j - i;
	gr->top = malloc((gr->n ? gr->n : 1) * sizeof(*gr->top));
	if (gr->top)
		gr->n_top = choose(gr->g, gr->n, o, gr->top);
	gr->lab = labels(s, &s->rows[i].key);
	return j;
}

/* Every group of a scrape, and the pairs they rank (one array, in turns;
 * the metrics state's when there is one). */
struct groups {
	struct group *v;
	size_t n;
	struct ranked *pairs;
	bool own_pairs;
};

/* Room for n pairs: the state's buffer, grown as needed, or a new one. */
static struct ranked *pairs_buffer(struct metrics_state *st, size_t n, bool *own)
{
	*own = !st;
	if (!st)
		return malloc((n ? n : 1) * sizeof(struct ranked));
	if (n > st->pairs_cap || !st->pairs) {
		void *p = realloc(st->pairs, (n ? n : 1) * sizeof(*st->pairs));

		if (!p)
			return NULL;
		st->pairs = p;
		st->pairs_cap = n ? n : 1;
	}
	return st->pairs;
}

static size_t groups_count(const struct snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_rows; i++)
		n += !i || !same_group(&s->rows[i - 1].key, &s->rows[i].key);
	return n;
}

/* Every group of s, ranked.  Returns 0 or -ENOMEM; groups_free() either way. */
static int groups_make(const struct snapshot *s, const struct metrics_opts *o, struct groups *gs)
{
	size_t at = 0, used = 0, n = groups_count(s);

	gs->n = 0;
	gs->v = calloc(n ? n : 1, sizeof(*gs->v));
	gs->pairs = pairs_buffer(o->state, s->n_rows, &gs->own_pairs);
	if (!gs->v || !gs->pairs)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_rows;) {
		struct group *gr = &gs->v[gs->n++];

		i = group_at(s, i, gr, gs->pairs + used, o, &at);
		used += gr->n;
		if (!gr->lab || !gr->top)
			return -ENOMEM;
	}
	return 0;
}

static void groups_free(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		free(gs->v[i].lab);
		free(gs->v[i].top);
	}
	free(gs->v);
	if (gs->own_pairs)
		free(gs->pairs);
}

/* Each traffic metric over every group (counters_read sorts rows by
 * upstream, direction and family first). */
static int write_traffic(FILE *f, const struct snapshot *s, const struct metrics_opts *o)
{
	struct groups gs;
	int err = groups_make(s, o, &gs);

	for (size_t m = 0; !err && m < sizeof(traffic) / sizeof(traffic[0]); m++) {
		help_type(f, traffic[m].name, traffic[m].type, traffic[m].help);
		for (size_t i = 0; i < gs.n; i++)
			write_group(f, &gs.v[i], &traffic[m]);
	}
	groups_free(&gs);
	if (err)
		return err;
	return o->state ? state_keep(o->state, s) : 0;
}

/* Traffic that found asc_counts full, per upstream and direction. */
static void write_overflow(FILE *f, const struct snapshot *s)
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
static void write_upstream_info(FILE *f, const struct snapshot *s)
{
	help_type(f, "asclass_upstream_info", "gauge",
		  "An upstream link: its AS, interface and VLAN (\"any\" or 0 = untagged).");
	for (size_t i = 0; i < s->n_links; i++) {
		const struct link_row *l = &s->links[i].row;
		char ifname[IF_NAMESIZE + 16], vlan[16];

		snap_link_ifname(&s->links[i], ifname, sizeof(ifname));
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

int metrics_write(FILE *f, const struct snapshot *s, const struct metrics_opts *o)
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
		fprintf(f, "asclass_count_map_entries %zu\n", s->n_slots);
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
		s->state.routes_v4, s->state.routes_v6);
	if (s->state.lookup == ASC_LOOKUP_FAST) {
		static const char *const what[3] = { "nodes", "leaves", "routes" };
		const uint32_t used[3] = { s->state.fib_nodes, s->state.fib_leaves,
					   s->state.fib_routes };
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
		(unsigned long long)(s->state.load_time_ns / 1000000000ULL),
		(unsigned long long)(s->state.load_time_ns % 1000000000ULL));
	fputs("# HELP asclass_table_swaps_total Route table swaps since the maps were created.\n"
	      "# TYPE asclass_table_swaps_total counter\n",
	      f);
	fprintf(f, "asclass_table_swaps_total %llu\n", (unsigned long long)s->state.swaps);
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

/* One series of a neighbour and family i (FEED_IPV4, FEED_IPV6). */
static void family_line(FILE *f, const char *name, const struct feed_peer_status *p, int i,
			unsigned long long v)
{
	char extra[32];

	snprintf(extra, sizeof(extra), ",family=\"%s\"",
		 family_name(i == FEED_IPV6 ? ASC_FAMILY_V6 : ASC_FAMILY_V4));
	peer_line(f, name, p, extra);
	fprintf(f, " %llu\n", v);
}

/* 0 for a family before its first End-of-RIB. */
static void feed_last_eor(FILE *f, const struct feed_peer_status *p)
{
	for (int i = 0; i < FEED_NFAM; i++)
		family_line(f, "asclass_feed_last_eor_timestamp_seconds", p, i, p->last_eor[i]);
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
		for (int i = 0; i < FEED_NFAM; i++)
			family_line(f, "asclass_feed_family_routes", p, i, p->routes_family[i]);
	}
	peer_line(f, "asclass_feed_stale_routes", p, NULL);
	fprintf(f, " %zu\n", p->stale);
	feed_errors(f, p);
	feed_last_eor(f, p);
}

/* 100 us to 2.5 s, then a whole load's wait */
const double metrics_apply_bounds[METRICS_APPLY_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1,	0.25,	 0.5,	 1,	2.5,	5,     10,   30,    60,
};

void metrics_apply_observe(struct metrics_apply *a, double seconds)
{
	for (int i = 0; i < METRICS_APPLY_BUCKETS; i++)
		if (seconds <= metrics_apply_bounds[i]) {
			a->bucket[i]++;
			break;
		}
	a->count++;
	a->sum += seconds;
}

/* asclass_feed_update_kernel_seconds and asclass_table_updates_total. */
static void apply_series(FILE *f, const struct metrics_apply *a)
{
	uint64_t cum = 0;

	help_type(f, "asclass_feed_update_kernel_seconds", "histogram",
		  "Seconds from a live route change's arrival in asclass to its prefix's write "
		  "into the data-plane tables, per prefix applied (in place or by a whole load).");
	for (int i = 0; i < METRICS_APPLY_BUCKETS; i++) {
		cum += a->bucket[i];
		fprintf(f, "asclass_feed_update_kernel_seconds_bucket{le=\"%g\"} %llu\n",
			metrics_apply_bounds[i], (unsigned long long)cum);
	}
	fprintf(f, "asclass_feed_update_kernel_seconds_bucket{le=\"+Inf\"} %llu\n",
		(unsigned long long)a->count);
	fprintf(f, "asclass_feed_update_kernel_seconds_sum %.9f\n", a->sum);
	fprintf(f, "asclass_feed_update_kernel_seconds_count %llu\n", (unsigned long long)a->count);
	help_type(f, "asclass_table_updates_total", "counter",
		  "Live route changes applied to the data-plane tables: prefixes updated in "
		  "place (kind prefix) and whole loads (kind load).");
	fprintf(f, "asclass_table_updates_total{kind=\"prefix\"} %llu\n",
		(unsigned long long)a->prefixes);
	fprintf(f, "asclass_table_updates_total{kind=\"load\"} %llu\n",
		(unsigned long long)a->loads);
}

int metrics_write_live(FILE *f, const struct metrics_live *l)
{
	help_type(f, "asclass_transit_changes_total", "counter",
		  "Routing changes: an origin AS gained or lost a transit AS via an upstream "
		  "(\"-\": every path, no upstream attached) between two loads.");
	for (size_t i = 0; i < l->n_changes; i++) {
		const struct metrics_changes *c = &l->changes[i];

		fputs("asclass_transit_changes_total{change=\"gained\",upstream=\"", f);
		put_label(f, c->upstream);
		fprintf(f, "\"} %llu\n", (unsigned long long)c->gained);
		fputs("asclass_transit_changes_total{change=\"lost\",upstream=\"", f);
		put_label(f, c->upstream);
		fprintf(f, "\"} %llu\n", (unsigned long long)c->lost);
	}
	if (l->apply)
		apply_series(f, l->apply);
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
	      "# HELP asclass_feed_routes Routes (prefix, path id) a neighbour has now, stale "
	      "ones included.\n"
	      "# TYPE asclass_feed_routes gauge\n"
	      "# HELP asclass_feed_family_routes Routes (prefix, path id) a neighbour has now in "
	      "the family, stale ones included.\n"
	      "# TYPE asclass_feed_family_routes gauge\n"
	      "# HELP asclass_feed_stale_routes Routes kept as stale (a lost session, graceful "
	      "restart, route refresh).\n# TYPE asclass_feed_stale_routes gauge\n"
	      "# HELP asclass_feed_update_errors_total Malformed UPDATEs by RFC 7606 action.\n"
	      "# TYPE asclass_feed_update_errors_total counter\n"
	      "# HELP asclass_feed_last_eor_timestamp_seconds UNIX time of the neighbour's last "
	      "End-of-RIB for the family; 0 before the first.\n"
	      "# TYPE asclass_feed_last_eor_timestamp_seconds gauge\n",
	      f);
	for (size_t i = 0; i < l->n_peers; i++)
		feed_peer(f, &l->peers[i], l->now);
	return ferror(f) ? -EIO : 0;
}

/* ---- the BMP station (daemon) ---- */

static const char bmp_help[] =
	"# HELP asclass_bmp_router_up Whether a router is connected to the BMP station.\n"
	"# TYPE asclass_bmp_router_up gauge\n"
	"# HELP asclass_bmp_router_info The router's sysName from its Initiation message.\n"
	"# TYPE asclass_bmp_router_info gauge\n"
	"# HELP asclass_bmp_messages_total BMP messages received, by type.\n"
	"# TYPE asclass_bmp_messages_total counter\n"
	"# HELP asclass_bmp_prefixes_announced_total Prefixes (with path id) announced into "
	"the RIB.\n# TYPE asclass_bmp_prefixes_announced_total counter\n"
	"# HELP asclass_bmp_prefixes_withdrawn_total Prefixes (with path id) withdrawn.\n"
	"# TYPE asclass_bmp_prefixes_withdrawn_total counter\n"
	"# HELP asclass_bmp_update_faults_total Malformed UPDATEs in Route Monitoring, by "
	"RFC 7606 case.\n# TYPE asclass_bmp_update_faults_total counter\n"
	"# HELP asclass_bmp_framing_errors_total Connections closed for broken BMP framing.\n"
	"# TYPE asclass_bmp_framing_errors_total counter\n"
	"# HELP asclass_bmp_queue_pauses_total Times the station stopped reading the router "
	"because the queue was full.\n# TYPE asclass_bmp_queue_pauses_total counter\n"
	"# HELP asclass_bmp_peer_up Whether a peer the router reports is up (Peer Up seen).\n"
	"# TYPE asclass_bmp_peer_up gauge\n"
	"# HELP asclass_bmp_peer_adj_rib_in_routes Routes in the peer's Adj-RIB-In (the "
	"router's last Statistics Report, type 7).\n"
	"# TYPE asclass_bmp_peer_adj_rib_in_routes gauge\n"
	"# HELP asclass_bmp_peer_loc_rib_routes Routes in the router's Loc-RIB (last "
	"Statistics Report, type 8).\n# TYPE asclass_bmp_peer_loc_rib_routes gauge\n";

static void router_line(FILE *f, const char *metric, const struct bmp_router_status *st,
			const char *extra, uint64_t v)
{
	fprintf(f, "%s{router=\"", metric);
	put_label(f, st->addr);
	fprintf(f, "\"%s} %llu\n", extra ? extra : "", (unsigned long long)v);
}

static void bmp_router(FILE *f, const struct bmp_router_status *st)
{
	const struct bmp_router_counters *c = &st->c;
	char extra[96];

	router_line(f, "asclass_bmp_router_up", st, NULL, st->connected);
	fprintf(f, "asclass_bmp_router_info{router=\"");
	put_label(f, st->addr);
	fputs("\",sys_name=\"", f);
	put_label(f, st->sys_name);
	fputs("\"} 1\n", f);
	/* label values without spaces: bmp_type_name()'s, in snake case */
	static const char *const type[BMP_TYPE_MAX + 1] = {
		[BMP_ROUTE_MONITORING] = "route_monitoring",
		[BMP_STATS] = "statistics_report",
		[BMP_PEER_DOWN] = "peer_down",
		[BMP_PEER_UP] = "peer_up",
		[BMP_INITIATION] = "initiation",
		[BMP_TERMINATION] = "termination",
		[BMP_ROUTE_MIRRORING] = "route_mirroring",
		[BMP_TYPE_MAX] = "unknown",
	};

	for (unsigned int t = 0; t <= BMP_TYPE_MAX; t++) {
		snprintf(extra, sizeof(extra), ",type=\"%s\"", type[t]);
		router_line(f, "asclass_bmp_messages_total", st, extra, c->msgs[t]);
	}
	router_line(f, "asclass_bmp_prefixes_announced_total", st, NULL, c->announced);
	router_line(f, "asclass_bmp_prefixes_withdrawn_total", st, NULL, c->withdrawn);
	for (int i = 0; i < FEED_FAULT_MAX; i++) {
		snprintf(extra, sizeof(extra), ",fault=\"%s\"", feed_fault_name(i));
		router_line(f, "asclass_bmp_update_faults_total", st, extra, c->faults[i]);
	}
	router_line(f, "asclass_bmp_framing_errors_total", st, NULL, c->framing_errors);
	router_line(f, "asclass_bmp_queue_pauses_total", st, NULL, c->queue_pauses);
}

/* A peer's labels: ,peer="ADDR",peer_as="AS" into buf. */
static void bmp_peer_labels(const struct bmp_peer_status *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "";

	if (p->hdr.peer.family)
		inet_ntop(p->hdr.peer.family == 6 ? AF_INET6 : AF_INET, p->hdr.peer.ip, a,
			  sizeof(a));
	snprintf(buf, len, ",peer=\"%s\",peer_as=\"%u\"", a, p->hdr.peer.asn);
}

static void bmp_peer(FILE *f, const struct bmp_router_status *st, const struct bmp_peer_status *p)
{
	static const struct {
		const char *metric;
		unsigned int type;
	} stats[] = { { "asclass_bmp_peer_adj_rib_in_routes", 7 },
		      { "asclass_bmp_peer_loc_rib_routes", 8 } };
	char extra[128];

	bmp_peer_labels(p, extra, sizeof(extra));
	router_line(f, "asclass_bmp_peer_up", st, extra, p->up);
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		if (p->stats.has[stats[i].type])
			router_line(f, stats[i].metric, st, extra, p->stats.v[stats[i].type]);
}

int metrics_write_bmp(FILE *f, const struct metrics_bmp *m)
{
	help_type(f, "asclass_bmp_connections_refused_total", "counter",
		  "Connections to the BMP station refused, by reason: a router not in "
		  "[bmp] allow (not_allowed), or every router slot busy (limit).");
	fprintf(f, "asclass_bmp_connections_refused_total{reason=\"not_allowed\"} %llu\n",
		(unsigned long long)m->refused);
	fprintf(f, "asclass_bmp_connections_refused_total{reason=\"limit\"} %llu\n",
		(unsigned long long)m->refused_limit);
	help_type(f, "asclass_bmp_queue_bytes", "gauge",
		  "Decoded route changes of the BMP station waiting for the daemon.");
	fprintf(f, "asclass_bmp_queue_bytes %zu\n", m->queue_bytes);
	fputs(bmp_help, f);
	for (size_t r = 0; r < m->n_routers; r++) {
		bmp_router(f, &m->routers[r].st);
		for (size_t i = 0; i < m->routers[r].n_peers; i++)
			bmp_peer(f, &m->routers[r].st, &m->routers[r].peers[i]);
	}
	return ferror(f) ? -EIO : 0;
}
