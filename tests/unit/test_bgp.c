// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* tests/unit/test_bgp.c - BGP attribute, AS path, NLRI and message decoding
 * (user/bgp/bgp.c), malformed cases included.  Every input is built here with
 * its fields commented. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rows.h"

#include "bgp/bgp.h"
#include "bgp/bgpdump_fmt.h"

/* the 16-byte all-ones marker of a BGP message header */
#define BGP_MARKER                                                                                 \
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  \
		0xff

static struct mrt_arena arena;
static struct mrt_stats stats;
static char errbuf[192];

static struct bgp_ctx ctx(uint8_t asn_size, bool addpath)
{
	struct bgp_ctx c = { .asn_size = asn_size,
			     .addpath = addpath,
			     .arena = &arena,
			     .stats = &stats,
			     .err = errbuf,
			     .errlen = sizeof(errbuf) };
	mrt_arena_reset(&arena);
	memset(&stats, 0, sizeof(stats));
	errbuf[0] = 0;
	return c;
}

static int parse(const uint8_t *b, size_t n, uint8_t asn_size, struct bgp_attrs *a)
{
	struct bgp_ctx c = ctx(asn_size, false);
	return bgp_attrs_parse(b, n, &c, a);
}

static void test_bgp_origin_nexthop_med_localpref(void **state)
{
	static const uint8_t b[] = {
		0x40, 1, 1, 2,			    /* ORIGIN: INCOMPLETE */
		0x40, 3, 4, 198,  51,	100,  1,    /* NEXT_HOP 198.51.100.1 */
		0x80, 4, 4, 0xee, 0x6b, 0x28, 0x00, /* MED 4000000000 */
		0x40, 5, 4, 0,	  0,	0,    100,  /* LOCAL_PREF 100 */
		0x40, 6, 0,			    /* ATOMIC_AGGREGATE */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(BGP_HAS(&a, BGP_ATTR_ORIGIN));
	assert_int_equal(a.origin, BGP_ORIGIN_INCOMPLETE);
	assert_int_equal(a.next_hop.family, 4);
	assert_memory_equal(a.next_hop.a, ((uint8_t[]){ 198, 51, 100, 1 }), 4);
	assert_int_equal(a.med, 4000000000U);
	assert_int_equal(a.local_pref, 100);
	assert_true(a.atomic_aggregate);
	assert_int_equal(a.malformed, 0);
	assert_false(a.truncated);
	assert_false(a.as_path.present);
}

static void test_bgp_aspath_2byte_sets_and_confeds(void **state)
{
	static const uint8_t b[] = {
		0x40, 2,    18,		/* AS_PATH, 18 bytes, 2-byte ASNs */
		3,    1,    0xfc, 0x00, /* AS_CONFED_SEQUENCE (64512) */
		2,    3,    0xfb, 0xf0, /* AS_SEQUENCE 64496 */
		0x12, 0xe5,		/*   4837 */
		0x5b, 0xa0,		/*   23456 */
		1,    2,    0xfb, 0xf4, /* AS_SET {64500, */
		0xfb, 0xf5,		/*   64501} */
	};
	struct bgp_attrs a;
	uint32_t flat[8];
	bool set;
	uint32_t nset;

	assert_int_equal(parse(b, sizeof(b), 2, &a), 0);
	assert_true(a.as_path_raw.present);
	assert_false(a.as_path_raw.error);
	assert_int_equal(a.as_path_raw.nsegs, 3);
	assert_int_equal(a.as_path_raw.segs[0].type, BGP_SEG_AS_CONFED_SEQUENCE);
	assert_int_equal(a.as_path_raw.segs[2].type, BGP_SEG_AS_SET);
	assert_int_equal(a.as_path_raw.nasns, 6);
	assert_int_equal(a.as_path_raw.asns[3], 23456);
	assert_int_equal(bgp_aspath_count(&a.as_path_raw), 4); /* 3 + set 1, confed 0 */
	/* flat: confed left out, set members last, ends_in_set */
	assert_int_equal(bgp_aspath_flat(&a.as_path, flat, 8, &set, &nset), 5);
	assert_int_equal(flat[0], 64496);
	assert_int_equal(flat[2], 23456);
	assert_int_equal(flat[3], 64500);
	assert_int_equal(flat[4], 64501);
	assert_true(set);
	assert_int_equal(nset, 2);
	/* max smaller than the path: count still returned, out not overrun */
	flat[1] = 7;
	assert_int_equal(bgp_aspath_flat(&a.as_path, flat, 1, &set, NULL), 5);
	assert_int_equal(flat[1], 7);
}

static void test_bgp_aspath_4byte(void **state)
{
	static const uint8_t b[] = {
		0x40, 2,    10,			    /* AS_PATH, 4-byte ASNs */
		2,    2,    0xfa, 0x56, 0xea, 0x01, /* AS_SEQUENCE 4200000001 */
		0x00, 0x02, 0x00, 0xcf,		    /*   131279 */
	};
	struct bgp_attrs a;
	uint32_t flat[4];
	bool set = true;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_int_equal(bgp_aspath_flat(&a.as_path, flat, 4, &set, NULL), 2);
	assert_int_equal(flat[0], 4200000001U);
	assert_int_equal(flat[1], 131279);
	assert_false(set);
}

static void test_bgp_as4_path_merge_rfc6793(void **state)
{
	static const uint8_t b[] = {
		0x40, 2,    12,			    /* AS_PATH (2-byte) */
		2,    1,    0xfb, 0xf1,		    /* AS_SEQUENCE 64497 */
		2,    3,    0xfb, 0xf2,		    /* AS_SEQUENCE 64498 */
		0x5b, 0xa0, 0x5b, 0xa0,		    /*   23456 23456 */
		0xc0, 17,   10,			    /* AS4_PATH */
		2,    2,    0xfa, 0x56, 0xea, 0x01, /* AS_SEQUENCE 4200000001 */
		0x00, 0x02, 0x00, 0xcf,		    /*   131279 */
	};
	struct bgp_attrs a;
	uint32_t flat[8];

	assert_int_equal(parse(b, sizeof(b), 2, &a), 0);
	assert_true(a.as4_path.present);
	/* 4 ASes in AS_PATH, 2 in AS4_PATH: keep 64497 64498, append AS4_PATH */
	assert_int_equal(bgp_aspath_flat(&a.as_path, flat, 8, NULL, NULL), 4);
	assert_int_equal(flat[0], 64497);
	assert_int_equal(flat[1], 64498);
	assert_int_equal(flat[2], 4200000001U);
	assert_int_equal(flat[3], 131279);
	/* the raw path is kept as received */
	assert_int_equal(a.as_path_raw.nasns, 4);
	assert_int_equal(a.as_path_raw.asns[3], 23456);
}

static void test_bgp_as4_path_longer_than_as_path_ignored(void **state)
{
	static const uint8_t b[] = {
		0x40, 2,  4,  2, 1, 0xfb, 0xf1,	      /* AS_PATH 64497 */
		0xc0, 17, 10, 2, 2, 0,	  0,	0, 1, /* AS4_PATH 1 2 */
		0,    0,  0,  2,
	};
	struct bgp_attrs a;
	uint32_t flat[4];

	assert_int_equal(parse(b, sizeof(b), 2, &a), 0);
	assert_int_equal(bgp_aspath_flat(&a.as_path, flat, 4, NULL, NULL), 1);
	assert_int_equal(flat[0], 64497);
}

static void test_bgp_aggregator_as4_aggregator(void **state)
{
	static const uint8_t b[] = {
		0xc0, 7,  6, 0x5b, 0xa0, 198,  51,   100, 4, /* AGGREGATOR AS_TRANS 198.51.100.4 */
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x04, 198, 51,
		100,  5, /* AS4_AGGREGATOR 4200000004 */
	};
	static const uint8_t c[] = {
		0xc0, 7,  6, 0xfb, 0xf0, 198,  51,   100, 4, /* AGGREGATOR 64496: not AS_TRANS */
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x04, 198, 51, 100, 5,
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 2, &a), 0);
	assert_int_equal(a.aggregator_asn, 4200000004U);
	assert_int_equal(a.aggregator_ip.a[3], 5);
	assert_int_equal(a.aggregator_asn_size, 2);
	assert_int_equal(parse(c, sizeof(c), 2, &a), 0);
	assert_int_equal(a.aggregator_asn, 64496); /* RFC 6793: AS4_AGGREGATOR ignored */
	assert_int_equal(a.aggregator_ip.a[3], 4);
}

static void test_bgp_communities_and_large(void **state)
{
	static const uint8_t b[] = {
		0xc0, 8,    8,					/* COMMUNITIES */
		0xfb, 0xf0, 0x00, 0x64,				/*   64496:100 */
		0xff, 0xff, 0xff, 0x01,				/*   no-export */
		0xc0, 32,   12,					/* LARGE_COMMUNITIES */
		0xfa, 0x56, 0xea, 0x01, 0, 0, 0, 1, 0, 0, 0, 2, /* 4200000001:1:2 */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_int_equal(a.n_communities, 2);
	assert_int_equal(a.communities[0], (64496U << 16) | 100);
	assert_int_equal(a.communities[1], 0xFFFFFF01U);
	assert_true(BGP_HAS(&a, BGP_ATTR_LARGE_COMMUNITIES));
	assert_int_equal(a.n_large_communities, 1);
	assert_int_equal(a.large_communities[0].global, 4200000001U);
	assert_int_equal(a.large_communities[0].local2, 2);
}

static void test_bgp_mp_reach_unreach_ipv6(void **state)
{
	static const uint8_t b[] = {
		0x80, 14,   42, /* MP_REACH_NLRI, 42 bytes */
		0,    2,    1,	/* AFI IPv6, SAFI unicast */
		32,		/* next hop length: global + link-local */
		0x20, 0x01, 0x0d, 0xb8, 0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 2001:db8::1 */
		0xfe, 0x80, 0,	  0,	0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* fe80::1 */
		0,							       /* no SNPA */
		32,   0x20, 0x01, 0x0d, 0xb8,				       /* 2001:db8::/32 */
		0x80, 15,   7,						       /* MP_UNREACH_NLRI */
		0,    1,    1,	       /* AFI IPv4 unicast */
		24,   175,  45,	  178, /* 175.45.178.0/24 */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(a.mp_reach.present);
	assert_int_equal(a.mp_reach.afi, 2);
	assert_int_equal(a.mp_reach.nh_len, 32);
	assert_int_equal(a.mp_reach.nexthop.family, 6);
	assert_int_equal(a.mp_reach.nexthop.a[15], 1);
	assert_int_equal(a.mp_reach.nexthop_ll.a[0], 0xfe);
	assert_int_equal(a.mp_reach.n_nlri, 1);
	assert_int_equal(a.mp_reach.nlri[0].len, 32);
	assert_int_equal(a.mp_reach.nlri[0].ip.a[1], 0x01);
	assert_true(a.mp_unreach.present);
	assert_int_equal(a.mp_unreach.n_withdrawn, 1);
	assert_int_equal(a.mp_unreach.withdrawn[0].ip.a[2], 178);
	assert_int_equal(a.malformed, 0);
}

static void test_bgp_mp_reach_other_afi_skipped(void **state)
{
	static const uint8_t b[] = {
		0x80, 14,  9,  0,   1, 128, /* MP_REACH_NLRI AFI 1, SAFI 128 (VPNv4) */
		4,    198, 51, 100, 1, 0,   /* next hop, no SNPA */
		0,			    /* (NLRI not decoded) */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(a.mp_reach.skipped);
	assert_int_equal(a.mp_reach.n_nlri, 0);
	assert_int_equal(stats.afi_skipped, 1);
}

static void test_bgp_mp_reach_abbreviated(void **state)
{
	static const uint8_t b[] = {
		0x80, 14,   17,	  16, /* MP_REACH_NLRI, RFC 6396 form: next hop length 16 */
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, /* 2001:db8::9 */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(a.mp_reach.abbreviated);
	assert_int_equal(a.mp_reach.nexthop.family, 6);
	assert_int_equal(a.mp_reach.nexthop.a[15], 9);
}

static void test_bgp_unknown_attribute_skipped(void **state)
{
	static const uint8_t b[] = {
		0xc0, 99, 4, 0xde, 0xad, 0xbe, 0xef, /* unknown type 99 */
		0x40, 1,  1, 0,			     /* ORIGIN IGP after it */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_int_equal(a.n_unknown, 1);
	assert_int_equal(stats.attrs_unknown, 1);
	assert_int_equal(a.origin, 0);
	assert_true(BGP_HAS(&a, BGP_ATTR_ORIGIN));
}

static void test_bgp_extended_length(void **state)
{
	static const uint8_t b[] = {
		0x50, 2, 0x00, 0x06, /* AS_PATH with the extended-length flag, 6 bytes */
		2,    1, 0,    0,    0xfb, 0xf0, /* AS_SEQUENCE 64496 */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_int_equal(a.as_path.nasns, 1);
	assert_int_equal(a.as_path.asns[0], 64496);
	assert_int_equal(a.malformed, 0); /* 0x50: well-known transitive + ext len */
}

/* ---- malformed ---- */

static void test_bgp_attr_length_past_end(void **state)
{
	static const uint8_t b[] = {
		0x40, 1, 1, 0,	     /* ORIGIN IGP */
		0x40, 3, 4, 198, 51, /* NEXT_HOP claims 4 bytes, 2 are there */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(a.truncated);
	assert_true(BGP_HAS(&a, BGP_ATTR_ORIGIN));
	assert_false(BGP_HAS(&a, BGP_ATTR_NEXT_HOP));
}

static void test_bgp_attr_header_cut(void **state)
{
	static const uint8_t b[] = { 0x50, 2, 0x00 }; /* extended length cut after 1 byte */
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(a.truncated);
	assert_int_equal(a.present, 0);
}

static uint32_t get_origin(const struct bgp_attrs *a)
{
	return a->origin;
}
static uint32_t get_med(const struct bgp_attrs *a)
{
	return a->med;
}
static uint32_t get_local_pref(const struct bgp_attrs *a)
{
	return a->local_pref;
}
static uint32_t get_next_hop(const struct bgp_attrs *a)
{
	return (uint32_t)a->next_hop.a[0] << 24 | (uint32_t)a->next_hop.a[1] << 16 |
	       (uint32_t)a->next_hop.a[2] << 8 | a->next_hop.a[3];
}
static uint32_t get_community0(const struct bgp_attrs *a)
{
	return a->n_communities ? a->communities[0] : 0xdeadbeefU;
}
static uint32_t get_atomic(const struct bgp_attrs *a)
{
	return a->atomic_aggregate;
}
static uint32_t get_aspath_segs(const struct bgp_attrs *a)
{
	return a->as_path.present ? a->as_path.nsegs : 0xdeadbeefU;
}

/* One attribute per row: its bytes, whether it is marked malformed, and the
 * value decoded from it (short values zero-filled, wrong flags still
 * decoded).  Every row runs; the failing ones are listed together. */
static const struct attr_row {
	const char *name;
	uint8_t b[16];
	size_t n;
	uint8_t type;
	bool malformed;
	uint32_t (*get)(const struct bgp_attrs *a);
	uint32_t want;
} attr_rows[] = {
	{ "ORIGIN IGP", { 0x40, 1, 1, 0 }, 4, BGP_ATTR_ORIGIN, false, get_origin, 0 },
	{ "ORIGIN INCOMPLETE", { 0x40, 1, 1, 2 }, 4, BGP_ATTR_ORIGIN, false, get_origin, 2 },
	{ "ORIGIN 3: out of range", { 0x40, 1, 1, 3 }, 4, BGP_ATTR_ORIGIN, true, get_origin, 3 },
	{ "ORIGIN of 2 bytes", { 0x40, 1, 2, 1, 0 }, 5, BGP_ATTR_ORIGIN, true, get_origin, 1 },
	{ "ORIGIN marked optional", { 0x80, 1, 1, 0 }, 4, BGP_ATTR_ORIGIN, true, get_origin, 0 },
	{ "NEXT_HOP",
	  { 0x40, 3, 4, 198, 51, 100, 1 },
	  7,
	  BGP_ATTR_NEXT_HOP,
	  false,
	  get_next_hop,
	  0xc6336401U },
	{ "NEXT_HOP of 3 bytes",
	  { 0x40, 3, 3, 198, 51, 100 },
	  6,
	  BGP_ATTR_NEXT_HOP,
	  true,
	  get_next_hop,
	  0xc6336400U },
	{ "MED", { 0x80, 4, 4, 0, 0, 1, 0 }, 7, BGP_ATTR_MED, false, get_med, 256 },
	{ "MED of 5 bytes",
	  { 0x80, 4, 5, 1, 2, 3, 4, 5 },
	  8,
	  BGP_ATTR_MED,
	  true,
	  get_med,
	  0x01020304U },
	{ "LOCAL_PREF",
	  { 0x40, 5, 4, 0, 0, 0, 100 },
	  7,
	  BGP_ATTR_LOCAL_PREF,
	  false,
	  get_local_pref,
	  100 },
	{ "LOCAL_PREF of 2 bytes",
	  { 0x40, 5, 2, 0x01, 0x02 },
	  5,
	  BGP_ATTR_LOCAL_PREF,
	  true,
	  get_local_pref,
	  0x01020000U },
	{ "ATOMIC_AGGREGATE", { 0x40, 6, 0 }, 3, BGP_ATTR_ATOMIC_AGGREGATE, false, get_atomic, 1 },
	{ "ATOMIC_AGGREGATE of 1 byte",
	  { 0x40, 6, 1, 0 },
	  4,
	  BGP_ATTR_ATOMIC_AGGREGATE,
	  true,
	  get_atomic,
	  1 },
	{ "COMMUNITIES",
	  { 0xc0, 8, 4, 0, 1, 0, 2 },
	  7,
	  BGP_ATTR_COMMUNITIES,
	  false,
	  get_community0,
	  0x00010002U },
	{ "COMMUNITIES marked well-known",
	  { 0x40, 8, 4, 0, 1, 0, 2 },
	  7,
	  BGP_ATTR_COMMUNITIES,
	  true,
	  get_community0,
	  0x00010002U },
	{ "COMMUNITIES of 6 bytes",
	  { 0xc0, 8, 6, 0, 1, 0, 2, 0, 3 },
	  9,
	  BGP_ATTR_COMMUNITIES,
	  true,
	  get_community0,
	  0x00010002U },
	/* of length 0: zero-filled and malformed, but an empty AS path is valid */
	{ "ORIGIN of 0 bytes", { 0x40, 1, 0 }, 3, BGP_ATTR_ORIGIN, true, get_origin, 0 },
	{ "NEXT_HOP of 0 bytes", { 0x40, 3, 0 }, 3, BGP_ATTR_NEXT_HOP, true, get_next_hop, 0 },
	{ "MED of 0 bytes", { 0x80, 4, 0 }, 3, BGP_ATTR_MED, true, get_med, 0 },
	{ "COMMUNITIES of 0 bytes",
	  { 0xc0, 8, 0 },
	  3,
	  BGP_ATTR_COMMUNITIES,
	  true,
	  get_community0,
	  0xdeadbeefU },
	{ "AS_PATH of 0 bytes", { 0x40, 2, 0 }, 3, BGP_ATTR_AS_PATH, false, get_aspath_segs, 0 },
};

static void test_bgp_attr_table(void **state)
{
	const size_t n = sizeof(attr_rows) / sizeof(attr_rows[0]);
	struct rows rs = { 0 };

	for (size_t i = 0; i < n; i++) {
		const struct attr_row *r = &attr_rows[i];
		struct bgp_attrs a;
		int err = parse(r->b, r->n, 4, &a);
		bool mal = a.malformed & (1U << r->type);
		uint32_t got = err ? 0 : r->get(&a);

		if (err)
			row_wrong(&rs, i, r->name, "returned %d, want 0", err);
		if (!err && mal != r->malformed)
			row_wrong(&rs, i, r->name, "malformed %d, want %d", mal, r->malformed);
		if (!err && got != r->want)
			row_wrong(&rs, i, r->name, "value 0x%x, want 0x%x", got, r->want);
	}
	rows_done(&rs, n);
}

static void test_bgp_segment_count_past_end(void **state)
{
	static const uint8_t b[] = {
		0x40, 2, 8,		   /* AS_PATH */
		2,    1, 0, 0, 0xfb, 0xf0, /* AS_SEQUENCE 64496 */
		2,    5,		   /* AS_SEQUENCE of 5 ASNs, none there */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(a.as_path_raw.error);
	assert_int_equal(a.as_path_raw.nsegs, 1); /* the good segment is kept */
	assert_int_equal(a.as_path_raw.asns[0], 64496);
	assert_true(a.malformed & (1U << BGP_ATTR_AS_PATH));
}

static void test_bgp_bad_segment_type(void **state)
{
	static const uint8_t b[] = { 0x40, 2, 6, 9, 1, 0, 0, 0, 1 }; /* segment type 9 */
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_true(a.as_path_raw.error);
	assert_int_equal(a.as_path_raw.nsegs, 0);
}

static void test_bgp_repeated_attribute_first_kept(void **state)
{
	static const uint8_t b[] = {
		0x40, 1, 1, 1, /* ORIGIN EGP */
		0x40, 1, 1, 2, /* ORIGIN INCOMPLETE again */
	};
	struct bgp_attrs a;

	assert_int_equal(parse(b, sizeof(b), 4, &a), 0);
	assert_int_equal(a.origin, 1);
	assert_true(a.malformed & (1U << BGP_ATTR_ORIGIN));
}

/* The prefixes of a list as text: "175.45.176.0/22 0.0.0.0/0", each path id
 * after a '#'. */
static const char *prefixes_text(const struct mrt_prefix *p, uint32_t n, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = 0;
	for (uint32_t i = 0; i < n && k < len; i++) {
		const uint8_t *a = p[i].ip.a;
		k += (size_t)snprintf(buf + k, len - k, "%s%u.%u.%u.%u/%u", i ? " " : "", a[0],
				      a[1], a[2], a[3], p[i].len);
		if (p[i].has_path_id && k < len)
			k += (size_t)snprintf(buf + k, len - k, "#%u", p[i].path_id);
	}
	return buf;
}

static const uint8_t nlri_ok[] = {
	22, 175, 45, 176,    /* 175.45.176.0/22 */
	0,		     /* 0.0.0.0/0 */
	32, 198, 51, 100, 7, /* 198.51.100.7/32 */
};
static const uint8_t nlri_addpath[] = { 0, 0, 0, 5, 24, 203, 0, 113 }; /* id 5, 203.0.113.0/24 */
static const uint8_t nlri_cut[] = { 24, 203, 0, 113, 24, 198, 51 };    /* second prefix cut */
static const uint8_t nlri_toolong[] = { 24, 203, 0, 113, 33, 1, 2, 3, 4, 5 }; /* /33 in IPv4 */

/* One IPv4 prefix list per row, read strictly (a malformed prefix fails the
 * list: every prefix after it would be lost) or in bgpdump's reading (the
 * list ends at a cut prefix, a /33 is kept as bgpdump prints it). */
static const struct nlri_row {
	const char *name;
	const uint8_t *b;
	size_t n;
	bool addpath, compat;
	const char *list; /* the list's name in errors */
	int ret;
	const char *want; /* ret 0: the prefixes (prefixes_text); else the error */
	bool cut;	  /* ret 0: the list was cut (bgpdump's reading) */
} nlri_rows[] = {
	{ "three prefixes", nlri_ok, sizeof(nlri_ok), false, false, "NLRI", 0,
	  "175.45.176.0/22 0.0.0.0/0 198.51.100.7/32", false },
	{ "ADD-PATH", nlri_addpath, sizeof(nlri_addpath), true, false, "NLRI", 0,
	  "203.0.113.0/24#5", false },
	{ "second prefix cut", nlri_cut, sizeof(nlri_cut), false, false, "NLRI", -EINVAL,
	  "NLRI: prefix at byte 4 of 7 is cut: /24 needs 3 bytes, 2 left", false },
	{ "/33", nlri_toolong, sizeof(nlri_toolong), false, false, "withdrawn routes", -EINVAL,
	  "withdrawn routes: prefix at byte 4 of 10 has length 33 (at most 32)", false },
	{ "ADD-PATH cut in the prefix", nlri_addpath, 6, true, false, "NLRI", -EINVAL,
	  "NLRI: prefix at byte 0 of 6 is cut: /24 needs 3 bytes, 1 left", false },
	{ "ADD-PATH cut in the path id", nlri_addpath, 3, true, false, "NLRI", -EINVAL,
	  "NLRI: prefix at byte 0 of 3 is cut in its path id", false },
	{ "bgpdump: second prefix cut", nlri_cut, sizeof(nlri_cut), false, true, "NLRI", 0,
	  "203.0.113.0/24", true },
	{ "bgpdump: /33", nlri_toolong, sizeof(nlri_toolong), false, true, "NLRI", 0,
	  "203.0.113.0/24 1.2.3.4/33", false },
};

static void test_bgp_nlri(void **state)
{
	const size_t n = sizeof(nlri_rows) / sizeof(nlri_rows[0]);
	struct rows rs = { 0 };

	for (size_t i = 0; i < n; i++) {
		const struct nlri_row *r = &nlri_rows[i];
		struct bgp_ctx x = ctx(4, r->addpath);
		const struct mrt_prefix *p = NULL;
		uint32_t np = 0;
		bool cut = false;
		char got[256];
		int ret;

		x.bgpdump_compat = r->compat;
		ret = bgp_nlri_parse(r->b, r->n, 4, r->list, &x, &p, &np, &cut);
		if (ret != r->ret)
			row_wrong(&rs, i, r->name, "returned %d, want %d (%s)", ret, r->ret,
				  errbuf);
		else if (ret && strcmp(errbuf, r->want))
			row_wrong(&rs, i, r->name, "error \"%s\", want \"%s\"", errbuf, r->want);
		else if (!ret && strcmp(prefixes_text(p, np, got, sizeof(got)), r->want))
			row_wrong(&rs, i, r->name, "prefixes \"%s\", want \"%s\"", got, r->want);
		if (!ret && (cut != r->cut || stats.nlri_cut != r->cut))
			row_wrong(&rs, i, r->name, "cut %d, nlri_cut %llu, want %d", cut,
				  (unsigned long long)stats.nlri_cut, r->cut);
	}
	rows_done(&rs, n);
}

/* An UPDATE: withdrawn 198.51.100.0/24, ORIGIN IGP, NLRI 175.45.176.0/22;
 * returns its length (35). */
static size_t update_msg(uint8_t m[64])
{
	size_t n = 0;

	memset(m, 0xff, 16); /* marker */
	n = 16;
	m[n++] = 0;
	m[n++] = 0; /* length, set below */
	m[n++] = 2; /* UPDATE */
	m[n++] = 0;
	m[n++] = 4;					      /* withdrawn routes length 4 */
	m[n++] = 24, m[n++] = 198, m[n++] = 51, m[n++] = 100; /* 198.51.100.0/24 */
	m[n++] = 0;
	m[n++] = 4;					      /* path attribute length 4 */
	m[n++] = 0x40, m[n++] = 1, m[n++] = 1, m[n++] = 0;    /* ORIGIN IGP */
	m[n++] = 22, m[n++] = 175, m[n++] = 45, m[n++] = 176; /* NLRI 175.45.176.0/22 */
	m[17] = (uint8_t)n;
	return n;
}

static void test_bgp_msg_update(void **state)
{
	uint8_t m[64];
	size_t n = update_msg(m);
	struct bgp_msg msg;
	struct bgp_ctx x = ctx(4, false);

	assert_int_equal(bgp_msg_parse(m, n, &x, &msg), 0);
	assert_int_equal(msg.type, BGP_MSG_UPDATE);
	assert_int_equal(msg.update.n_withdrawn, 1);
	assert_int_equal(msg.update.withdrawn[0].ip.a[2], 100);
	assert_int_equal(msg.update.n_nlri, 1);
	assert_int_equal(msg.update.nlri[0].len, 22);
	assert_true(BGP_HAS(&msg.update.attrs, BGP_ATTR_ORIGIN));
}

/* update_msg() with one byte changed (at, to) or cut to len bytes: each an
 * error whose text holds `want`. */
static const struct msg_row {
	const char *name;
	size_t at;
	uint8_t to;
	size_t len; /* 0: the whole message */
	const char *want;
} msg_rows[] = {
	{ "BGP length past the record", 17, 200, 0, "BGP4MP length 200 exceeds record length 35" },
	{ "withdrawn length past the message", 20, 40, 0, "withdrawn length 40" },
	{ "bad marker", 3, 0, 0, "BGP message marker is not all ones" },
	{ "shorter than a header", 0, 0xff, 10,
	  "BGP message of 10 bytes is shorter than its 19-byte header" },
};

static void test_bgp_msg_errors(void **state)
{
	const size_t n = sizeof(msg_rows) / sizeof(msg_rows[0]);
	struct rows rs = { 0 };

	for (size_t i = 0; i < n; i++) {
		const struct msg_row *r = &msg_rows[i];
		uint8_t m[64];
		size_t len = update_msg(m);
		struct bgp_msg msg;
		struct bgp_ctx x = ctx(4, false);
		int ret;

		m[r->at] = r->to;
		ret = bgp_msg_parse(m, r->len ? r->len : len, &x, &msg);
		if (ret != -EINVAL)
			row_wrong(&rs, i, r->name, "returned %d, want %d", ret, -EINVAL);
		else if (!strstr(errbuf, r->want))
			row_wrong(&rs, i, r->name, "error \"%s\" does not say \"%s\"", errbuf,
				  r->want);
	}
	rows_done(&rs, n);
}

static void test_bgp_open_as4_capability(void **state)
{
	static const uint8_t m[] = {
		BGP_MARKER, 0,	  37,	1,	   /* length 37, OPEN */
		4,	    0x5b, 0xa0, 0,    180, /* version 4, AS_TRANS, hold 180 */
		198,	    51,	  100,	1,	   /* BGP id */
		8,	    2,	  6,	65,   4,   /* opt len 8: capability 65 (4-octet AS) */
		0xfa,	    0x56, 0xea, 0x01,	   /*   4200000001 */
	};
	struct bgp_msg msg;
	struct bgp_ctx x = ctx(4, false);

	assert_int_equal(bgp_msg_parse(m, sizeof(m), &x, &msg), 0);
	assert_int_equal(msg.open.version, 4);
	assert_int_equal(msg.open.asn, 23456);
	assert_int_equal(msg.open.asn4, 4200000001U);
	assert_int_equal(msg.open.hold_time, 180);
}

/* RFC 9072 (optional parameters past 255 bytes, as an RFC 8654 OPEN may
 * carry): length 255, type 255, a 2-byte length, 2-byte parameter lengths */
static void test_bgp_open_extended_optional_parameters(void **state)
{
	static const uint8_t m[] = {
		BGP_MARKER, 0,	  41,	1,		  /* length 41, OPEN */
		4,	    0x5b, 0xa0, 0,    180,	  /* version 4, AS_TRANS, hold 180 */
		198,	    51,	  100,	1,		  /* BGP id */
		255,					  /* opt len 255: RFC 9072 form ... */
		255,	    0,	  9,			  /*   ... type 255, 9 bytes follow */
		2,	    0,	  6,			  /*   capabilities, 6 bytes */
		65,	    4,	  0xfa, 0x56, 0xea, 0x01, /*     4-octet AS 4200000001 */
	};
	struct bgp_msg msg;
	struct bgp_ctx x = ctx(4, false);

	assert_int_equal(bgp_msg_parse(m, sizeof(m), &x, &msg), 0);
	assert_int_equal(msg.open.asn, 23456);
	assert_int_equal(msg.open.asn4, 4200000001U);
}

/* RFC 6396: one BGP message per record.  Bytes after it would be lost: an
 * error, except in bgpdump's reading (bgpdump ignores them). */
static void test_bgp_msg_bytes_after_message(void **state)
{
	static const uint8_t m[] = {
		BGP_MARKER, 0,	  19, 4, /* length 19, KEEPALIVE */
		0xff,	    0xff,	 /* 2 more bytes */
	};
	struct bgp_msg msg;
	struct bgp_ctx x = ctx(4, false);

	assert_int_equal(bgp_msg_parse(m, sizeof(m), &x, &msg), -EINVAL);
	assert_string_equal(errbuf, "BGP4MP record holds 2 bytes after its BGP message of 19");
	x.bgpdump_compat = true;
	assert_int_equal(bgp_msg_parse(m, sizeof(m), &x, &msg), 0);
}

/* bgpdump's IPv6 text: it compresses a single zero group (inet_ntop does
 * not) and writes IPv4-mapped addresses with a dotted quad. */
static const struct ipv6_row {
	uint8_t a[16];
	const char *want;
} ipv6_rows[] = {
	{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }, "2001:db8::1:1:1:1:1" },
	{ { 0 }, "::" },
	{ { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 193, 0, 0, 56 }, "::ffff:193.0.0.56" },
};

static void test_bgp_bgpdump_ipv6_text(void **state)
{
	const size_t n = sizeof(ipv6_rows) / sizeof(ipv6_rows[0]);
	struct rows rs = { 0 };
	char buf[64];

	for (size_t i = 0; i < n; i++) {
		bgpdump_fmt_ipv6(ipv6_rows[i].a, buf);
		if (strcmp(buf, ipv6_rows[i].want))
			row_wrong(&rs, i, ipv6_rows[i].want, "printed \"%s\"", buf);
	}
	rows_done(&rs, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bgp_origin_nexthop_med_localpref),
		cmocka_unit_test(test_bgp_aspath_2byte_sets_and_confeds),
		cmocka_unit_test(test_bgp_aspath_4byte),
		cmocka_unit_test(test_bgp_as4_path_merge_rfc6793),
		cmocka_unit_test(test_bgp_as4_path_longer_than_as_path_ignored),
		cmocka_unit_test(test_bgp_aggregator_as4_aggregator),
		cmocka_unit_test(test_bgp_communities_and_large),
		cmocka_unit_test(test_bgp_mp_reach_unreach_ipv6),
		cmocka_unit_test(test_bgp_mp_reach_other_afi_skipped),
		cmocka_unit_test(test_bgp_mp_reach_abbreviated),
		cmocka_unit_test(test_bgp_unknown_attribute_skipped),
		cmocka_unit_test(test_bgp_extended_length),
		cmocka_unit_test(test_bgp_attr_length_past_end),
		cmocka_unit_test(test_bgp_attr_header_cut),
		cmocka_unit_test(test_bgp_attr_table),
		cmocka_unit_test(test_bgp_segment_count_past_end),
		cmocka_unit_test(test_bgp_bad_segment_type),
		cmocka_unit_test(test_bgp_repeated_attribute_first_kept),
		cmocka_unit_test(test_bgp_nlri),
		cmocka_unit_test(test_bgp_msg_update),
		cmocka_unit_test(test_bgp_msg_errors),
		cmocka_unit_test(test_bgp_open_as4_capability),
		cmocka_unit_test(test_bgp_bgpdump_ipv6_text),
		cmocka_unit_test(test_bgp_open_extended_optional_parameters),
		cmocka_unit_test(test_bgp_msg_bytes_after_message),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	mrt_arena_free(&arena);
	return rc;
}
