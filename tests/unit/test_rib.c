// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_rib.c - resolution rules of user/routes/rib.c: prepending,
 * AS_SET, ties, MOAS, several transits, withdraw and re-announce, ADD-PATH
 * path ids, per-peer state, the per-origin transit history, and per-link
 * resolution (each upstream column from its own paths). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "routes/rib.h"

/* 2017-10-01 09:00 and 09:08 UTC */
#define T0900 1506848400U
#define T0908 1506848880U

static const struct rib_peer P1 = { .asn = 64496, .family = 4, .ip = { 198, 51, 100, 1 } };
static const struct rib_peer P2 = { .asn = 64497, .family = 4, .ip = { 198, 51, 100, 2 } };
static const struct rib_peer P3 = { .asn = 64498, .family = 4, .ip = { 198, 51, 100, 3 } };

static struct rt_entry pfx(const char *s)
{
	struct rt_entry e;

	assert_int_equal(prefix_parse(s, &e, 0), 0);
	return e;
}

#define ANNOUNCE(r, p, peer, id, set, when, ...)                                                   \
	do {                                                                                       \
		const uint32_t path_[] = { __VA_ARGS__ };                                          \
		struct rt_entry e_ = pfx(p);                                                       \
		assert_int_equal(rib_announce(r, &e_, &peer, id, path_,                            \
					      sizeof(path_) / sizeof(path_[0]), set, when),        \
				 0);                                                               \
	} while (0)

/* The resolved row of one prefix (fails the test if absent). */
static struct rib_row row_of(struct rib *r, const char *p)
{
	struct rt_entry want = pfx(p);
	struct rib_row *rows, out = { 0 };
	size_t n;
	int found = 0;

	assert_int_equal(rib_resolve(r, &rows, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (rows[i].e.family == want.family && rows[i].e.plen == want.plen &&
		    !memcmp(rows[i].e.addr, want.addr, 16)) {
			out = rows[i];
			found = 1;
		}
	free(rows);
	assert_true(found);
	return out;
}

static size_t nrows(struct rib *r)
{
	struct rib_row *rows;
	size_t n;

	assert_int_equal(rib_resolve(r, &rows, &n), 0);
	free(rows);
	return n;
}

static void test_rib_prepending_removed(void **state)
{
	struct rib *r = rib_new();
	struct rib_row x;

	/* 64496 4837 4837 4837 131279 131279: origin 131279, transit 4837 */
	ANNOUNCE(r, "175.45.176.0/22", P1, 0, false, T0900, 64496, 4837, 4837, 4837, 131279,
		 131279);
	x = row_of(r, "175.45.176.0/22");
	assert_int_equal(x.e.route.origin_asn, 131279);
	assert_int_equal(x.e.route.transit_asn, 4837);
	assert_int_equal(x.e.route.peer_asn, 64496);
	assert_int_equal(x.e.route.flags, 0);
	assert_int_equal(x.paths, 1);
	rib_free(r);
}

static void test_rib_as_set_gives_origin_0(void **state)
{
	struct rib *r = rib_new();
	struct rib_row x;

	/* 64496 4837 {131279,64500}: the origin is one of the set */
	ANNOUNCE(r, "175.45.176.0/22", P1, 0, true, T0900, 64496, 4837, 131279, 64500);
	x = row_of(r, "175.45.176.0/22");
	assert_int_equal(x.e.route.origin_asn, 0);
	assert_int_equal(x.e.route.transit_asn, 0);
	assert_int_equal(x.e.route.flags, ASC_RF_AS_SET | ASC_RF_NO_TRANSIT);
	rib_free(r);
}

static void test_rib_single_as_path_has_no_transit(void **state)
{
	struct rib *r = rib_new();
	struct rib_row x;

	ANNOUNCE(r, "198.51.100.0/24", P1, 0, false, T0900, 64496, 64496);
	x = row_of(r, "198.51.100.0/24");
	assert_int_equal(x.e.route.origin_asn, 64496);
	assert_int_equal(x.e.route.transit_asn, 0);
	assert_int_equal(x.e.route.peer_asn, 64496);
	assert_int_equal(x.e.route.flags, ASC_RF_NO_TRANSIT);
	rib_free(r);
}

static void test_rib_most_common_wins_ties_to_lower(void **state)
{
	struct rib *r = rib_new();
	struct rib_row x;

	/* transits 20485 (one path) and 4837 (one path): a tie -> 4837 */
	ANNOUNCE(r, "175.45.176.0/22", P1, 0, false, T0908, 64496, 20485, 131279);
	ANNOUNCE(r, "175.45.176.0/22", P2, 0, false, T0900, 64497, 4837, 131279);
	x = row_of(r, "175.45.176.0/22");
	assert_int_equal(x.e.route.transit_asn, 4837);
	assert_int_equal(x.e.route.peer_asn, 64497);
	assert_int_equal(x.e.route.flags, ASC_RF_MULTI_TRANSIT);
	assert_int_equal(x.paths, 2);
	/* a third path through 20485 makes it the most common */
	ANNOUNCE(r, "175.45.176.0/22", P3, 0, false, T0908, 64498, 20485, 131279);
	x = row_of(r, "175.45.176.0/22");
	assert_int_equal(x.e.route.transit_asn, 20485);
	assert_int_equal(x.e.route.peer_asn, 64496); /* 64496 and 64498 tie: lower */
	rib_free(r);
}

static void test_rib_moas_flagged(void **state)
{
	struct rib *r = rib_new();
	struct rib_row x;

	ANNOUNCE(r, "203.0.113.0/24", P1, 0, false, T0900, 64496, 3356, 64501);
	ANNOUNCE(r, "203.0.113.0/24", P2, 0, false, T0900, 64497, 3356, 64500);
	x = row_of(r, "203.0.113.0/24");
	assert_int_equal(x.e.route.origin_asn, 64500); /* tie: the lower AS */
	assert_int_equal(x.e.route.flags, ASC_RF_MOAS);
	rib_free(r);
}

static void test_rib_update_withdraw_reannounce(void **state)
{
	struct rib *r = rib_new();
	struct rt_entry p = pfx("175.45.178.0/24");
	struct rib_row x;

	ANNOUNCE(r, "175.45.178.0/24", P1, 0, false, T0900, 64496, 4837, 131279);
	/* the same peer replaces its path */
	ANNOUNCE(r, "175.45.178.0/24", P1, 0, false, T0908, 64496, 20485, 131279);
	x = row_of(r, "175.45.178.0/24");
	assert_int_equal(x.e.route.transit_asn, 20485);
	assert_int_equal(x.paths, 1);
	assert_int_equal(rib_withdraw(r, &p, &P1, 0, T0908 + 60), 0);
	assert_int_equal(nrows(r), 0);
	/* withdrawing what is not there changes nothing */
	assert_int_equal(rib_withdraw(r, &p, &P2, 0, T0908 + 61), 0);
	ANNOUNCE(r, "175.45.178.0/24", P2, 0, false, T0908 + 120, 64497, 4837, 131279);
	x = row_of(r, "175.45.178.0/24");
	assert_int_equal(x.e.route.transit_asn, 4837);
	rib_free(r);
}

static void test_rib_addpath_ids_are_separate_paths(void **state)
{
	struct rib *r = rib_new();
	struct rt_entry p = pfx("10.0.0.0/24");
	struct rib_row x;

	ANNOUNCE(r, "10.0.0.0/24", P1, 1, false, T0900, 65001, 65002, 65003);
	ANNOUNCE(r, "10.0.0.0/24", P1, 2, false, T0900, 65001, 65004, 65003);
	x = row_of(r, "10.0.0.0/24");
	assert_int_equal(x.paths, 2);
	assert_int_equal(x.e.route.flags, ASC_RF_MULTI_TRANSIT);
	assert_int_equal(rib_withdraw(r, &p, &P1, 1, T0908), 0);
	x = row_of(r, "10.0.0.0/24");
	assert_int_equal(x.paths, 1);
	assert_int_equal(x.e.route.transit_asn, 65004);
	rib_free(r);
}

/* A prefix's first paths live in the prefix itself, more in an array of
 * their own: every path survives the move, and withdrawals after it take
 * the right ones (origins 65010 x1, 65020 x2, 65030 x2: 65020 wins the tie). */
static void test_rib_paths_past_the_inline_ones(void **state)
{
	struct rib *r = rib_new();
	struct rt_entry p = pfx("10.1.0.0/16");
	struct rib_row x;

	ANNOUNCE(r, "10.1.0.0/16", P1, 1, false, T0900, 65001, 65010);
	ANNOUNCE(r, "10.1.0.0/16", P1, 2, false, T0900, 65001, 65020);
	ANNOUNCE(r, "10.1.0.0/16", P2, 1, false, T0900, 65002, 65020);
	ANNOUNCE(r, "10.1.0.0/16", P2, 2, false, T0900, 65002, 65030);
	ANNOUNCE(r, "10.1.0.0/16", P3, 1, false, T0900, 65003, 65030);
	x = row_of(r, "10.1.0.0/16");
	assert_int_equal(x.paths, 5);
	assert_int_equal(x.e.route.origin_asn, 65020);
	assert_int_equal(rib_withdraw(r, &p, &P1, 2, T0908), 0);
	x = row_of(r, "10.1.0.0/16");
	assert_int_equal(x.paths, 4);
	assert_int_equal(x.e.route.origin_asn, 65030);
	assert_int_equal(x.e.route.transit_asn, 65002);
	assert_int_equal(rib_withdraw(r, &p, &P2, 2, T0908), 0);
	assert_int_equal(rib_withdraw(r, &p, &P3, 1, T0908), 0);
	x = row_of(r, "10.1.0.0/16");
	assert_int_equal(x.paths, 2);
	assert_int_equal(x.e.route.origin_asn, 65010);
	rib_free(r);
}

static void test_rib_peer_down_drops_its_paths(void **state)
{
	struct rib *r = rib_new();
	struct rib_row x;

	ANNOUNCE(r, "175.45.176.0/22", P1, 0, false, T0900, 64496, 4837, 131279);
	ANNOUNCE(r, "175.45.176.0/22", P2, 0, false, T0900, 64497, 20485, 131279);
	ANNOUNCE(r, "198.51.100.0/24", P1, 0, false, T0900, 64496, 64500);
	rib_peer_down(r, &P1, T0908);
	assert_int_equal(nrows(r), 1);
	x = row_of(r, "175.45.176.0/22");
	assert_int_equal(x.e.route.transit_asn, 20485);
	rib_free(r);
}

static void test_rib_host_bits_cleared(void **state)
{
	struct rib *r = rib_new();
	struct rt_entry e = { .family = 4, .plen = 13, .addr = { 11, 13, 0, 0 } };
	const uint32_t path[] = { 64496, 64500 };
	struct rib_row x;

	assert_int_equal(rib_announce(r, &e, &P1, 0, path, 2, false, T0900), 0);
	x = row_of(r, "11.8.0.0/13");
	assert_int_equal(x.e.route.origin_asn, 64500);
	rib_free(r);
}

static void test_rib_transit_history(void **state)
{
	struct rib *r = rib_new();
	struct rib_transit *v;
	size_t n;

	ANNOUNCE(r, "175.45.176.0/22", P1, 0, false, T0900, 64496, 4837, 131279);
	ANNOUNCE(r, "175.45.177.0/24", P1, 0, false, T0900, 64496, 4837, 131279);
	/* 09:08: P1 moves both prefixes to 20485 */
	ANNOUNCE(r, "175.45.176.0/22", P1, 0, false, T0908, 64496, 20485, 131279);
	ANNOUNCE(r, "175.45.177.0/24", P1, 0, false, T0908 + 5, 64496, 20485, 131279);
	assert_int_equal(rib_transits(r, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].origin, 131279);
	assert_int_equal(v[0].transit, 4837);
	assert_int_equal(v[0].first_seen, T0900);
	assert_int_equal(v[0].gone_since, T0908 + 5); /* the last 4837 path left then */
	assert_int_equal(v[0].prefixes, 0);
	assert_int_equal(v[1].transit, 20485);
	assert_int_equal(v[1].first_seen, T0908);
	assert_int_equal(v[1].gone_since, 0);
	assert_int_equal(v[1].prefixes, 2);
	assert_int_equal(v[1].paths, 2);
	free(v);
	rib_free(r);
}

static void test_rib_flags_text(void **state)
{
	char buf[64];

	assert_string_equal(route_flags_str(0, buf, sizeof(buf)), "-");
	assert_string_equal(route_flags_str(ASC_RF_MOAS | ASC_RF_MULTI_TRANSIT, buf, sizeof(buf)),
			    "moas,multi_transit");
}

static void test_rib_many_prefixes_grow(void **state)
{
	struct rib *r = rib_new();
	struct rib_row *rows;
	size_t n;

	/* enough to grow every table several times */
	for (uint32_t i = 0; i < 50000; i++) {
		struct rt_entry e = { .family = 4, .plen = 24 };
		const uint32_t path[] = { 64496, 4837 + (i % 7), 100000 + (i % 1000) };

		e.addr[0] = 100;
		e.addr[1] = (uint8_t)(i >> 8);
		e.addr[2] = (uint8_t)i;
		assert_int_equal(rib_announce(r, &e, i & 1 ? &P1 : &P2, 0, path, 3, false, T0900),
				 0);
	}
	assert_int_equal(rib_resolve(r, &rows, &n), 0);
	assert_int_equal(n, 50000); /* every prefix distinct */
	for (size_t i = 1; i < n; i++)
		assert_true(memcmp(rows[i - 1].e.addr, rows[i].e.addr, 16) < 0);
	free(rows);
	rib_free(r);
}

/* A prefix holds RIB_MAX_PATHS paths (peer, path id): the last one fits,
 * one more is -ENOSPC and changes nothing; a replacement still works. */
static void test_rib_paths_per_prefix_limit(void **state)
{
	struct rib *r = rib_new();
	struct rt_entry e = pfx("175.45.176.0/22");
	const uint32_t path[] = { 64496, 4837, 131279 }, other[] = { 64496, 20485, 131279 };
	struct rib_transit *tr;
	size_t n;

	for (uint32_t id = 0; id < RIB_MAX_PATHS; id++)
		assert_int_equal(rib_announce(r, &e, &P1, id, path, 3, false, T0900), 0);
	assert_int_equal(rib_announce(r, &e, &P1, RIB_MAX_PATHS, other, 3, false, T0908), -ENOSPC);
	assert_int_equal(rib_transits(r, &tr, &n), 0);
	assert_int_equal(n, 1); /* 131279 behind 20485 was never recorded */
	assert_int_equal(tr[0].paths, RIB_MAX_PATHS);
	free(tr);
	/* an existing (peer, path id) is replaced, not added */
	assert_int_equal(rib_announce(r, &e, &P1, 0, other, 3, false, T0908), 0);
	rib_free(r);
}

/* Text and pfx2as input has no paths: the pairs come from the table, one
 * prefix each; origin 0 (unknown) is left out. */
static void test_rib_transits_from_table(void **state)
{
	struct rt_entry e[] = {
		{ .family = 4,
		  .plen = 22,
		  .addr = { 175, 45, 176 },
		  .route = { .origin_asn = 131279, .transit_asn = 4837 } },
		{ .family = 4,
		  .plen = 24,
		  .addr = { 175, 45, 177 },
		  .route = { .origin_asn = 131279, .transit_asn = 20485 } },
		{ .family = 4,
		  .plen = 24,
		  .addr = { 175, 45, 178 },
		  .route = { .origin_asn = 131279, .transit_asn = 4837 } },
		{ .family = 4, .plen = 24, .addr = { 203, 0, 113 }, .route = { .origin_asn = 0 } },
	};
	struct rtable t = { .v = e, .n = 4, .cap = 4 };
	struct rib *r = rib_new();
	struct rib_transit *v;
	size_t n;

	assert_int_equal(rtable_transits(&t, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].origin, 131279);
	assert_int_equal(v[0].transit, 4837);
	assert_int_equal(v[0].prefixes, 2);
	assert_int_equal(v[0].first_seen, 0);
	assert_int_equal(v[1].transit, 20485);
	assert_int_equal(v[1].prefixes, 1);
	free(v);
	/* an empty RIB (text input only) gives the table's pairs */
	assert_non_null(r);
	assert_int_equal(transits_of(r, &t, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].prefixes, 2);
	free(v);
	rib_free(r);
}

/* ---- per-link resolution (rib_to_rtable with upstream columns) ------- */

/* Border sessions: cu (AS4837), ttk (AS20485) twice from two addresses. */
static const struct rib_peer CU = { .asn = 4837, .family = 4, .ip = { 203, 0, 113, 1 } };
static const struct rib_peer TTK = { .asn = 20485, .family = 4, .ip = { 203, 0, 113, 2 } };
static const struct rib_peer TTK2 = { .asn = 20485, .family = 4, .ip = { 203, 0, 113, 3 } };
/* The border router itself, over iBGP (the live feed) or as a BMP Loc-RIB
 * pseudo-peer: its paths come unprepended, starting with the upstream. */
static const struct rib_peer RTR = { .asn = 64500, .family = 4, .ip = { 198, 51, 100, 9 } };

#define COL(a) { .asn = (a) }
#define COL_AT(a, last)                                                                            \
	{                                                                                          \
		.asn = (a), .nbr_family = 4, .nbr = { 203, 0, 113, (last) }                        \
	}
#define OWN(o, t) { (o), (t), ASC_PATH_OWN }
#define CONS(o, t) { (o), (t), ASC_PATH_CONSENSUS }
#define LINK_PATHS_MAX 4
#define LINK_COLS 3

struct link_path {
	const struct rib_peer *peer; /* NULL ends the list */
	uint32_t id;		     /* ADD-PATH path id */
	bool set;		     /* the path ends in an AS_SET (its last ASes) */
	uint32_t as[6];
	size_t n;
};

struct link_case {
	const char *name;
	struct link_path paths[LINK_PATHS_MAX]; /* all for 175.45.176.0/22 */
	struct rt_upstream cols[LINK_COLS];	/* the rest of the columns unused */
	struct rt_link want[LINK_COLS];		/* rt_link_of(), pad 0 */
	uint32_t origin, transit;		/* the consensus */
};

static const struct link_case link_cases[] = {
	{ "the issue: each link its upstream's path",
	  { { &CU, 0, false, { 4837, 131279 }, 2 }, { &TTK, 0, false, { 20485, 131279 }, 2 } },
	  { COL(4837), COL(20485) },
	  { OWN(131279, 4837), OWN(131279, 20485), CONS(131279, 4837) },
	  131279,
	  4837 }, /* consensus: 4837 and 20485 tie, the lower wins */
	{ "one upstream announces, the other column is the consensus",
	  { { &CU, 0, false, { 4837, 131279 }, 2 } },
	  { COL(4837), COL(20485) },
	  { OWN(131279, 4837), CONS(131279, 4837), CONS(131279, 4837) },
	  131279,
	  4837 },
	{ "two sessions of one AS told apart by neighbor; without one they vote",
	  { { &TTK, 0, false, { 20485, 131279 }, 2 },
	    { &TTK2, 0, false, { 20485, 9929, 131279 }, 3 } },
	  { COL_AT(20485, 2), COL_AT(20485, 3), COL(20485) },
	  { OWN(131279, 20485), OWN(131279, 9929), OWN(131279, 9929) }, /* tie: lower */
	  131279,
	  9929 },
	{ "a neighbor no session has: consensus",
	  { { &TTK, 0, false, { 20485, 131279 }, 2 } },
	  { COL_AT(20485, 9) },
	  { CONS(131279, 20485), CONS(131279, 20485), CONS(131279, 20485) },
	  131279,
	  20485 },
	{ "ADD-PATH: the most common transit of the upstream's paths",
	  { { &CU, 1, false, { 4837, 131279 }, 2 },
	    { &CU, 2, false, { 4837, 9929, 131279 }, 3 },
	    { &CU, 3, false, { 4837, 9929, 131279 }, 3 },
	    { &TTK, 0, false, { 20485, 131279 }, 2 } },
	  { COL(4837), COL(20485) },
	  { OWN(131279, 9929), OWN(131279, 20485), CONS(131279, 9929) },
	  131279,
	  9929 },
	{ "ADD-PATH: origins tie, the lower AS wins, then its transit",
	  { { &CU, 1, false, { 4837, 64500 }, 2 },
	    { &CU, 2, false, { 4837, 9929, 64499 }, 3 },
	    { &TTK, 0, false, { 20485, 64500 }, 2 } },
	  { COL(4837), COL(20485) },
	  { OWN(64499, 9929), OWN(64500, 20485), CONS(64500, 4837) },
	  64500,
	  4837 },
	{ "prepending removed from the upstream's path",
	  { { &CU, 0, false, { 4837, 4837, 4837, 131279, 131279 }, 5 },
	    { &TTK, 0, false, { 20485, 131279, 131279 }, 3 } },
	  { COL(4837), COL(20485) },
	  { OWN(131279, 4837), OWN(131279, 20485), CONS(131279, 4837) },
	  131279,
	  4837 },
	{ "AS_SET: the upstream's own origin is unknown (0), the other's is not",
	  { { &CU, 0, true, { 4837, 131279, 64500 }, 3 },
	    { &TTK, 0, false, { 20485, 131279 }, 2 } },
	  { COL(4837), COL(20485) },
	  { OWN(0, 0), OWN(131279, 20485), CONS(0, 0) }, /* origins 0 and 131279 tie: 0 */
	  0,
	  0 },
	{ "the router's own iBGP feed (ADD-PATH): each path's first AS names its upstream",
	  { { &RTR, 1, false, { 4837, 131279 }, 2 }, { &RTR, 2, false, { 20485, 131279 }, 2 } },
	  { COL(4837), COL(20485) },
	  { OWN(131279, 4837), OWN(131279, 20485), CONS(131279, 4837) },
	  131279,
	  4837 },
	{ "iBGP feed: a path via another upstream is not this upstream's",
	  { { &RTR, 1, false, { 3356, 4837, 131279 }, 3 } },
	  { COL(4837), COL(3356) },
	  { CONS(131279, 4837), OWN(131279, 4837), CONS(131279, 4837) },
	  131279,
	  4837 },
	{ "an upstream AS that is no peer here: consensus, column index kept",
	  { { &CU, 0, false, { 4837, 131279 }, 2 } },
	  { COL(0), COL(3356), COL(4837) },
	  { CONS(131279, 4837), CONS(131279, 4837), OWN(131279, 4837) },
	  131279,
	  4837 },
};

static void announce_case(struct rib *r, const struct link_case *c)
{
	struct rt_entry e = pfx("175.45.176.0/22");

	for (const struct link_path *p = c->paths; p < c->paths + LINK_PATHS_MAX && p->peer; p++)
		assert_int_equal(rib_announce(r, &e, p->peer, p->id, p->as, p->n, p->set, T0900),
				 0);
}

static void expect_link(const char *name, unsigned int col, struct rt_link got, struct rt_link want)
{
	if (got.origin_asn != want.origin_asn || got.transit_asn != want.transit_asn ||
	    got.path != want.path)
		fail_msg("case \"%s\": column %u: got origin %u transit %u path %u, want %u %u %u",
			 name, col, got.origin_asn, got.transit_asn, got.path, want.origin_asn,
			 want.transit_asn, want.path);
}

static void test_rib_per_link_cases(void **state)
{
	for (size_t i = 0; i < sizeof(link_cases) / sizeof(link_cases[0]); i++) {
		const struct link_case *c = &link_cases[i];
		struct rt_upstreams u = { 0 };
		struct rtable t = { 0 }, plain = { 0 };
		struct rib *r = rib_new();

		memcpy(u.col, c->cols, sizeof(c->cols));
		announce_case(r, c);
		assert_int_equal(rib_to_rtable(r, &u, &t), 0);
		assert_int_equal(rib_to_rtable(r, NULL, &plain), 0);
		assert_int_equal(t.n, 1);
		if (t.v[0].route.origin_asn != c->origin ||
		    t.v[0].route.transit_asn != c->transit ||
		    memcmp(&t.v[0].route, &plain.v[0].route, sizeof(t.v[0].route)))
			fail_msg("case \"%s\": consensus %u %u, want %u %u (as without columns)",
				 c->name, t.v[0].route.origin_asn, t.v[0].route.transit_asn,
				 c->origin, c->transit);
		for (unsigned int col = 0; col < LINK_COLS; col++)
			expect_link(c->name, col, rt_link_of(&t, &t.v[0], col), c->want[col]);
		for (unsigned int col = LINK_COLS; col < RT_COLUMNS; col++)
			expect_link(c->name, col, rt_link_of(&t, &t.v[0], col),
				    (struct rt_link)CONS(c->origin, c->transit));
		rtable_free(&t);
		rtable_free(&plain);
		rib_free(r);
	}
}

/* No columns (NULL or all zero): the table is what it was before per-link
 * resolution, no entry has a row. */
static void test_rib_per_link_none_is_consensus(void **state)
{
	struct rt_upstreams zero = { 0 };
	struct rtable a = { 0 }, b = { 0 };
	struct rib *r = rib_new();

	announce_case(r, &link_cases[0]);
	assert_int_equal(rib_to_rtable(r, NULL, &a), 0);
	assert_int_equal(rib_to_rtable(r, &zero, &b), 0);
	assert_int_equal(a.nlinks, 0);
	assert_int_equal(b.nlinks, 0);
	assert_int_equal(a.v[0].links, 0);
	assert_int_equal(b.v[0].links, 0);
	assert_memory_equal(&a.v[0], &b.v[0], sizeof(a.v[0]));
	rtable_free(&a);
	rtable_free(&b);
	rib_free(r);
}

/* A RIB without routes (a file of withdrawals only, a feed before its
 * first UPDATE) gives an empty table, with and without columns. */
static void test_rib_to_rtable_empty(void **state)
{
	struct rt_upstreams u = { .col = { COL(4837) } };
	struct rtable t = { 0 };
	struct rib *r = rib_new();

	(void)state;
	assert_int_equal(rib_to_rtable(r, &u, &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(rib_to_rtable(r, NULL, &t), 0);
	assert_int_equal(t.n, 0);
	rtable_free(&t);
	rib_free(r);
}

/* The table comes out sorted by family, address, length, whatever order
 * the prefixes arrived in: the fast tables are built in table order. */
static void test_rib_to_rtable_sorted(void **state)
{
	static const char *arrival[] = { "2001:db8::/32",   "198.51.100.0/24", "175.45.176.0/22",
					 "198.51.100.0/23", "2001:db8::/48",   "10.0.0.0/8" };
	static const char *sorted[] = { "10.0.0.0/8",	   "175.45.176.0/22", "198.51.100.0/23",
					"198.51.100.0/24", "2001:db8::/32",   "2001:db8::/48" };
	struct rt_upstreams u = { .col = { COL(4837) } };
	struct rtable t = { 0 };
	struct rib *r = rib_new();

	(void)state;
	for (size_t i = 0; i < 6; i++)
		ANNOUNCE(r, arrival[i], P1, 0, false, T0900, 4837, 131279);
	assert_int_equal(rib_to_rtable(r, &u, &t), 0);
	assert_int_equal(t.n, 6);
	for (size_t i = 0; i < 6; i++) {
		struct rt_entry want = pfx(sorted[i]);

		assert_int_equal(prefix_cmp(&t.v[i], &want), 0);
	}
	rtable_free(&t);
	rib_free(r);
}

/* Many prefixes with the same per-column answers share one rt_links row;
 * sorting and deduplicating the table keeps every index right. */
static void test_rib_per_link_rows_shared(void **state)
{
	struct rt_upstreams u = { .col = { COL(4837), COL(20485) } };
	struct rtable t = { 0 };
	struct rib *r = rib_new();

	for (uint32_t i = 0; i < 3000; i++) {
		struct rt_entry e = { .family = 4,
				      .plen = 24,
				      .addr = { 100, (uint8_t)(i >> 8), (uint8_t)i } };
		const uint32_t cu[] = { 4837, 131279 }, ttk[] = { 20485, 9929, 131279 },
			       other[] = { 20485, 64500 + i % 3 };

		assert_int_equal(rib_announce(r, &e, &CU, 0, cu, 2, false, T0900), 0);
		assert_int_equal(rib_announce(r, &e, &TTK, 0, i % 2 ? ttk : other, i % 2 ? 3 : 2,
					      false, T0900),
				 0);
	}
	assert_int_equal(rib_to_rtable(r, &u, &t), 0);
	/* row 0 + odd prefixes' one row + even prefixes' three (64500..64502) */
	assert_int_equal(t.nlinks, 1 + 1 + 3);
	assert_int_equal(rtable_sort_dedup(&t), 3000);
	for (size_t i = 0; i < t.n; i++) {
		uint32_t k = (uint32_t)t.v[i].addr[1] << 8 | t.v[i].addr[2];
		struct rt_link cu = rt_link_of(&t, &t.v[i], 0), ttk = rt_link_of(&t, &t.v[i], 1);

		assert_int_equal(cu.transit_asn, 4837);
		assert_int_equal(ttk.path, ASC_PATH_OWN);
		assert_int_equal(ttk.origin_asn, k % 2 ? 131279 : 64500 + k % 3);
		assert_int_equal(ttk.transit_asn, k % 2 ? 9929 : 20485);
	}
	rtable_free(&t);
	rib_free(r);
}

/* A RIB of many prefixes (both families, in no order) with the paths of
 * several sessions, some only on part of the prefixes, so that the
 * per-link rows are many and shared: prefix i's paths depend on i. */
static struct rib *many_prefixes(size_t n)
{
	const struct rib_peer *peers[] = { &CU, &TTK, &TTK2, &RTR, &P1 };
	struct rib *r = rib_new();
	unsigned int seed = 131279;

	assert_non_null(r);
	for (size_t i = 0; i < n; i++) {
		uint32_t v = (uint32_t)rand_r(&seed);
		struct rt_entry e = { .family = v & 1 ? 6 : 4 };

		/* 175.x.y.0/22..24 or 2001:db8:x:y::/48..64, random (repeats
		 * announce the same prefix again) */
		e.addr[0] = e.family == 4 ? 175 : 0x20;
		e.addr[1] = e.family == 4 ? (uint8_t)(v >> 8) : 0x01;
		e.addr[2] = (uint8_t)(v >> 16);
		e.addr[e.family == 4 ? 3 : 5] = (uint8_t)(v >> 24);
		e.plen = (uint8_t)(e.family == 4 ? 22 + v % 3 : 48 + v % 17);
		for (size_t k = 0; k < sizeof(peers) / sizeof(peers[0]); k++) {
			/* upstream, a transit of 4 and an origin of 64 */
			const uint32_t path[] = { peers[k]->asn == 64500 ? 4837 : peers[k]->asn,
						  9929 + (uint32_t)(i + k) % 4,
						  131000 + (uint32_t)(i * 7 + k) % 64 };

			if ((i + k) % 3 == 0)
				continue; /* not every session has every prefix */
			assert_int_equal(rib_announce(r, &e, peers[k], (uint32_t)k % 2, path, 3,
						      false, T0900),
					 0);
		}
	}
	return r;
}

/* The table of r from `parts` threads: the same entries in the same order,
 * and the same links rows with the same numbers, as from one; the one
 * thread's table is sorted and each entry answers as rib_resolve() and
 * rib_resolve_prefix() do for its prefix alone.  Also onto a table that
 * has entries already (some of the same prefixes: the RIB's replace them). */
static void test_rib_to_rtable_parts_same_table(void **state)
{
	const struct rt_upstreams u = { { COL(4837), COL_AT(20485, 3), COL(64496) } };
	struct rib *r = many_prefixes(20000);
	struct rtable one = { 0 };
	struct rib_row *rows;
	size_t nrows;

	assert_int_equal(rib_to_rtable_parts(r, &u, &one, 1), 0);
	assert_int_equal(rib_resolve(r, &rows, &nrows), 0);
	assert_int_equal(one.n, nrows);
	assert_true(one.nlinks > 100); /* many rows, each shared */
	for (size_t i = 0; i < one.n; i++) {
		struct rt_entry e;
		struct rt_links l;

		if (i)
			assert_true(prefix_cmp(&one.v[i - 1], &one.v[i]) < 0);
		assert_int_equal(prefix_cmp(&one.v[i], &rows[i].e), 0);
		assert_memory_equal(&one.v[i].route, &rows[i].e.route, sizeof(one.v[i].route));
		assert_int_equal(rib_resolve_prefix(r, &u, &one.v[i], &e, &l), 0);
		for (unsigned int c = 0; c < RT_COLUMNS; c++) {
			struct rt_link a = rt_link_of(&one, &one.v[i], c);
			struct rt_link b =
				rt_link_of(&(struct rtable){ .links = (struct rt_links[]){ {}, l },
							     .nlinks = 2 },
					   &e, c);

			assert_memory_equal(&a, &b, sizeof(a));
		}
	}
	free(rows);
	for (unsigned int parts = 2; parts <= RIB_MAX_PARTS + 1; parts++) {
		struct rtable t = { 0 };

		assert_int_equal(rib_to_rtable_parts(r, &u, &t, parts), 0);
		assert_int_equal(t.n, one.n);
		assert_memory_equal(t.v, one.v, one.n * sizeof(*one.v));
		assert_int_equal(t.nlinks, one.nlinks);
		assert_memory_equal(t.links, one.links, one.nlinks * sizeof(*one.links));
		rtable_free(&t);
	}
	for (unsigned int parts = 1; parts <= 2; parts++) {
		struct rtable t = { 0 };

		for (size_t i = 0; i < 50; i++) {
			struct rt_entry e = one.v[i * 7]; /* one of the RIB's prefixes */

			e.route.origin_asn = 1;
			e.links = 0;
			assert_int_equal(rtable_add(&t, &e), 0);
			e.addr[0] = e.family == 4 ? 198 : 0x30; /* and one it does not have */
			assert_int_equal(rtable_add(&t, &e), 0);
		}
		assert_int_equal(rib_to_rtable_parts(r, &u, &t, parts), 0);
		assert_int_equal(t.n, one.n + 50);
		for (size_t i = 0, j = 0; i < t.n; i++) {
			if (t.v[i].route.origin_asn == 1)
				continue; /* the one not in the RIB */
			assert_memory_equal(&t.v[i], &one.v[j], sizeof(t.v[i]));
			j++;
		}
		rtable_free(&t);
	}
	rtable_free(&one);
	rib_free(r);
}

/* The settings' and CLI's ways to fill a column. */
static void test_rib_upstream_parse_and_set(void **state)
{
	struct rt_upstreams u = { 0 };
	struct rt_upstream up;
	char name[ASC_NAME_LEN];
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	assert_int_equal(rt_upstream_parse("cu=4837", name, &up), 0);
	assert_string_equal(name, "cu");
	assert_int_equal(up.asn, 4837);
	assert_int_equal(up.nbr_family, 0);
	assert_int_equal(rt_upstream_parse("ttk=AS20485@2001:db8::1", name, &up), 0);
	assert_string_equal(name, "ttk");
	assert_int_equal(up.asn, 20485);
	assert_int_equal(up.nbr_family, 6);
	assert_memory_equal(up.nbr, v6, 16);
	assert_int_equal(rt_upstream_parse("ttk=20485@203.0.113.300", name, &up), -EINVAL);
	assert_int_equal(rt_upstream_parse("ttk=", name, &up), -EINVAL);
	assert_int_equal(rt_upstream_parse("=4837", name, &up), -EINVAL);
	assert_int_equal(rt_upstream_parse("cu", name, &up), -EINVAL);
	assert_int_equal(rt_upstream_parse("cu=0", name, &up), -EINVAL);
	assert_int_equal(rt_upstream_parse("a-name-of-16-chr=1", name, &up), -EINVAL);
	assert_int_equal(rt_upstreams_used(&u), 0);
	assert_int_equal(rt_upstream_set(&u, RT_COLUMNS, 4837, 0, NULL), -EINVAL);
	assert_int_equal(rt_upstream_set(&u, 1, 0, 0, NULL), -EINVAL);
	assert_int_equal(rt_upstream_set(&u, 1, 4837, 5, v6), -EINVAL);
	assert_int_equal(rt_upstreams_used(&u), 0);
	assert_int_equal(rt_upstream_set(&u, 1, 20485, 6, v6), 0);
	assert_int_equal(rt_upstreams_used(&u), 1);
	assert_int_equal(u.col[1].asn, 20485);
	assert_memory_equal(u.col[1].nbr, v6, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rib_prepending_removed),
		cmocka_unit_test(test_rib_as_set_gives_origin_0),
		cmocka_unit_test(test_rib_single_as_path_has_no_transit),
		cmocka_unit_test(test_rib_most_common_wins_ties_to_lower),
		cmocka_unit_test(test_rib_moas_flagged),
		cmocka_unit_test(test_rib_update_withdraw_reannounce),
		cmocka_unit_test(test_rib_addpath_ids_are_separate_paths),
		cmocka_unit_test(test_rib_paths_past_the_inline_ones),
		cmocka_unit_test(test_rib_peer_down_drops_its_paths),
		cmocka_unit_test(test_rib_host_bits_cleared),
		cmocka_unit_test(test_rib_transit_history),
		cmocka_unit_test(test_rib_flags_text),
		cmocka_unit_test(test_rib_many_prefixes_grow),
		cmocka_unit_test(test_rib_paths_per_prefix_limit),
		cmocka_unit_test(test_rib_transits_from_table),
		cmocka_unit_test(test_rib_per_link_cases),
		cmocka_unit_test(test_rib_per_link_none_is_consensus),
		cmocka_unit_test(test_rib_per_link_rows_shared),
		cmocka_unit_test(test_rib_to_rtable_empty),
		cmocka_unit_test(test_rib_to_rtable_sorted),
		cmocka_unit_test(test_rib_to_rtable_parts_same_table),
		cmocka_unit_test(test_rib_upstream_parse_and_set),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
