// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_events.c - routing-change events (user/cli/events.c):
 * the groups of two loads compared, each change dated and given its upstream
 * and prefixes as events.h says, the JSON both ways, the ring the daemon
 * keeps them in, and the prefixes a RIB gives a pair (rib_pair_prefixes). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/events.h"

#define T0 1506848880U /* 2017-10-01 09:08:00 UTC */
#define NOW 1506849000U

static struct rib_transit pair(uint32_t origin, uint32_t transit, uint32_t first, uint32_t gone,
			       uint32_t paths)
{
	return (struct rib_transit){ .origin = origin,
				     .transit = transit,
				     .first_seen = first,
				     .gone_since = gone,
				     .prefixes = paths,
				     .paths = paths };
}

/* A prefix of the scenario: 175.45.176+i.0/24, or the /22 for i = 4. */
static struct rt_entry scenario_pfx(unsigned int i)
{
	return (struct rt_entry){ .family = 4,
				  .plen = i == 4 ? 22 : 24,
				  .addr = { 175, 45, (uint8_t)(176 + (i == 4 ? 0 : i)) } };
}

/* A load of one group named up holding the n pairs of v (each with its
 * `prefixes` scenario prefixes, at most EVENT_PREFIXES_MAX), `all` the same
 * pairs.  Freed with event_load_free. */
static struct event_load load_of(const char *up, const struct rib_transit *v, size_t n)
{
	struct event_load l = { .n = 1, .g = calloc(1, sizeof(struct event_pairs)) };
	struct event_pairs *g = l.g;
	struct rt_entry *pfx = calloc(n * EVENT_PREFIXES_MAX + 1, sizeof(*pfx));

	assert_non_null(g);
	assert_non_null(pfx);
	snprintf(g->upstream, sizeof(g->upstream), "%s", up);
	g->v = malloc((n + 1) * sizeof(*v));
	g->first = malloc((n + 1) * sizeof(*g->first));
	l.all = malloc((n + 1) * sizeof(*v));
	assert_non_null(g->v);
	assert_non_null(g->first);
	assert_non_null(l.all);
	memcpy(g->v, v, n * sizeof(*v));
	memcpy(l.all, v, n * sizeof(*v));
	g->n = l.n_all = n;
	g->pfx = pfx;
	g->first[0] = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t k = v[i].prefixes < 5 ? v[i].prefixes : 5;

		for (uint32_t j = 0; j < k; j++)
			pfx[g->first[i] + j] = scenario_pfx(j);
		g->first[i + 1] = g->first[i] + k;
		l.latest = v[i].first_seen > l.latest ? v[i].first_seen : l.latest;
		l.latest = v[i].gone_since > l.latest ? v[i].gone_since : l.latest;
	}
	return l;
}

/* The scenario: 131279 gains 20485 at T0; 64496 loses 3356 at T0 + 5;
 * 64497 (only in the old load, as text input has no history) is lost now;
 * a lost pair lists the prefixes that showed it. */
static void test_events_gained_and_lost(void **state)
{
	struct rib_transit prev[] = { pair(64496, 3356, 1, 0, 1), pair(64497, 174, 0, 0, 2),
				      pair(131279, 4837, 1, 0, 5) };
	struct rib_transit cur[] = { pair(64496, 3356, 1, T0 + 5, 0), pair(131279, 4837, 1, 0, 5),
				     pair(131279, 20485, T0, 0, 5) };
	struct event_load lp = load_of("-", prev, 3), lc = load_of("-", cur, 3);
	struct transit_event *ev = NULL;
	size_t n = 0;
	char buf[64];

	(void)state;
	assert_int_equal(events_diff(&lp, &lc, NOW, &ev, &n), 0);
	assert_int_equal(n, 3); /* sorted by time */
	assert_int_equal(ev[0].change, EVENT_GAINED);
	assert_int_equal(ev[0].origin, 131279);
	assert_int_equal(ev[0].transit, 20485);
	assert_int_equal(ev[0].time, T0);
	assert_string_equal(ev[0].upstream, "-");
	assert_int_equal(ev[0].prefix_count, 5);
	assert_int_equal(ev[0].n_pfx, 5);
	assert_string_equal(prefix_fmt(&ev[0].pfx[4], buf, sizeof(buf)), "175.45.176.0/22");
	assert_int_equal(ev[1].change, EVENT_LOST);
	assert_int_equal(ev[1].origin, 64496);
	assert_int_equal(ev[1].time, T0 + 5);
	assert_int_equal(ev[1].prefix_count, 1); /* the prefixes that showed it */
	assert_int_equal(ev[1].n_pfx, 1);
	assert_int_equal(ev[2].change, EVENT_LOST);
	assert_int_equal(ev[2].origin, 64497);
	assert_int_equal(ev[2].time, NOW);
	free(ev);
	event_load_free(&lp);
	event_load_free(&lc);
}

/* A pair that comes back keeps its first_seen: it is dated by the load. */
static void test_events_regained_is_dated_now(void **state)
{
	struct rib_transit prev[] = { pair(131279, 20485, T0, T0 + 60, 0) };
	struct rib_transit cur[] = { pair(131279, 20485, T0, 0, 1) };
	struct event_load lp = load_of("-", prev, 1), lc = load_of("-", cur, 1);
	struct transit_event *ev = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(events_diff(&lp, &lc, NOW, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].change, EVENT_GAINED);
	assert_int_equal(ev[0].time, NOW);
	free(ev);
	/* unchanged pairs give nothing */
	ev = NULL, n = 0;
	assert_int_equal(events_diff(&lc, &lc, NOW, &ev, &n), 0);
	assert_int_equal(n, 0);
	free(ev);
	event_load_free(&lp);
	event_load_free(&lc);
}

/* Per upstream: ttk's paths gain 20485, which cu's paths showed since
 * 08:00 (first_seen is the pair's, over every path): dated by the load,
 * not 08:00; groups are matched by name, and a group new in this load
 * (a link just attached) is its own baseline. */
static void test_events_per_upstream(void **state)
{
	struct rib_transit before[] = { pair(131279, 4837, T0 - 4080, 0, 5) };
	struct rib_transit after[] = { pair(131279, 4837, T0 - 4080, 0, 5),
				       pair(131279, 20485, T0 - 4080, 0, 1) };
	struct event_load lp = load_of("ttk", before, 1), lc = load_of("ttk", after, 2);
	struct event_load other = load_of("cu", after, 2);
	struct transit_event *ev = NULL;
	size_t n = 0;

	(void)state;
	lp.latest = T0 - 60; /* the previous load saw a change at 09:07 */
	assert_int_equal(events_diff(&lp, &lc, NOW, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].upstream, "ttk");
	assert_int_equal(ev[0].change, EVENT_GAINED);
	assert_int_equal(ev[0].transit, 20485);
	assert_int_equal(ev[0].time, NOW);
	assert_int_equal(ev[0].prefix_count, 1);
	free(ev);
	ev = NULL, n = 0;
	assert_int_equal(events_diff(&lp, &other, NOW, &ev, &n), 0);
	assert_int_equal(n, 0);
	free(ev);
	event_load_free(&lp);
	event_load_free(&lc);
	event_load_free(&other);
}

/* event_json and event_from_json agree, prefixes and seq included. */
static void test_events_json_round_trip(void **state)
{
	struct rt_entry pfx[2] = { scenario_pfx(4), scenario_pfx(1) }, back[EVENT_PREFIXES_MAX];
	struct transit_event e = { .seq = 7,
				   .time = T0,
				   .origin = 131279,
				   .transit = 20485,
				   .prefix_count = 40,
				   .change = EVENT_GAINED,
				   .upstream = "ttk",
				   .n_pfx = 2,
				   .pfx = pfx },
			     r;
	json_t *o = event_json(&e);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	(void)state;
	assert_string_equal(s, "{\"change\":\"gained\",\"origin_as\":131279,\"transit_as\":20485,"
			       "\"upstream\":\"ttk\",\"time\":\"2017-10-01T09:08:00Z\","
			       "\"prefix_count\":40,\"prefixes\":[\"175.45.176.0/22\","
			       "\"175.45.177.0/24\"],\"seq\":7}");
	assert_int_equal(event_from_json(o, &r, back), 0);
	assert_int_equal(r.seq, 7);
	assert_int_equal(r.time, T0);
	assert_int_equal(r.prefix_count, 40);
	assert_string_equal(r.upstream, "ttk");
	assert_int_equal(r.n_pfx, 2);
	assert_memory_equal(r.pfx[1].addr, pfx[1].addr, 16);
	assert_int_equal(r.pfx[1].plen, 24);
	json_decref(o);
	free(s);
	/* a prefix that is not one is refused */
	o = json_pack("{s:s, s:i, s:i, s:s, s:s, s:i, s:[s]}", "change", "lost", "origin_as", 1,
		      "transit_as", 2, "upstream", "cu", "time", "2017-10-01T09:08:00Z",
		      "prefix_count", 1, "prefixes", "175.45.176.0/33");
	assert_int_equal(event_from_json(o, &r, back), -EINVAL);
	json_decref(o);
}

static void test_events_ring_keeps_the_latest(void **state)
{
	struct rt_entry p = scenario_pfx(4);
	struct event_ring r;

	(void)state;
	assert_int_equal(event_ring_init(&r, 3), 0);
	assert_int_equal(event_ring_after(&r, 0), 0); /* empty: nothing after */
	for (uint32_t i = 1; i <= 5; i++) {
		struct transit_event e = { .time = i,
					   .change = i % 2 ? EVENT_GAINED : EVENT_LOST,
					   .upstream = "cu",
					   .n_pfx = 1,
					   .pfx = &p };

		if (i == 5)
			snprintf(e.upstream, sizeof(e.upstream), "ttk");
		event_ring_push(&r, &e);
	}
	p.plen = 0; /* the ring has its own copy */
	assert_int_equal(r.n, 3);
	assert_int_equal(event_ring_at(&r, 0)->time, 3);
	assert_int_equal(event_ring_at(&r, 0)->seq, 3);
	assert_int_equal(event_ring_at(&r, 2)->seq, 5);
	assert_int_equal(event_ring_at(&r, 2)->pfx[0].plen, 22);
	assert_int_equal(r.total[EVENT_GAINED], 3);
	assert_int_equal(r.total[EVENT_LOST], 2);
	assert_int_equal(r.n_counts, 2);
	assert_string_equal(r.counts[0].upstream, "cu");
	assert_int_equal(r.counts[0].n[EVENT_GAINED], 2);
	assert_int_equal(r.counts[0].n[EVENT_LOST], 2);
	assert_int_equal(r.counts[1].n[EVENT_GAINED], 1);
	/* ?since=: after 3 -> events 4, 5 (index 1); before the oldest -> all;
	 * the newest -> none; past it (a restarted daemon) -> all */
	assert_int_equal(event_ring_after(&r, 3), 1);
	assert_int_equal(event_ring_after(&r, 1), 0);
	assert_int_equal(event_ring_after(&r, 5), 3);
	assert_int_equal(event_ring_after(&r, 9), 0);
	event_ring_free(&r);
}

/* The prefixes a RIB gives a pair: of the upstream's own paths, at most
 * max of them, each prefix once however many paths show it. */
static void test_events_rib_pair_prefixes(void **state)
{
	static const struct rib_peer ttk = { .asn = 20485, .family = 4, .ip = { 198, 51, 100, 5 } };
	static const struct rib_peer cu = { .asn = 4837, .family = 4, .ip = { 198, 51, 100, 1 } };
	const uint32_t via_ttk[] = { 20485, 131279 }, via_cu[] = { 4837, 131279 };
	struct rt_upstream up = { .asn = 20485 };
	struct rib *rib = rib_new();
	struct rib_transit *v = NULL;
	struct rt_entry *pfx = NULL;
	uint32_t *first = NULL;
	size_t n = 0;
	char buf[64];

	(void)state;
	assert_non_null(rib);
	for (unsigned int i = 0; i < 20; i++) { /* 10.0.i.0/24: ttk twice (ADD-PATH), cu */
		struct rt_entry e = { .family = 4, .plen = 24, .addr = { 10, 0, (uint8_t)i } };

		assert_int_equal(rib_announce(rib, &e, &ttk, 1, via_ttk, 2, false, T0), 0);
		assert_int_equal(rib_announce(rib, &e, &ttk, 2, via_ttk, 2, false, T0), 0);
		assert_int_equal(rib_announce(rib, &e, &cu, 0, via_cu, 2, false, T0), 0);
	}
	assert_int_equal(rib_transits_upstream(rib, &up, &v, &n), 0);
	assert_int_equal(n, 1); /* ttk's paths show only 131279/20485 */
	assert_int_equal(v[0].prefixes, 20);
	assert_int_equal(rib_pair_prefixes(rib, &up, v, n, 16, &pfx, &first), 0);
	assert_int_equal(first[0], 0);
	assert_int_equal(first[1], 16);
	assert_string_equal(prefix_fmt(&pfx[0], buf, sizeof(buf)), "10.0.0.0/24");
	assert_string_equal(prefix_fmt(&pfx[1], buf, sizeof(buf)), "10.0.1.0/24");
	assert_string_equal(prefix_fmt(&pfx[15], buf, sizeof(buf)), "10.0.15.0/24");
	free(pfx);
	free(first);
	free(v);
	rib_free(rib);
}

/* A feed that restarted has an empty RIB for a while: its upstreams lost
 * what they had (not a switch to the group of every path, which would make
 * the next load a new baseline). */
static void test_events_empty_load_is_per_link(void **state)
{
	static const struct rib_peer rtr = { .asn = 64500, .family = 4, .ip = { 203, 0, 113, 1 } };
	static const char names[RT_COLUMNS][ASC_NAME_LEN] = { "ttk" };
	const uint32_t via_ttk[] = { 20485, 131279 };
	struct rt_entry e = scenario_pfx(4);
	struct rt_upstreams u = { .col = { { .asn = 20485 } } };
	struct rib *full = rib_new(), *empty = rib_new();
	struct rtable t = { 0 };
	struct rib_transit *all = NULL;
	struct event_load a, b;
	struct transit_event *ev = NULL;
	size_t n_all = 0, n = 0;

	(void)state;
	assert_int_equal(rib_announce(full, &e, &rtr, 1, via_ttk, 2, false, T0), 0);
	assert_int_equal(rib_transits(full, &all, &n_all), 0);
	assert_int_equal(event_load_collect(full, &t, &u, names, all, n_all, &a), 0);
	free(all);
	assert_int_equal(event_load_collect(empty, &t, &u, names, NULL, 0, &b), 0);
	assert_int_equal(b.n, 1);
	assert_string_equal(b.g[0].upstream, "ttk");
	assert_int_equal(events_diff(&a, &b, NOW, &ev, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].change, EVENT_LOST);
	assert_int_equal(ev[0].transit, 20485);
	assert_string_equal(ev[0].upstream, "ttk");
	free(ev);
	event_load_free(&a);
	event_load_free(&b);
	rib_free(full);
	rib_free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_gained_and_lost),
		cmocka_unit_test(test_events_regained_is_dated_now),
		cmocka_unit_test(test_events_per_upstream),
		cmocka_unit_test(test_events_json_round_trip),
		cmocka_unit_test(test_events_ring_keeps_the_latest),
		cmocka_unit_test(test_events_rib_pair_prefixes),
		cmocka_unit_test(test_events_empty_load_is_per_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
