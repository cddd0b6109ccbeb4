// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/events.c - routing-change events between two loads, per
 * upstream, and the ring the daemon keeps them in.  See cli/events.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "cli/events.h"
#include "output/json_out.h"

static int pair_cmp(const struct rib_transit *a, const struct rib_transit *b)
{
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	if (a->transit != b->transit)
		return a->transit < b->transit ? -1 : 1;
	return 0;
}

static int pair_cmp_q(const void *a, const void *b)
{
	return pair_cmp(a, b);
}

/* ---- a load's groups ---- */

/* The prefixes of t's entries for each pair of v (from rtable_transits(t)):
 * input without paths. */
static int table_prefixes(const struct rtable *t, struct event_pairs *g)
{
	uint32_t *fill = calloc(g->n + 1, sizeof(*fill));
	int err = -ENOMEM;

	g->first = malloc((g->n + 1) * sizeof(*g->first));
	for (size_t i = 0; g->first && i <= g->n; i++)
		g->first[i] = i ? g->first[i - 1] + (g->v[i - 1].prefixes < EVENT_PREFIXES_MAX
							     ? g->v[i - 1].prefixes
							     : EVENT_PREFIXES_MAX)
				: 0;
	if (g->first && fill)
		g->pfx = calloc(g->first[g->n] ? g->first[g->n] : 1, sizeof(*g->pfx));
	for (size_t k = 0; g->pfx && k < t->n; k++) {
		const struct rt_entry *e = &t->v[k];
		struct rib_transit key = { .origin = e->route.origin_asn,
					   .transit = e->route.transit_asn };
		const struct rib_transit *p =
			e->route.origin_asn ? bsearch(&key, g->v, g->n, sizeof(key), pair_cmp_q)
					    : NULL;
		size_t i = p ? (size_t)(p - g->v) : 0;
		struct rt_entry *d;

		if (!p || g->first[i] + fill[i] == g->first[i + 1])
			continue;
		d = &g->pfx[g->first[i] + fill[i]++];
		*d = (struct rt_entry){ .family = e->family, .plen = e->plen };
		memcpy(d->addr, e->addr, sizeof(d->addr));
	}
	if (g->pfx)
		err = 0;
	free(fill);
	return err;
}

/* Group "-": every pair (a copy of all), with their prefixes. */
static int group_every_path(const struct rib *rib, const struct rtable *t,
			    const struct rib_transit *all, size_t n_all, struct event_pairs *g)
{
	snprintf(g->upstream, sizeof(g->upstream), "%s", EVENT_NO_UPSTREAM);
	g->v = malloc((n_all ? n_all : 1) * sizeof(*g->v));
	if (!g->v)
		return -ENOMEM;
	if (n_all)
		memcpy(g->v, all, n_all * sizeof(*all));
	g->n = n_all;
	if (rib_has_paths(rib))
		return rib_pair_prefixes(rib, NULL, g->v, g->n, EVENT_PREFIXES_MAX, &g->pfx,
					 &g->first);
	return table_prefixes(t, g);
}

/* The group of one upstream's own paths. */
static int group_upstream(const struct rib *rib, const struct rt_upstream *up, const char *name,
			  struct event_pairs *g)
{
	int err = rib_transits_upstream(rib, up, &g->v, &g->n);

	snprintf(g->upstream, sizeof(g->upstream), "%s", name);
	if (!err)
		err = rib_pair_prefixes(rib, up, g->v, g->n, EVENT_PREFIXES_MAX, &g->pfx,
					&g->first);
	return err;
}

/* The latest RIB time the pairs show. */
static uint32_t latest_time(const struct rib_transit *v, size_t n)
{
	uint32_t t = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].first_seen > t)
			t = v[i].first_seen;
		if (v[i].gone_since > t)
			t = v[i].gone_since;
	}
	return t;
}

/* What collecting a load cost (debug level: -v). */
static void log_collect(const struct event_load *l, double ms)
{
	size_t pairs = 0, listed = 0;

	for (size_t i = 0; i < l->n; i++) {
		pairs += l->g[i].n;
		listed += l->g[i].first[l->g[i].n];
	}
	log_debug("routing changes: %zu groups, %zu pairs, %zu prefixes listed (%zu KiB) in "
		  "%.1f ms",
		  l->n, pairs, listed,
		  (pairs * (sizeof(struct rib_transit) + sizeof(uint32_t)) +
		   listed * sizeof(struct rt_entry)) >>
			  10,
		  ms);
}

int event_load_collect(const struct rib *rib, const struct rtable *t, const struct rt_upstreams *u,
		       const char (*names)[ASC_NAME_LEN], const struct rib_transit *all,
		       size_t n_all, struct event_load *out)
{
	/* an empty load (a feed restarted, nothing yet) is per link too: its
	 * upstreams lost what they had */
	bool per_link = rt_upstreams_used(u) && rib && (rib_has_paths(rib) || !t->n);
	struct timespec a, b;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->all = malloc((n_all ? n_all : 1) * sizeof(*all));
	out->g = calloc(per_link ? RT_COLUMNS : 1, sizeof(*out->g));
	if (!out->g || !out->all)
		return -ENOMEM;
	if (n_all)
		memcpy(out->all, all, n_all * sizeof(*all));
	out->n_all = n_all;
	out->latest = latest_time(all, n_all);
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (!per_link) {
		out->n = 1;
		err = group_every_path(rib, t, all, n_all, &out->g[0]);
	}
	for (unsigned int c = 0; per_link && !err && c < RT_COLUMNS; c++)
		if (u->col[c].asn)
			err = group_upstream(rib, &u->col[c], names[c], &out->g[out->n++]);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!err)
		log_collect(out, (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
	return err;
}

void event_load_free(struct event_load *l)
{
	for (size_t i = 0; l->g && i < l->n; i++) {
		free(l->g[i].v);
		free(l->g[i].pfx);
		free(l->g[i].first);
	}
	free(l->g);
	free(l->all);
	memset(l, 0, sizeof(*l));
}

/* ---- the diff ---- */

static int add(struct transit_event **out, size_t *n, const struct transit_event *e)
{
	struct transit_event *v = realloc(*out, (*n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[(*n)++] = *e;
	*out = v;
	return 0;
}

/* The time the last path showing (origin, transit) went, over every path
 * of the load (0: some path still shows it). */
static uint32_t gone_since(const struct event_load *l, const struct rib_transit *p)
{
	const struct rib_transit *a = bsearch(p, l->all, l->n_all, sizeof(*p), pair_cmp_q);

	return a ? a->gone_since : 0;
}

/* The pair i of group g as an event's origin, transit and prefixes. */
static void event_pair(const struct event_pairs *g, size_t i, struct transit_event *e)
{
	e->origin = g->v[i].origin;
	e->transit = g->v[i].transit;
	e->prefix_count = g->v[i].prefixes;
	e->pfx = g->pfx + g->first[i];
	e->n_pfx = g->first[i + 1] - g->first[i];
	snprintf(e->upstream, sizeof(e->upstream), "%s", g->upstream);
}

/* What changes between pair p (index of prev's group, or -1) and c (of
 * cur's, or -1), dated as events.h says: 0 when the pair did not change. */
struct diff_ctx {
	const struct event_load *prev, *cur;
	const struct event_pairs *gp, *gc;
	uint32_t now;
};

static int change_of(const struct diff_ctx *d, long p, long c, struct transit_event *e)
{
	bool was = p >= 0 && d->gp->v[p].paths, is = c >= 0 && d->gc->v[c].paths;
	uint32_t t;

	if (was == is)
		return 0;
	memset(e, 0, sizeof(*e));
	if (is) {
		event_pair(d->gc, (size_t)c, e);
		e->change = EVENT_GAINED;
		t = d->gc->v[c].first_seen;
	} else {
		event_pair(d->gp, (size_t)p, e);
		e->change = EVENT_LOST;
		t = gone_since(d->cur, &d->gp->v[p]);
	}
	/* a RIB time after the previous load is the change's; anything
	 * older (a pair that comes back, a path of another upstream) is not */
	e->time = t > d->prev->latest ? t : d->now;
	return 1;
}

/* By time, then upstream, origin, transit and change. */
static int event_cmp(const void *a, const void *b)
{
	const struct transit_event *x = a, *y = b;
	int s;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	s = strcmp(x->upstream, y->upstream);
	if (s)
		return s;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	if (x->transit != y->transit)
		return x->transit < y->transit ? -1 : 1;
	return (int)x->change - (int)y->change;
}

static const struct event_pairs *group_named(const struct event_load *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->g[i].upstream, name))
			return &l->g[i];
	return NULL;
}

/* The events of one group present in both loads. */
static int group_diff(const struct diff_ctx *d, struct transit_event **out, size_t *n)
{
	size_t i = 0, j = 0, np = d->gp->n, nc = d->gc->n;

	while (i < np || j < nc) {
		int c = i == np ? 1 : j == nc ? -1 : pair_cmp(&d->gp->v[i], &d->gc->v[j]);
		long p = c <= 0 ? (long)i++ : -1;
		long q = c >= 0 ? (long)j++ : -1;
		struct transit_event e;

		if (change_of(d, p, q, &e) && add(out, n, &e))
			return -ENOMEM;
	}
	return 0;
}

int events_diff(const struct event_load *prev, const struct event_load *cur, uint32_t now,
		struct transit_event **out, size_t *n)
{
	struct diff_ctx d = { .prev = prev, .cur = cur, .now = now };
	size_t first = *n;

	for (size_t k = 0; k < cur->n; k++) {
		d.gc = &cur->g[k];
		d.gp = group_named(prev, d.gc->upstream);
		if (d.gp && group_diff(&d, out, n))
			return -ENOMEM;
	}
	if (*n > first)
		qsort(*out + first, *n - first, sizeof(**out), event_cmp);
	return 0;
}

/* ---- the events of a tally's step ---- */

/* The group of a tally (rib.h) as a load names it: "-" for group 0 when
 * no column is used, the column's upstream for the others; NULL for a
 * group the load would not have. */
static const char *tally_group_name(const struct rt_upstreams *u, const char (*names)[ASC_NAME_LEN],
				    unsigned int group)
{
	unsigned int i = 0;

	if (!rt_upstreams_used(u))
		return group ? NULL : EVENT_NO_UPSTREAM;
	for (unsigned int c = 0; group && c < RT_COLUMNS; c++)
		if (u->col[c].asn && ++i == group)
			return names[c];
	return NULL;
}

int events_of_step(const struct rib_pair_change *c, size_t n, const struct rt_entry *pfx,
		   const struct rt_upstreams *u, const char (*names)[ASC_NAME_LEN],
		   uint32_t prev_latest, uint32_t now, struct transit_event **out, size_t *nout)
{
	size_t first = *nout;

	for (size_t i = 0; i < n; i++) {
		const char *name = tally_group_name(u, names, c[i].group);
		uint32_t t = c[i].gained ? c[i].t.first_seen : c[i].t.gone_since;
		struct transit_event e = { .origin = c[i].t.origin,
					   .transit = c[i].t.transit,
					   .prefix_count = c[i].t.prefixes,
					   .change = c[i].gained ? EVENT_GAINED : EVENT_LOST,
					   .n_pfx = c[i].n_pfx,
					   .pfx = pfx + c[i].pfx_first,
					   /* as change_of() dates them */
					   .time = t > prev_latest ? t : now };

		if (!name)
			continue;
		snprintf(e.upstream, sizeof(e.upstream), "%s", name);
		if (add(out, nout, &e))
			return -ENOMEM;
	}
	if (*nout > first)
		qsort(*out + first, *nout - first, sizeof(**out), event_cmp);
	return 0;
}

int event_load_of_tally(const struct rib *rib, const struct rib_tally *t,
			const struct rt_upstreams *u, const char (*names)[ASC_NAME_LEN],
			uint32_t latest, struct event_load *out)
{
	bool per_link = rt_upstreams_used(u);
	unsigned int group = 0;
	int err = 0;

	memset(out, 0, sizeof(*out));
	out->g = calloc(per_link ? RT_COLUMNS : 1, sizeof(*out->g));
	if (!out->g)
		return -ENOMEM;
	out->latest = latest;
	for (unsigned int c = 0; !err && c < (per_link ? RT_COLUMNS : 1); c++) {
		struct event_pairs *g = &out->g[out->n];
		const char *name = per_link ? names[c] : EVENT_NO_UPSTREAM;

		if (per_link && !u->col[c].asn)
			continue;
		group += per_link;
		out->n++;
		snprintf(g->upstream, sizeof(g->upstream), "%s", name);
		err = rib_tally_group(rib, t, group, EVENT_PREFIXES_MAX, &g->v, &g->n, &g->pfx,
				      &g->first);
	}
	return err;
}

/* ---- output ---- */

const char *event_change_name(enum event_change c)
{
	return c == EVENT_GAINED ? "gained" : "lost";
}

static json_t *prefixes_json(const struct transit_event *e)
{
	json_t *a = json_array();
	char buf[64];

	for (uint32_t i = 0; a && i < e->n_pfx; i++)
		if (json_array_append_new(a,
					  json_string(prefix_fmt(&e->pfx[i], buf, sizeof(buf))))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *event_json(const struct transit_event *e)
{
	json_t *o = json_pack("{s:s, s:I, s:I, s:o, s:o, s:I, s:o?}", "change",
			      event_change_name(e->change), "origin_as", (json_int_t)e->origin,
			      "transit_as", (json_int_t)e->transit, "upstream",
			      json_out_text(e->upstream, sizeof(e->upstream)), "time",
			      json_out_time(e->time), "prefix_count", (json_int_t)e->prefix_count,
			      "prefixes", prefixes_json(e));

	if (o && e->seq && json_object_set_new(o, "seq", json_out_count(e->seq))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The prefixes of an event's JSON into pfx. */
static int prefixes_of_json(json_t *a, struct transit_event *e, struct rt_entry *pfx)
{
	size_t i;
	json_t *s;

	if (!json_is_array(a) || json_array_size(a) > EVENT_PREFIXES_MAX)
		return -EINVAL;
	json_array_foreach(a, i, s)
	{
		if (!json_is_string(s) || prefix_parse(json_string_value(s), &pfx[i], 0))
			return -EINVAL;
	}
	e->pfx = pfx;
	e->n_pfx = (uint32_t)json_array_size(a);
	return 0;
}

int event_from_json(json_t *o, struct transit_event *e, struct rt_entry *pfx)
{
	const char *change = NULL, *when = NULL, *up = NULL;
	json_int_t origin, transit, count, seq = 0;
	json_t *prefixes;
	struct tm tm = { 0 };

	if (json_unpack(o, "{s:s, s:I, s:I, s:s, s:s, s:I, s:o, s?I}", "change", &change,
			"origin_as", &origin, "transit_as", &transit, "upstream", &up, "time",
			&when, "prefix_count", &count, "prefixes", &prefixes, "seq", &seq) ||
	    !strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return -EINVAL;
	*e = (struct transit_event){ .seq = (uint64_t)seq,
				     .time = (uint32_t)timegm(&tm),
				     .origin = (uint32_t)origin,
				     .transit = (uint32_t)transit,
				     .prefix_count = (uint32_t)count,
				     .change = strcmp(change, "lost") ? EVENT_GAINED : EVENT_LOST };
	snprintf(e->upstream, sizeof(e->upstream), "%s", up);
	return prefixes_of_json(prefixes, e, pfx);
}

/* The time as JSON writes it (json_out_time), into buf. */
static const char *utc(uint32_t t, char *buf, size_t len)
{
	json_t *j = json_out_time(t);

	snprintf(buf, len, "%s", json_string_value(j) ? json_string_value(j) : "-");
	json_decref(j);
	return buf;
}

/* The prefixes joined by commas ("-": none), into buf. */
static const char *prefix_list(const struct transit_event *e, char *buf, size_t len)
{
	size_t at = 0;
	char one[64];

	snprintf(buf, len, "-");
	for (uint32_t i = 0; i < e->n_pfx && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? "," : "",
				       prefix_fmt(&e->pfx[i], one, sizeof(one)));
	return buf;
}

void event_print_header(FILE *f)
{
	fprintf(f, "time\tupstream\tchange\torigin_as\ttransit_as\tprefix_count\tprefixes\n");
}

void event_print(FILE *f, const struct transit_event *e)
{
	char t[32], p[EVENT_PREFIXES_MAX * 48];

	fprintf(f, "%s\t%s\t%s\t%u\t%u\t%u\t%s\n", utc(e->time, t, sizeof(t)), e->upstream,
		event_change_name(e->change), e->origin, e->transit, e->prefix_count,
		prefix_list(e, p, sizeof(p)));
}

void event_log(const struct transit_event *e)
{
	char t[32], p[EVENT_PREFIXES_MAX * 48];

	log_info("routing change: origin AS%u %s transit AS%u via %s at %s (%u prefixes: %s%s)",
		 e->origin, event_change_name(e->change), e->transit, e->upstream,
		 utc(e->time, t, sizeof(t)), e->prefix_count, prefix_list(e, p, sizeof(p)),
		 e->prefix_count > e->n_pfx ? ",..." : "");
}

/* ---- the ring ---- */

int event_ring_init(struct event_ring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->v = calloc(cap ? cap : 1, sizeof(*r->v));
	r->pfx = calloc((cap ? cap : 1) * EVENT_PREFIXES_MAX, sizeof(*r->pfx));
	if (!r->v || !r->pfx) {
		event_ring_free(r);
		return -ENOMEM;
	}
	r->cap = cap;
	r->next_seq = 1;
	return 0;
}

void event_ring_free(struct event_ring *r)
{
	free(r->v);
	free(r->pfx);
	free(r->counts);
	memset(r, 0, sizeof(*r));
}

/* Counts e under its upstream (a new upstream gets a row). */
static void ring_count(struct event_ring *r, const struct transit_event *e)
{
	struct event_count *c;
	size_t i;

	r->total[e->change]++;
	for (i = 0; i < r->n_counts; i++)
		if (!strcmp(r->counts[i].upstream, e->upstream))
			break;
	if (i == r->n_counts) {
		c = realloc(r->counts, (i + 1) * sizeof(*c));
		if (!c) {
			r->uncounted++;
			return;
		}
		r->counts = c;
		memset(&c[i], 0, sizeof(c[i]));
		snprintf(c[i].upstream, sizeof(c[i].upstream), "%s", e->upstream);
		r->n_counts++;
	}
	r->counts[i].n[e->change]++;
}

void event_ring_push(struct event_ring *r, const struct transit_event *e)
{
	struct transit_event *slot;
	struct rt_entry *pfx;
	size_t at;

	ring_count(r, e);
	if (!r->cap)
		return;
	at = (r->head + r->n) % r->cap;
	slot = &r->v[at];
	pfx = &r->pfx[at * EVENT_PREFIXES_MAX];
	*slot = *e;
	slot->n_pfx = e->n_pfx < EVENT_PREFIXES_MAX ? e->n_pfx : EVENT_PREFIXES_MAX;
	if (slot->n_pfx)
		memcpy(pfx, e->pfx, slot->n_pfx * sizeof(*pfx));
	slot->pfx = pfx;
	slot->seq = r->next_seq++;
	if (r->n < r->cap)
		r->n++;
	else
		r->head = (r->head + 1) % r->cap;
}

const struct transit_event *event_ring_at(const struct event_ring *r, size_t i)
{
	return &r->v[(r->head + i) % r->cap];
}

size_t event_ring_after(const struct event_ring *r, uint64_t since)
{
	uint64_t oldest = r->next_seq - r->n; /* seq of event 0 */

	if (since >= r->next_seq)
		return 0;
	return since < oldest ? 0 : (size_t)(since - oldest + 1);
}
