// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_rib_dirty.c - what the live feed's single-prefix updates
 * take from the RIB: the dirty set (every prefix whose paths changed since
 * the last take, once, with the time of its first change) and the
 * resolution of one prefix, which must equal rib_to_rtable()'s row. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ribgen.h"

#define T0908 1506848880U /* 2017-10-01 09:08 UTC */

/* The resolution of pool prefix n (found: 0, or -ENOENT), as a whole table
 * gives it: route, and per column what rt_link_of() says. */
struct answer {
	int err;
	struct rt_route route;
	struct rt_link col[RT_COLUMNS];
};

static struct answer from_prefix(const struct rib *r, const struct rt_upstreams *u, unsigned int n)
{
	struct rt_entry p = ribgen_prefix(n), e;
	struct rt_links l[2];
	struct rtable one = { .v = &e, .n = 1, .links = l, .nlinks = 2 };
	struct answer a;

	memset(&a, 0, sizeof(a));
	a.err = rib_resolve_prefix(r, u, &p, &e, &l[1]);
	if (a.err)
		return a;
	assert_int_equal(prefix_cmp(&e, &p), 0);
	a.route = e.route;
	for (unsigned int c = 0; c < RT_COLUMNS; c++)
		a.col[c] = rt_link_of(&one, &e, c);
	return a;
}

static struct answer from_table(const struct rtable *t, unsigned int n)
{
	struct rt_entry p = ribgen_prefix(n);
	struct answer a = { .err = -ENOENT };

	for (size_t i = 0; i < t->n; i++) {
		if (prefix_cmp(&t->v[i], &p))
			continue;
		a.err = 0;
		a.route = t->v[i].route;
		for (unsigned int c = 0; c < RT_COLUMNS; c++)
			a.col[c] = rt_link_of(t, &t->v[i], c);
	}
	return a;
}

static void assert_same(const struct answer *a, const struct answer *b, unsigned int n, int step)
{
	if (!memcmp(a, b, sizeof(*a)))
		return;
	fail_msg("step %d, prefix %u: per-prefix err %d origin %u transit %u flags %x col1 "
		 "%u/%u/%u; "
		 "table err %d origin %u transit %u flags %x col1 %u/%u/%u",
		 step, n, a->err, a->route.origin_asn, a->route.transit_asn, a->route.flags,
		 a->col[1].origin_asn, a->col[1].transit_asn, a->col[1].path, b->err,
		 b->route.origin_asn, b->route.transit_asn, b->route.flags, b->col[1].origin_asn,
		 b->col[1].transit_asn, b->col[1].path);
}

static void test_rib_dirty_records_each_change_once(void **state)
{
	struct rib *r = rib_new();
	struct rt_entry p = ribgen_prefix(3), q = ribgen_prefix(60);
	const uint32_t path[] = { 64496, 4837, 131279 };
	struct rib_dirty *d;
	size_t n;

	(void)state;
	/* untracked: nothing recorded */
	assert_int_equal(rib_announce(r, &p, &ribgen_peers[0], 0, path, 3, false, T0908), 0);
	assert_int_equal(rib_dirty_count(r), 0);
	rib_track(r, true);
	/* the same path again changes nothing */
	assert_int_equal(rib_announce(r, &p, &ribgen_peers[0], 0, path, 3, false, T0908), 0);
	assert_int_equal(rib_dirty_count(r), 0);
	/* two paths for q, one for a new path id of p: two prefixes, once each */
	assert_int_equal(rib_announce(r, &q, &ribgen_peers[0], 0, path, 3, false, T0908), 0);
	assert_int_equal(rib_announce(r, &q, &ribgen_peers[1], 0, path, 3, false, T0908), 0);
	assert_int_equal(rib_announce(r, &p, &ribgen_peers[0], 1, path, 3, false, T0908), 0);
	assert_int_equal(rib_take_dirty(r, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(prefix_cmp(&d[0].p, &q), 0);
	assert_int_equal(prefix_cmp(&d[1].p, &p), 0);
	assert_true(d[0].since_ns && d[0].since_ns <= d[1].since_ns);
	free(d);
	assert_int_equal(rib_dirty_count(r), 0);
	/* a withdrawal of a path the RIB does not hold changes nothing */
	assert_int_equal(rib_withdraw(r, &q, &ribgen_peers[2], 0, T0908), 0);
	assert_int_equal(rib_dirty_count(r), 0);
	/* a peer down marks every prefix it had paths for */
	rib_peer_down(r, &ribgen_peers[0], T0908);
	assert_int_equal(rib_take_dirty(r, &d, &n), 0);
	assert_int_equal(n, 2);
	free(d);
	rib_free(r);
}

/* rib_take_dirty_since(), the whole load's take: each prefix's time once,
 * in the order of first change (stamped 1000 + n for the n-th of 5000
 * IPv6 prefixes, the fourth changed twice: its first time stays), and the set is
 * cleared: a change after it is recorded again, alone. */
static void test_rib_dirty_since_for_a_whole_load(void **state)
{
	struct rib *r = rib_new();
	const uint32_t path[] = { 64496, 4837, 131279 };
	uint64_t *since;
	size_t n;

	(void)state;
	rib_track(r, true);
	for (unsigned int i = 0; i < 5000; i++) {
		struct rt_entry p = ribgen_prefix(56 + i);

		rib_stamp(r, 1000 + i);
		assert_int_equal(rib_announce(r, &p, &ribgen_peers[0], 0, path, 3, false, T0908),
				 0);
		if (i == 10) { /* the fourth again, a second path */
			p = ribgen_prefix(56 + 3);
			assert_int_equal(
				rib_announce(r, &p, &ribgen_peers[1], 0, path, 3, false, T0908), 0);
		}
	}
	assert_int_equal(rib_take_dirty_since(r, &since, &n), 0);
	assert_int_equal(n, 5000);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(since[i], 1000 + i);
	free(since);
	assert_int_equal(rib_dirty_count(r), 0);
	{
		struct rt_entry p = ribgen_prefix(56 + 3);
		struct rib_dirty *d;

		rib_stamp(r, 77);
		assert_int_equal(rib_withdraw(r, &p, &ribgen_peers[1], 0, T0908), 0);
		assert_int_equal(rib_take_dirty(r, &d, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(prefix_cmp(&d[0].p, &p), 0);
		assert_int_equal(d[0].since_ns, 77);
		free(d);
	}
	rib_free(r);
}

/* rib_stamp(): changes carry the time they are stamped with (their
 * arrival), not the clock at the change; 0 gives the clock back. */
static void test_rib_dirty_stamped(void **state)
{
	struct rib *r = rib_new();
	struct rt_entry p = ribgen_prefix(3), q = ribgen_prefix(60);
	const uint32_t path[] = { 64496, 4837, 131279 };
	const uint64_t arrived = 12345; /* ns: long before this test ran */
	struct rib_dirty *d;
	size_t n;

	(void)state;
	rib_track(r, true);
	rib_stamp(r, arrived);
	assert_int_equal(rib_announce(r, &p, &ribgen_peers[0], 0, path, 3, false, T0908), 0);
	rib_stamp(r, 0);
	assert_int_equal(rib_announce(r, &q, &ribgen_peers[0], 0, path, 3, false, T0908), 0);
	assert_int_equal(rib_take_dirty(r, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].since_ns, arrived);
	assert_true(d[1].since_ns > arrived && d[1].since_ns <= rib_now_ns());
	free(d);
	rib_free(r);
}

/* After random changes, the one-prefix resolution of every prefix of the
 * pool equals the whole table's row (and -ENOENT where it has none). */
static void test_rib_resolve_prefix_equals_table(void **state)
{
	struct rt_upstreams u;
	struct rib *r = rib_new();
	uint64_t s = 42;

	(void)state;
	ribgen_upstreams(&u);
	for (int step = 1; step <= 4000; step++) {
		assert_int_equal(ribgen_step(r, &s, T0908 + (uint32_t)step), 0);
		if (step % 200)
			continue;
		struct rtable t = { 0 };

		assert_int_equal(rib_to_rtable(r, &u, &t), 0);
		for (unsigned int n = 0; n < RIBGEN_PREFIXES; n++) {
			struct answer a = from_prefix(r, &u, n), b = from_table(&t, n);

			assert_same(&a, &b, n, step);
		}
		rtable_free(&t);
	}
	rib_free(r);
}

/* Every prefix whose resolution changed between two takes is in the
 * second take's set: applying the set alone keeps a copy of the table
 * equal to the RIB. */
static void test_rib_dirty_covers_every_change(void **state)
{
	struct answer before[RIBGEN_PREFIXES];
	struct rt_upstreams u;
	struct rib *r = rib_new();
	uint64_t s = 7;
	size_t changed = 0;

	(void)state;
	ribgen_upstreams(&u);
	rib_track(r, true);
	for (int round = 0; round < 200; round++) {
		struct rib_dirty *d;
		bool in[RIBGEN_PREFIXES] = { false };
		size_t n;

		for (unsigned int k = 0; k < RIBGEN_PREFIXES; k++)
			before[k] = from_prefix(r, &u, k);
		for (int i = (int)rng_below(&s, 12); i >= 0; i--)
			assert_int_equal(ribgen_step(r, &s, T0908), 0);
		assert_int_equal(rib_take_dirty(r, &d, &n), 0);
		for (size_t i = 0; i < n; i++)
			for (unsigned int k = 0; k < RIBGEN_PREFIXES; k++) {
				struct rt_entry p = ribgen_prefix(k);

				in[k] |= !prefix_cmp(&d[i].p, &p);
			}
		free(d);
		for (unsigned int k = 0; k < RIBGEN_PREFIXES; k++) {
			struct answer now = from_prefix(r, &u, k);

			if (memcmp(&now, &before[k], sizeof(now)) && !in[k])
				fail_msg("round %d: prefix %u changed but is not in the dirty set",
					 round, k);
			changed += !!memcmp(&now, &before[k], sizeof(now));
		}
	}
	assert_true(changed > 100); /* the run did change prefixes */
	rib_free(r);
}

/* A dirty set of a whole table (more than the RIB keeps allocated between
 * takes), taken; the changes after it are recorded as before. */
static void test_rib_dirty_after_a_large_take(void **state)
{
	enum { N = 20000 };
	struct rib_peer peer = { .asn = 4837, .family = 4, .ip = { 198, 51, 100, 1 } };
	const uint32_t path[] = { 4837, 131279 };
	struct rib *r = rib_new();
	struct rib_dirty *d;
	size_t n;

	rib_track(r, true);
	for (int round = 0; round < 3; round++) {
		for (uint32_t i = 0; i < N; i++) { /* 10.0.0.0/24 .. : N prefixes */
			struct rt_entry p = { .family = 4, .plen = 24 };

			p.addr[0] = 10;
			p.addr[1] = (uint8_t)(i >> 8);
			p.addr[2] = (uint8_t)i;
			assert_int_equal(
				rib_announce(r, &p, &peer, (uint32_t)round, path, 2, false, T0908),
				0);
		}
		assert_int_equal(rib_dirty_count(r), N);
		assert_int_equal(rib_take_dirty(r, &d, &n), 0);
		assert_int_equal(n, N);
		assert_int_equal(d[N - 1].p.addr[2], (uint8_t)(N - 1));
		free(d);
		assert_int_equal(rib_dirty_count(r), 0);
	}
	rib_withdraw(r, &(struct rt_entry){ .family = 4, .plen = 24, .addr = { 10, 0, 7 } }, &peer,
		     0, T0908);
	assert_int_equal(rib_take_dirty(r, &d, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].p.addr[2], 7);
	free(d);
	rib_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rib_dirty_records_each_change_once),
		cmocka_unit_test(test_rib_dirty_stamped),
		cmocka_unit_test(test_rib_dirty_since_for_a_whole_load),
		cmocka_unit_test(test_rib_resolve_prefix_equals_table),
		cmocka_unit_test(test_rib_dirty_covers_every_change),
		cmocka_unit_test(test_rib_dirty_after_a_large_take),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
