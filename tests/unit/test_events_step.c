// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_events_step.c - the routing-change events of a tally's
 * step (rib_tally_step() + events_of_step()) against the whole comparison
 * they replace in the live daemon (event_load_collect() + events_diff()):
 * random announces, withdrawals and peers lost, step by step, with and
 * without attached upstreams; each step's events must be the same, field by
 * field, prefixes included.  And the log that gives up on a burst. */
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
#define NPFX 64	       /* prefixes the random RIB uses: > EVENT_PREFIXES_MAX per pair */
#define NSTEPS 400     /* steps per run */

/* The sessions: two eBGP upstreams (their paths start at them, the peer
 * is their AS), the router's iBGP feed (the peer is the router, paths start
 * at the upstream) and a third eBGP neighbour no column matches. */
static const struct rib_peer peers[] = {
	{ .asn = 4837, .family = 4, .ip = { 198, 51, 100, 1 } },  /* cu */
	{ .asn = 20485, .family = 4, .ip = { 198, 51, 100, 5 } }, /* ttk */
	{ .asn = 64500, .family = 4, .ip = { 203, 0, 113, 1 } },  /* the router, iBGP */
	{ .asn = 174, .family = 6, .ip = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
};

/* The AS paths announced: transits 4837, 20485, 3356, prepending, an
 * AS_SET at the end, an empty path (the router's own network). */
static const struct {
	uint32_t as[4];
	size_t n;
	bool set;
} paths[] = {
	{ { 4837, 131279 }, 2, false },
	{ { 20485, 131279 }, 2, false },
	{ { 4837, 4837, 131279 }, 3, false },
	{ { 20485, 3356, 131279 }, 3, false },
	{ { 4837, 3356, 64496 }, 3, false },
	{ { 20485, 64496, 64496 }, 3, false },
	{ { 174, 3356, 64496 }, 3, false },
	{ { 4837, 64497, 64498 }, 3, true },
	{ { 0 }, 0, false },
	{ { 174, 20485, 131279 }, 3, false },
	{ { 20485, 131279, 64499 }, 3, false },
	{ { 4837, 174, 64499 }, 3, false },
};

#define NPATHS (sizeof(paths) / sizeof(paths[0]))
#define NPEERS (sizeof(peers) / sizeof(peers[0]))

/* Prefix i: 175.45.176+i.0/24, every fourth one an IPv6 2001:db8:i::/48. */
static struct rt_entry pfx_of(unsigned int i)
{
	if (i % 4 == 3)
		return (struct rt_entry){ .family = 6,
					  .plen = 48,
					  .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, (uint8_t)i } };
	return (struct rt_entry){ .family = 4,
				  .plen = 24,
				  .addr = { 175, 45, (uint8_t)(176 + i) } };
}

/* A random path: one of paths[] mostly, else first AS, one of four
 * transits and one of sixteen origins (new pairs now and then). */
static const uint32_t *random_path(uint32_t *buf, size_t *n, bool *set)
{
	static const uint32_t transits[] = { 4837, 20485, 3356, 174 };
	unsigned int pa = (unsigned int)rand() % NPATHS;

	if (rand() % 10 < 7) {
		*n = paths[pa].n;
		*set = paths[pa].set;
		return paths[pa].as;
	}
	buf[0] = rand() % 2 ? 4837 : 20485;
	buf[1] = transits[rand() % 4];
	buf[2] = 64496 + (uint32_t)(rand() % 16);
	*n = 3;
	*set = false;
	return buf;
}

/* One random change to rib at time when: mostly announces and withdrawals
 * of one route, now and then one path for a run of prefixes (more than
 * EVENT_PREFIXES_MAX: a pair's list is cut) or a peer lost (every path of
 * it at once). */
static void random_change(struct rib *rib, uint32_t when)
{
	unsigned int op = (unsigned int)rand() % 100, pe = (unsigned int)rand() % NPEERS;
	unsigned int id = (unsigned int)rand() % 2, at = (unsigned int)rand() % NPFX;
	unsigned int run = op < 5 ? 17 + (unsigned int)rand() % 20 : 1;
	uint32_t buf[3];
	size_t n;
	bool set;
	const uint32_t *as = random_path(buf, &n, &set);

	for (unsigned int i = 0; i < run; i++) {
		struct rt_entry p = pfx_of((at + i) % NPFX);

		if (op < 60)
			assert_int_equal(rib_announce(rib, &p, &peers[pe], id, as, n, set, when),
					 0);
		else if (op < 97)
			assert_int_equal(rib_withdraw(rib, &p, &peers[pe], id, when), 0);
		else
			rib_peer_down(rib, &peers[pe], when);
	}
}

/* The load of rib now, as the daemon's whole comparison collects it. */
static struct event_load load_now(struct rib *rib, const struct rt_upstreams *u,
				  const char (*names)[ASC_NAME_LEN])
{
	struct rtable none = { 0 };
	struct rib_transit *all = NULL;
	struct event_load l;
	size_t n_all = 0;

	assert_int_equal(rib_transits(rib, &all, &n_all), 0);
	assert_int_equal(event_load_collect(rib, &none, u, names, all, n_all, &l), 0);
	free(all);
	return l;
}

static void assert_same_event(const struct transit_event *a, const struct transit_event *b)
{
	assert_int_equal(a->time, b->time);
	assert_string_equal(a->upstream, b->upstream);
	assert_int_equal(a->change, b->change);
	assert_int_equal(a->origin, b->origin);
	assert_int_equal(a->transit, b->transit);
	assert_int_equal(a->prefix_count, b->prefix_count);
	assert_int_equal(a->n_pfx, b->n_pfx);
	for (uint32_t i = 0; i < a->n_pfx; i++) {
		assert_int_equal(a->pfx[i].family, b->pfx[i].family);
		assert_int_equal(a->pfx[i].plen, b->pfx[i].plen);
		assert_memory_equal(a->pfx[i].addr, b->pfx[i].addr, sizeof(a->pfx[i].addr));
	}
}

/* Replaces *prev by the load the tally gives for it (before its step),
 * after checking that they hold the same pairs, counts and prefixes per
 * group (the pairs' times are the RIB's now: a comparison reads the
 * previous load's latest only). */
static void prev_of_tally(struct rib *rib, const struct rib_tally *t, const struct rt_upstreams *u,
			  const char (*names)[ASC_NAME_LEN], uint32_t latest,
			  struct event_load *prev)
{
	struct event_load l;

	assert_int_equal(event_load_of_tally(rib, t, u, names, latest, &l), 0);
	assert_int_equal(l.n, prev->n);
	assert_int_equal(l.latest, prev->latest);
	for (size_t i = 0; i < l.n; i++) {
		const struct event_pairs *a = &l.g[i], *b = &prev->g[i];

		assert_string_equal(a->upstream, b->upstream);
		assert_int_equal(a->n, b->n);
		for (size_t k = 0; k < a->n; k++) { /* times: the RIB's now, unused */
			assert_int_equal(a->v[k].origin, b->v[k].origin);
			assert_int_equal(a->v[k].transit, b->v[k].transit);
			assert_int_equal(a->v[k].prefixes, b->v[k].prefixes);
			assert_int_equal(a->v[k].paths, b->v[k].paths);
		}
		assert_memory_equal(a->first, b->first, (a->n + 1) * sizeof(*a->first));
		assert_memory_equal(a->pfx, b->pfx, a->first[a->n] * sizeof(*a->pfx));
	}
	event_load_free(prev);
	*prev = l;
}

/* The watched origins' pairs from the tally after a step: as rib_transits()
 * gives them, times included. */
static void assert_same_transits(struct rib *rib, const struct rib_tally *t)
{
	static const uint32_t watch[] = { 131279, 64496, 64511 };
	struct rib_transit *all = NULL, *v = NULL;
	size_t n_all = 0, n = 0, k = 0;

	assert_int_equal(rib_transits(rib, &all, &n_all), 0);
	assert_int_equal(rib_tally_transits(rib, t, watch, 3, &v, &n), 0);
	for (size_t i = 0; i < n_all; i++) {
		if (all[i].origin != watch[0] && all[i].origin != watch[1] &&
		    all[i].origin != watch[2])
			continue;
		assert_true(k < n);
		assert_memory_equal(&v[k++], &all[i], sizeof(all[i]));
	}
	assert_int_equal(k, n);
	free(all);
	free(v);
}

/* Runs NSTEPS steps of up to 12 random changes each (time moving on 0-2 s a
 * change, now 0-3 s after the last), comparing the two ways; returns the
 * events seen, so that a run that sees none fails its caller. */
static size_t compare_run(unsigned int seed, const struct rt_upstreams *u,
			  const char (*names)[ASC_NAME_LEN])
{
	struct rib *rib = rib_new();
	struct rib_tally *tally = NULL;
	struct event_load prev;
	uint32_t when = T0, latest;
	size_t seen = 0;

	srand(seed);
	assert_non_null(rib);
	for (int i = 0; i < 60; i++) /* the first load's routes */
		random_change(rib, when);
	prev = load_now(rib, u, names);
	assert_int_equal(rib_tally_new(rib, u, &tally), 0);
	latest = rib_latest(rib);
	for (int s = 0; s < NSTEPS; s++) {
		struct transit_event *full = NULL, *inc = NULL;
		size_t nfull = 0, ninc = 0, nch = 0;
		struct rib_pair_change *ch = NULL;
		struct rt_entry *pfx = NULL;
		struct event_load cur;
		uint32_t now;

		for (int i = rand() % 13; i > 0; i--) {
			when += (uint32_t)rand() % 3;
			random_change(rib, when);
		}
		now = when + (uint32_t)rand() % 4;
		if (s % 16 == 0) /* the previous load as the tally has it */
			prev_of_tally(rib, tally, u, names, latest, &prev);
		cur = load_now(rib, u, names);
		assert_int_equal(events_diff(&prev, &cur, now, &full, &nfull), 0);
		assert_int_equal(rib_tally_step(rib, tally, EVENT_PREFIXES_MAX, &ch, &nch, &pfx),
				 0);
		assert_int_equal(events_of_step(ch, nch, pfx, u, names, latest, now, &inc, &ninc),
				 0);
		latest = rib_latest(rib);
		assert_same_transits(rib, tally);
		assert_int_equal(ninc, nfull);
		for (size_t i = 0; i < nfull; i++)
			assert_same_event(&inc[i], &full[i]);
		seen += nfull;
		free(full);
		free(inc);
		free(ch);
		free(pfx);
		event_load_free(&prev);
		prev = cur;
	}
	event_load_free(&prev);
	rib_tally_free(tally);
	rib_free(rib);
	return seen;
}

/* Attached upstreams cu (any session of AS 4837) and ttk (the session
 * 198.51.100.5 only): their groups. */
static void test_events_step_per_upstream(void **state)
{
	static const char names[RT_COLUMNS][ASC_NAME_LEN] = { "cu", [2] = "ttk" };
	struct rt_upstreams u = { 0 };

	(void)state;
	u.col[0].asn = 4837;
	u.col[2] =
		(struct rt_upstream){ .asn = 20485, .nbr_family = 4, .nbr = { 198, 51, 100, 5 } };
	for (unsigned int seed = 1; seed <= 8; seed++)
		assert_true(compare_run(seed, &u, names) > 0);
}

/* No upstream attached: the group "-" of every path. */
static void test_events_step_every_path(void **state)
{
	static const char names[RT_COLUMNS][ASC_NAME_LEN] = { { 0 } };
	struct rt_upstreams u = { 0 };

	(void)state;
	for (unsigned int seed = 11; seed <= 18; seed++)
		assert_true(compare_run(seed, &u, names) > 0);
}

/* n changes: n /32s from 198.18.0.0 on announced by peer 1 with path
 * (2 ASes), once each. */
static void announce_32s(struct rib *rib, uint32_t n, const uint32_t path[2])
{
	for (uint32_t i = 0; i < n; i++) {
		struct rt_entry p = { .family = 4,
				      .plen = 32,
				      .addr = { 198, (uint8_t)(18 + (i >> 16)), (uint8_t)(i >> 8),
						(uint8_t)i } };

		assert_int_equal(rib_announce(rib, &p, &peers[1], 0, path, 2, false, T0), 0);
	}
}

/* A burst larger than the log (a table resent): the step says the tally is
 * behind (-ENOBUFS); a new tally steps again. */
static void test_events_step_log_gives_up(void **state)
{
	const uint32_t via_ttk[] = { 20485, 131279 }, via_3356[] = { 174, 3356, 64496 };
	const struct rt_entry p0 = { .family = 4, .plen = 32, .addr = { 198, 18, 0, 0 } };
	struct rib *rib = rib_new();
	struct rib_tally *tally = NULL;
	struct rib_pair_change *ch = NULL;
	struct rt_entry *pfx = NULL;
	size_t nch = 0;

	(void)state;
	rib_log_limit(rib, 1U << 18);
	assert_int_equal(rib_tally_new(rib, NULL, &tally), 0);
	announce_32s(rib, (1U << 18) + 1, via_ttk);
	assert_int_equal(rib_tally_step(rib, tally, EVENT_PREFIXES_MAX, &ch, &nch, &pfx), -ENOBUFS);
	rib_tally_free(tally);
	assert_int_equal(rib_tally_new(rib, NULL, &tally), 0);
	/* the new tally has every route: a path more for 131279/20485 is no
	 * event; a prefix of 64496 via 3356 is */
	assert_int_equal(rib_announce(rib, &p0, &peers[0], 0, via_ttk, 2, false, T0 + 1), 0);
	assert_int_equal(rib_announce(rib, &p0, &peers[3], 0, via_3356, 3, false, T0 + 1), 0);
	assert_int_equal(rib_tally_step(rib, tally, EVENT_PREFIXES_MAX, &ch, &nch, &pfx), 0);
	assert_int_equal(nch, 1);
	assert_true(ch[0].gained);
	assert_int_equal(ch[0].t.origin, 64496);
	assert_int_equal(ch[0].t.transit, 3356);
	assert_int_equal(ch[0].t.prefixes, 1);
	assert_int_equal(ch[0].n_pfx, 1);
	assert_memory_equal(pfx[ch[0].pfx_first].addr, p0.addr, 4);
	free(ch);
	free(pfx);
	rib_tally_free(tally);
	rib_free(rib);
}

/* A burst the size of a session reset at a few hundred thousand routes is
 * stepped, not given up on: the default log holds it. */
static void test_events_step_burst_in_the_log(void **state)
{
	enum { N = (1U << 18) + 1 };
	const uint32_t via_ttk[] = { 20485, 131279 };
	struct rib *rib = rib_new();
	struct rib_tally *tally = NULL;
	struct rib_pair_change *ch = NULL;
	struct rt_entry *pfx = NULL;
	size_t nch = 0;

	(void)state;
	assert_int_equal(rib_tally_new(rib, NULL, &tally), 0);
	announce_32s(rib, N, via_ttk);
	assert_int_equal(rib_tally_step(rib, tally, EVENT_PREFIXES_MAX, &ch, &nch, &pfx), 0);
	assert_int_equal(nch, 1);
	assert_true(ch[0].gained);
	assert_int_equal(ch[0].t.origin, 131279);
	assert_int_equal(ch[0].t.transit, 20485);
	assert_int_equal(ch[0].t.prefixes, N);
	free(ch);
	free(pfx);
	rib_tally_free(tally);
	rib_free(rib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_step_per_upstream),
		cmocka_unit_test(test_events_step_every_path),
		cmocka_unit_test(test_events_step_log_gives_up),
		cmocka_unit_test(test_events_step_burst_in_the_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
