// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* user/cli/events.c - routing-change events between two loads, and the
 * ring the daemon keeps them in.  See cli/events.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int add(struct transit_event **out, size_t *n, const struct transit_event *e)
{
	struct transit_event *v = realloc(*out, (*n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	v[(*n)++] = *e;
	*out = v;
	return 0;
}

/* The event of one pair as prev (NULL: never seen) and cur (NULL: not in
 * this load) show it, into e; 0 when the pair did not change. */
static int change_of(const struct rib_transit *p, const struct rib_transit *c, uint32_t now,
		     struct transit_event *e)
{
	bool was = p && p->paths, is = c && c->paths;

	if (was == is)
		return 0;
	*e = (struct transit_event){ .origin = c ? c->origin : p->origin,
				     .transit = c ? c->transit : p->transit };
	if (is) {
		e->change = EVENT_GAINED;
		e->prefixes = c->prefixes;
		/* first_seen stays the pair's first time ever: a pair that
		 * comes back is dated by this load, unless a fresh RIB saw it
		 * after it went */
		e->time = c->first_seen && (!p || c->first_seen > p->gone_since) ? c->first_seen
										 : now;
	} else {
		e->change = EVENT_LOST;
		e->time = c && c->gone_since ? c->gone_since : now;
	}
	return 1;
}

/* By time, then origin, transit and change. */
static int event_cmp(const void *a, const void *b)
{
	const struct transit_event *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	if (x->transit != y->transit)
		return x->transit < y->transit ? -1 : 1;
	return (int)x->change - (int)y->change;
}

int events_diff(const struct rib_transit *prev, size_t np, const struct rib_transit *cur, size_t nc,
		uint32_t now, struct transit_event **out, size_t *n)
{
	size_t i = 0, j = 0, first = *n;

	while (i < np || j < nc) {
		int c = i == np ? 1 : j == nc ? -1 : pair_cmp(&prev[i], &cur[j]);
		const struct rib_transit *p = c <= 0 ? &prev[i++] : NULL;
		const struct rib_transit *q = c >= 0 ? &cur[j++] : NULL;
		struct transit_event e;

		if (change_of(p, q, now, &e) && add(out, n, &e))
			return -ENOMEM;
	}
	if (*n > first)
		qsort(*out + first, *n - first, sizeof(**out), event_cmp);
	return 0;
}

const char *event_change_name(enum event_change c)
{
	return c == EVENT_GAINED ? "gained" : "lost";
}

json_t *event_json(const struct transit_event *e)
{
	return json_pack("{s:s, s:I, s:I, s:o, s:I}", "change", event_change_name(e->change),
			 "origin_as", (json_int_t)e->origin, "transit_as", (json_int_t)e->transit,
			 "time", json_out_time(e->time), "prefixes", (json_int_t)e->prefixes);
}

/* The time as JSON writes it (json_out_time), into buf. */
static const char *utc(uint32_t t, char *buf, size_t len)
{
	json_t *j = json_out_time(t);

	snprintf(buf, len, "%s", json_string_value(j) ? json_string_value(j) : "-");
	json_decref(j);
	return buf;
}

void event_print(FILE *f, const struct transit_event *e)
{
	char t[32];

	fprintf(f, "%s\t%s\t%u\t%u\t%u\n", utc(e->time, t, sizeof(t)), event_change_name(e->change),
		e->origin, e->transit, e->prefixes);
}

void event_log(const struct transit_event *e)
{
	char t[32];

	log_info("routing change: origin AS%u %s transit AS%u at %s (%u prefixes)", e->origin,
		 event_change_name(e->change), e->transit, utc(e->time, t, sizeof(t)), e->prefixes);
}

int event_ring_init(struct event_ring *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->v = calloc(cap, sizeof(*r->v));
	if (!r->v)
		return -ENOMEM;
	r->cap = cap;
	return 0;
}

void event_ring_free(struct event_ring *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void event_ring_push(struct event_ring *r, const struct transit_event *e)
{
	r->total[e->change]++;
	if (!r->cap)
		return;
	r->v[(r->head + r->n) % r->cap] = *e;
	if (r->n < r->cap)
		r->n++;
	else
		r->head = (r->head + 1) % r->cap;
}

const struct transit_event *event_ring_at(const struct event_ring *r, size_t i)
{
	return &r->v[(r->head + i) % r->cap];
}
