// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_fib.c - the fast tables' builder and single-prefix
 * updates, in anonymous memory of the maps' layout, against the reference
 * LPM (rt_lpm).  The kernel side (bpf/lib/fib.h) is checked against the
 * same reference and the kernel LPM trie in tests/prog/test_fib.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dataplane/fib.h"
#include "routes/rtable.h"
#include "rt_lpm.h"
#include "rtgen.h"

/* Every address: the fib's generation gen and the reference give the same
 * answer. */
static void check_gen(struct fib *f, unsigned int gen, const struct rtable *t, size_t naddr,
		      uint64_t seed)
{
	struct rt_lpm *ref = rt_lpm_build(t);
	size_t n4 = rtable_count(t, 4);

	assert_non_null(ref);
	for (size_t i = 0; i < naddr; i++) {
		int fam = i & 1 ? 6 : 4;
		const struct rt_entry *v = fam == 4 ? t->v : t->v + n4;
		size_t n = fam == 4 ? n4 : t->n - n4;
		const struct rt_entry *want;
		struct rt_route got;
		uint8_t addr[16];
		int err;

		rtgen_addr(&seed, v, n, fam, addr);
		want = rt_lpm_lookup(ref, fam, addr);
		err = rtgen_fib_lookup(f, gen, fam, addr, &got);
		if (!want) {
			if (err != -ENOENT) {
				char buf[64];
				struct rt_entry a = { .family = (uint8_t)fam,
						      .plen = fam == 4 ? 32 : 128 };

				memcpy(a.addr, addr, 16);
				fail_msg("%s: want no route, got err %d origin %u",
					 prefix_fmt(&a, buf, sizeof(buf)), err, got.origin_asn);
			}
			continue;
		}
		if (err || memcmp(&got, &want->route, sizeof(got))) {
			char buf[64], pb[64];
			struct rt_entry a = { .family = (uint8_t)fam, .plen = fam == 4 ? 32 : 128 };

			memcpy(a.addr, addr, 16);
			fail_msg("%s (in %s): want origin %u, got err %d origin %u",
				 prefix_fmt(&a, buf, sizeof(buf)), prefix_fmt(want, pb, sizeof(pb)),
				 want->route.origin_asn, err, err ? 0 : got.origin_asn);
		}
	}
	rt_lpm_free(ref);
}

static void check_equal(struct fib *f, const struct rtable *t, size_t naddr, uint64_t seed)
{
	check_gen(f, 0, t, naddr, seed);
}

static void add(struct rtable *t, const char *pfx, uint32_t origin)
{
	struct rt_entry e;

	assert_int_equal(prefix_parse(pfx, &e, 0), 0);
	e.route = (struct rt_route){ origin, origin + 1, origin + 2, 0 };
	assert_int_equal(rtable_add(t, &e), 0);
}

static void build(struct fib *f, struct rtable *t)
{
	assert_int_not_equal(rtable_sort_dedup(t), (size_t)-1);
	assert_int_equal(rtgen_fib_build(f, t, 0), 0);
}

static void test_fib_edges(void **state)
{
	struct rtable t = { 0 };
	struct rt_route r;
	struct fib *f;
	uint8_t a[16];
	int fam;

	assert_int_equal(fib_open(NULL, true, &f), 0);
	/* empty table: nothing found */
	build(f, &t);
	addr_parse("175.45.176.1", a, &fam);
	assert_int_equal(rtgen_fib_lookup(f, 0, 4, a, &r), -ENOENT);

	add(&t, "0.0.0.0/0", 1);
	add(&t, "::/0", 2);
	add(&t, "175.45.176.0/22", 131279);
	add(&t, "175.45.178.0/24", 20485);
	add(&t, "175.45.178.7/32", 7);
	add(&t, "175.45.178.8/31", 8); /* adjacent to the /32 above */
	add(&t, "2001:db8::/32", 64510);
	add(&t, "2001:db8::1/128", 11);
	add(&t, "2001:db8::/127", 12);
	add(&t, "2001:db8:0:1::/64", 13);
	add(&t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 14);
	add(&t, "255.255.255.255/32", 15);
	build(f, &t);
	check_equal(f, &t, 20000, 1);

	{
		static const struct {
			const char *a;
			uint32_t origin;
		} want[] = {
			{ "1.2.3.4", 1 },
			{ "175.45.176.0", 131279 },
			{ "175.45.179.255", 131279 },
			{ "175.45.178.6", 20485 },
			{ "175.45.178.7", 7 },
			{ "175.45.178.8", 8 },
			{ "175.45.178.9", 8 },
			{ "175.45.178.10", 20485 },
			{ "255.255.255.255", 15 },
			{ "255.255.255.254", 1 },
			{ "2001:db8::", 12 },
			{ "2001:db8::1", 11 },
			{ "2001:db8::2", 64510 },
			{ "2001:db8:0:1::5", 13 },
			{ "3fff::", 2 },
			{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 14 },
		};

		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			assert_int_equal(addr_parse(want[i].a, a, &fam), 0);
			assert_int_equal(rtgen_fib_lookup(f, 0, fam, a, &r), 0);
			if (r.origin_asn != want[i].origin)
				fail_msg("%s: origin %u, want %u", want[i].a, r.origin_asn,
					 want[i].origin);
		}
	}
	rtable_free(&t);
	fib_close(f);
}

/* Skip nodes (a chain of single-child nodes, or a range holding one longer
 * prefix): an address that differs from a lone host route in any one bit
 * gets the covering route, at every depth a chain can start, end or merge;
 * and a lone IPv6 /48 costs one node below its direct entry, not six. */
static void test_fib_skip(void **state)
{
	static const char *const lone[] = {
		"2001:db8:1234:5678:9abc:def0:1234:5678/128",
		"10.1.2.3/32",
		"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128",
		"2001:db8::/128",
	};
	struct rtable t = { 0 };
	struct fib_usage u;
	struct rt_route r;
	struct fib *f;

	assert_int_equal(fib_open(NULL, false, &f), 0);
	add(&t, "2001:db8:aaaa::/48", 7);
	build(f, &t);
	fib_usage(f, &u);
	assert_int_equal(u.nodes, 1);
	assert_int_equal(u.leaves, 0);
	rtable_free(&t);

	for (size_t k = 0; k < sizeof(lone) / sizeof(lone[0]); k++) {
		struct rt_entry host;
		int fam;

		t = (struct rtable){ 0 };
		add(&t, strchr(lone[k], '.') ? "10.0.0.0/8" : "2001:db8::/32", 1);
		add(&t, lone[k], 2);
		build(f, &t);
		assert_int_equal(prefix_parse(lone[k], &host, 0), 0);
		fam = host.family;
		assert_int_equal(rtgen_fib_lookup(f, 0, fam, host.addr, &r), 0);
		assert_int_equal(r.origin_asn, 2);
		for (unsigned int b = fam == 4 ? 8 : 32; b < host.plen; b++) {
			uint8_t a[16];

			memcpy(a, host.addr, 16);
			a[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
			assert_int_equal(rtgen_fib_lookup(f, 0, fam, a, &r), 0);
			if (r.origin_asn != 1)
				fail_msg("%s with bit %u flipped: origin %u, want 1", lone[k], b,
					 r.origin_asn);
		}
		rtable_free(&t);
	}
	fib_close(f);
}

/* Random tables, deep nesting (uniform lengths) and the real distribution. */
static void test_fib_random_tables(void **state)
{
	struct fib *f;

	assert_int_equal(fib_open(NULL, false, &f), 0);
	for (uint64_t seed = 1; seed <= 6; seed++) {
		struct rtable t = { 0 };
		uint64_t s = seed;
		int uniform = seed % 2;

		assert_int_equal(
			rtgen_table(&t, 4, uniform ? 3000 : 40000, seed < 3 ? 3 : 200, uniform, &s),
			0);
		assert_int_equal(
			rtgen_table(&t, 6, uniform ? 3000 : 20000, seed < 3 ? 3 : 200, uniform, &s),
			0);
		build(f, &t);
		check_equal(f, &t, 100000, seed * 77);
		rtable_free(&t);
	}
	fib_close(f);
}

/* Announce, change, withdraw, re-announce, one prefix at a time, checking
 * against a reference rebuilt from the same history. */
static void test_fib_updates(void **state)
{
	struct rtable t = { 0 }, hist = { 0 };
	uint64_t s = 42;
	struct fib *f;
	struct fib_usage u0, u1;

	assert_int_equal(fib_open(NULL, true, &f), 0);
	assert_int_equal(rtgen_table(&t, 4, 20000, 50, 0, &s), 0);
	assert_int_equal(rtgen_table(&t, 6, 10000, 50, 0, &s), 0);
	assert_int_not_equal(rtable_sort_dedup(&t), (size_t)-1);
	for (size_t i = 0; i < t.n; i++)
		assert_int_equal(rtable_add(&hist, &t.v[i]), 0);
	assert_int_equal(rtgen_fib_build(f, &t, 0), 0);
	fib_usage(f, &u0);

	for (int round = 0; round < 8; round++) {
		struct rtable cur = { 0 };

		for (int k = 0; k < 1500; k++) {
			struct rt_entry e;
			unsigned int op = (unsigned int)rng_below(&s, 10);
			int fam = rng_below(&s, 2) ? 6 : 4;

			if (op < 4 && hist.n) { /* an existing prefix: withdraw or change */
				e = hist.v[rng_below(&s, hist.n)];
			} else { /* new prefix: sometimes very short or very long */
				struct rtable one = { 0 };

				assert_int_equal(rtgen_table(&one, fam, 1, 50, op == 9, &s), 0);
				e = one.v[0];
				rtable_free(&one);
			}
			if (op < 2) {
				assert_int_equal(rtgen_fib_update(f, &e, true), 0);
				e.route.flags = RTGEN_WITHDRAWN;
			} else {
				e.route = rtgen_route(&s, 50);
				assert_int_equal(rtgen_fib_update(f, &e, false), 0);
			}
			assert_int_equal(rtable_add(&hist, &e), 0);
		}
		/* the reference: the history replayed */
		assert_int_equal(rtgen_replay(&hist, &cur), 0);
		check_equal(f, &cur, 40000, (uint64_t)round + 1000);
		rtable_free(&cur);
	}
	/* Nothing leaks: what the updated tables hold is exactly what a fresh
	 * build of the same table holds. */
	fib_usage(f, &u1);
	{
		struct rtable cur = { 0 };
		struct fib *g;
		struct fib_usage u2;

		assert_int_equal(rtgen_replay(&hist, &cur), 0);
		assert_int_equal(fib_open(NULL, true, &g), 0);
		assert_int_equal(rtgen_fib_build(g, &cur, 0), 0);
		fib_usage(g, &u2);
		fib_close(g);
		if (u1.nodes != u2.nodes || u1.leaves != u2.leaves)
			fail_msg("after updates %zu nodes, %zu leaves in use; a rebuild has %zu, "
				 "%zu "
				 "(started from %zu, %zu)",
				 u1.nodes, u1.leaves, u2.nodes, u2.leaves, u0.nodes, u0.leaves);
		/* The prefix set is path-compressed: the same set gives the same
		 * trie however it was reached, with fewer than two nodes a prefix
		 * (and a root per family). */
		if (u1.prefix_nodes != u2.prefix_nodes || u2.prefix_nodes >= 2 * cur.n + 2)
			fail_msg(
				"prefix set: %zu nodes after updates, %zu after a rebuild, for %zu "
				"prefixes",
				u1.prefix_nodes, u2.prefix_nodes, cur.n);
		rtable_free(&cur);
	}

	/* withdraw everything: nothing is found any more */
	{
		struct rtable cur = { 0 };

		assert_int_equal(rtgen_replay(&hist, &cur), 0);
		for (size_t i = 0; i < cur.n; i++)
			assert_int_equal(rtgen_fib_update(f, &cur.v[i], true), 0);
		cur.n = 0;
		check_equal(f, &cur, 20000, 9);
		rtable_free(&cur);
	}
	rtable_free(&hist);
	rtable_free(&t);
	fib_close(f);
}

/* n host routes a.x.y.z, each with its own route (origin0 + i): n
 * distinct records. */
static void hosts(struct rtable *t, uint8_t a, uint32_t n, uint32_t origin0)
{
	for (uint32_t i = 0; i < n; i++) {
		struct rt_entry e = { .family = 4, .plen = 32, .route = { origin0 + i, 1, 1, 0 } };

		e.addr[0] = a;
		e.addr[1] = (uint8_t)(i >> 16);
		e.addr[2] = (uint8_t)(i >> 8);
		e.addr[3] = (uint8_t)i;
		assert_int_equal(rtable_add(t, &e), 0);
	}
	assert_int_not_equal(rtable_sort_dedup(t), (size_t)-1);
}

/* A table with more distinct routes than the pool leaves beside the
 * active generation: the build fails with ENOSPC and writes nothing the
 * active generation uses, and updates wait for the next build that
 * succeeds.  One record fewer fits. */
static void test_fib_full(void **state)
{
	/* the pool less the reserved records and small's three */
	const uint32_t room = 2 * (ASC_FIB_ROUTES - ASC_REC_FIRST) - 3;
	struct rtable small = { 0 }, big = { 0 }, fits = { 0 };
	struct rt_entry e;
	struct fib *f;

	assert_int_equal(fib_open(NULL, true, &f), 0);
	add(&small, "0.0.0.0/0", 1);
	add(&small, "175.45.176.0/22", 131279);
	add(&small, "2001:db8::/32", 64510);
	build(f, &small);
	hosts(&big, 10, room + 1, 100000);
	assert_int_equal(rtgen_fib_build(f, &big, 1), -ENOSPC);
	check_equal(f, &small, 20000, 3); /* generation 0, as built */

	assert_int_equal(prefix_parse("198.51.100.0/24", &e, 0), 0);
	e.route = (struct rt_route){ 64500, 1, 1, 0 };
	assert_int_equal(rtgen_fib_update(f, &e, false), -EINVAL);
	build(f, &small);
	assert_int_equal(rtgen_fib_update(f, &e, false), 0);
	assert_int_equal(rtable_add(&small, &e), 0);
	assert_int_not_equal(rtable_sort_dedup(&small), (size_t)-1);
	check_equal(f, &small, 20000, 4);
	hosts(&fits, 10, room - 1, 100000); /* small has a fourth route now */
	assert_int_equal(rtgen_fib_build(f, &fits, 1), 0);
	check_equal(f, &small, 20000, 5);
	check_gen(f, 1, &fits, 20000, 6);
	rtable_free(&fits);
	rtable_free(&small);
	rtable_free(&big);
	fib_close(f);
}

/* The records are one pool: a table of more than a half loads beside one
 * of half a half, into the records the active one leaves (a reset burst
 * caught between two states needs that), and leaves them alone; so does
 * the next load beside it.  Under the LPM tries (FIB_NEW_LPM,
 * FIB_ACTIVE_LPM) a generation keeps to its half. */
static void test_fib_records_pool(void **state)
{
	const uint32_t n = ASC_FIB_ROUTES;
	struct rtable t0 = { 0 }, t1 = { 0 }, t2 = { 0 }, half = { 0 };
	struct fib *f;

	assert_int_equal(fib_open(NULL, true, &f), 0);
	hosts(&t0, 10, n / 2, 100000);
	hosts(&t1, 11, n + n / 4, 500000);
	hosts(&t2, 12, n / 2, 2000000);
	assert_int_equal(rtgen_fib_build(f, &t0, 0), 0);
	assert_int_equal(rtgen_fib_build(f, &t1, 1), 0);
	check_gen(f, 0, &t0, 20000, 7);
	check_gen(f, 1, &t1, 20000, 8);
	assert_int_equal(rtgen_fib_build(f, &t2, 0), 0); /* into what t0 left */
	check_gen(f, 1, &t1, 20000, 9);
	check_gen(f, 0, &t2, 20000, 10);

	hosts(&half, 13, n - ASC_REC_FIRST + 1, 3000000);
	assert_int_equal(fib_records_begin(f, 1, FIB_NEW_LPM), 0);
	assert_int_equal(rtgen_fib_build(f, &half, 1), -ENOSPC);
	assert_int_equal(fib_records_begin(f, 1, FIB_ACTIVE_LPM), 0);
	assert_int_equal(rtgen_fib_build(f, &half, 1), -ENOSPC);
	check_gen(f, 0, &t2, 20000, 11);
	rtable_free(&t0);
	rtable_free(&t1);
	rtable_free(&t2);
	rtable_free(&half);
	fib_close(f);
}

/* /24s in 10.0.0.0/8 numbered i, with route {origin, 1, 1, 0}. */
static void add_numbered(struct rtable *t, uint32_t i, uint32_t origin)
{
	struct rt_entry e = { .family = 4, .plen = 24, .route = { origin, 1, 1, 0 } };

	e.addr[0] = 10;
	e.addr[1] = (uint8_t)(i >> 8);
	e.addr[2] = (uint8_t)i;
	assert_int_equal(rtable_add(t, &e), 0);
}

static size_t routes_used(const struct fib *f)
{
	struct fib_usage u;

	fib_usage(f, &u);
	return u.routes;
}

/* A route is stored once however many prefixes use it, across the growth of
 * its index; a rebuild starts the generation's routes afresh, and an update
 * adds only a route not stored yet. */
static void test_fib_routes_stored_once(void **state)
{
	struct rtable shared = { 0 }, distinct = { 0 };
	struct rt_entry e;
	struct fib *f;

	assert_int_equal(fib_open(NULL, true, &f), 0);
	for (uint32_t i = 0; i < 6000; i++)
		add_numbered(&shared, i, 64500 + i % 3);
	build(f, &shared);
	assert_int_equal(routes_used(f), 3);
	check_equal(f, &shared, 20000, 5);

	for (uint32_t i = 0; i < 6000; i++) /* the index grows from 1024 slots to 16384 */
		add_numbered(&distinct, i, 100000 + i);
	for (uint32_t i = 0; i < 6000; i++)
		add_numbered(&distinct, 6000 + i, 100000 + i);
	build(f, &distinct);
	assert_int_equal(routes_used(f), 6000);
	check_equal(f, &distinct, 20000, 6);

	build(f, &shared);
	assert_int_equal(routes_used(f), 3);
	e = shared.v[0];
	e.plen = 16; /* 10.0.0.0/16, a route it has */
	assert_int_equal(rtgen_fib_update(f, &e, false), 0);
	assert_int_equal(routes_used(f), 3);
	e.route.origin_asn = 131279; /* a route it has not */
	assert_int_equal(rtgen_fib_update(f, &e, false), 0);
	assert_int_equal(routes_used(f), 4);
	rtable_free(&shared);
	rtable_free(&distinct);
	fib_close(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fib_edges),
		cmocka_unit_test(test_fib_skip),
		cmocka_unit_test(test_fib_random_tables),
		cmocka_unit_test(test_fib_updates),
		cmocka_unit_test(test_fib_full),
		cmocka_unit_test(test_fib_records_pool),
		cmocka_unit_test(test_fib_routes_stored_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
